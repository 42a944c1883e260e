"""How a run ended, in words: what the CLI, the plots' titles and the tour say of a status.

Light on purpose (no NumPy): ``gradwise grad`` imports it through the CLI's words.
"""

from __future__ import annotations

__all__ = ["outcome"]


def outcome(status: str, count: int, unit: str = "steps", option: str | None = None) -> str:
    """How a run ended, in words, not in the status's Python spelling (``--json`` keeps that):
    the CLI, the plots' titles and the tour say it so.

    Example:
        >>> outcome("max_steps", 100, option="--steps")
        'stopped after the 100 steps allowed (--steps)'
        >>> outcome("converged", 12, "epochs")
        'converged after 12 epochs'
    """
    noun = unit[:-1] if count == 1 and unit.endswith("s") else unit  # 1 step, 2 steps
    if status == "max_steps":
        return f"stopped after the {count:,} {noun} allowed" + (f" ({option})" if option else "")
    if status == "non_finite":
        return f"stopped (not a finite number) after {count:,} {noun}"
    return f"{status} after {count:,} {noun}"
