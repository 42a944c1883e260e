"""The neuron's findings: the descent's diagnostics of its epochs, plus saturation.

A saturated activation makes the gradient vanish. By the chain rule δ = ∂C/∂ŷ · φ'(z), so
where φ is flat (σ at z = 3: φ' = 0.045) the error y − ŷ hardly reaches the weights. The
check compares what reaches them, mean |δ|, with what the identity neuron's squared error
would pass on, mean 2|y − ŷ|: a ratio below ``VANISH_RATIO`` at the start or the end of
training is the finding ``vanishing_gradient`` of the descent's vocabulary. (With the
log-loss and a sigmoid δ = σ(z) − y, the ratio is 1/2 and the finding never fires: that is
why the log-loss trains a saturated sigmoid.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradwise.descent import diagnostics
from gradwise.descent.trace import Finding, Trace
from gradwise.neuron.derivation import CostName
from gradwise.neuron.kernel import phi_cost_delta

VANISH_RATIO = 0.05
"""mean |δ| / mean 2|y − ŷ| below this: the activation passes on less than 1/20 of the error."""

STEP_CHECKS = (diagnostics.divergence, diagnostics.cycle, diagnostics.vanishing_gradient,
               diagnostics.overshoot, diagnostics.oscillation, diagnostics.slow,
               diagnostics.rising)
"""Full batch: every epoch is one exact descent step, so all the descent's checks apply."""

EPOCH_CHECKS = (diagnostics.divergence, diagnostics.slow, diagnostics.rising)
"""Mini-batch: an epoch is many noisy steps; only the checks of the cost's course apply."""


def neuron_findings(trace: Trace, sample: tuple[np.ndarray, np.ndarray], settings: Any,
                    full_batch: bool) -> tuple[Finding, ...]:
    """The descent's findings on the epochs' trace; saturation, when found, is the
    ``vanishing_gradient`` finding (it names the cause, the flat φ).

    Args:
        trace: the recorded points (θ = (w, b) at each epoch) in training coordinates.
        sample: (X, y) rows, in the same coordinates, to measure saturation on.
        settings: the run's ``training.Settings`` (activation and cost).
        full_batch: whether each epoch was one step.

    Returns:
        Findings in the order of ``diagnostics.CODES``, each code at most once.
    """
    checks = STEP_CHECKS if full_batch else EPOCH_CHECKS
    found = {f.code: f for check in checks if (f := check(trace)) is not None}
    if "divergence" in found:
        found.pop("rising", None)
    if trace.status != "non_finite":  # saturation says why the gradient vanished: it wins
        finding = saturation(trace, sample, settings.activation, settings.cost,
                             standardized=settings.standardize)
        if finding is not None:
            found["vanishing_gradient"] = finding
    order = list(diagnostics.CODES)
    return tuple(sorted(found.values(), key=lambda f: order.index(f.code)))


def saturation(trace: Trace, sample: tuple[np.ndarray, np.ndarray], activation: Any,
               cost: CostName, standardized: bool = False) -> Finding | None:
    """``vanishing_gradient`` if the activation passes on < 1/20 of the error at the start or end.

    The fixes offered are those that apply: standardising only where the features are raw,
    the log-loss only for a sigmoid trained on the squared error.

    Example:
        >>> from gradwise.neuron.engines.local import MemoryEngine
        >>> from gradwise.neuron.settings import Settings
        >>> from gradwise.neuron.training import train
        >>> X, y = np.array([[1.0]]), np.array([1.0])
        >>> fit = train(MemoryEngine((X, y), None, None, 65536),
        ...             Settings(activation="sigmoid", max_epochs=1, fit_intercept=False,
        ...                      standardize=False, start=[3, 0]))
        >>> saturation(fit.trace, (X, y), "sigmoid", "squared_error").message[:48]
        'at the start (w = 3, b = 0), the error reached t'
    """
    X, y = sample
    for index, when in ((0, "at the start"), (len(trace) - 1, "at the end")):
        point = np.array(trace.point(index), dtype=np.float64)
        ratio = _passed_on(X @ point[:-1] + point[-1], y, activation, cost)
        if ratio is not None and ratio < VANISH_RATIO:
            return Finding("vanishing_gradient", f"{when} ({_where(trace, index)}), the error "
                           f"reached the weights scaled by {ratio:.3g} (mean |∂C/∂z| over mean "
                           "2|y − ŷ|): the activation is saturated, so the gradient vanishes "
                           f"and steps are tiny. Fix: {_fixes(activation, cost, standardized)}",
                           index)
    return None


def _fixes(activation: Any, cost: CostName, standardized: bool) -> str:
    fixes = [] if standardized else ["standardise the features"]
    fixes.append("start nearer w = 0")
    if activation == "sigmoid" and cost != "log_loss":
        fixes.append("use cost='log_loss' with a sigmoid")
    if len(fixes) == 1:
        return fixes[0]
    return ", ".join(fixes[:-1]) + ("," if len(fixes) > 2 else "") + f" or {fixes[-1]}"


def _passed_on(z: np.ndarray, y: np.ndarray, activation: Any,
               cost: CostName) -> float | None:
    phi, _, delta = phi_cost_delta(z, y, activation, cost)
    error = 2 * np.abs(y - phi).sum()
    if not (np.isfinite(error) and error > 0 and np.isfinite(delta).all()):
        return None
    return float(np.abs(delta).sum() / error)


def _where(trace: Trace, index: int) -> str:
    point = trace.point(index)
    return ", ".join(f"{name} = {float(x):.6g}" for name, x in zip(trace.names, point,
                                                                   strict=True))
