"""Gradient descent and ascent: optimizers, the loop, traces, diagnosis, advice, explanations.

Data flows one way: ``problem`` (function + start) -> ``run`` (the loop, with an optimizer from
``optimizers`` and a schedule from ``schedules``) -> ``trace`` (Step / Trace / Result) ->
``diagnostics`` (findings) and ``explain`` (the notes' text); ``advice`` reads curvature.
"""
