"""SymPy → floats: the one place for speed (code printers, kernels, activations, disk cache)."""
