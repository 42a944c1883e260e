"""Where the neuron's rows are worked on: in memory or streamed (``local``), or on Dask."""
