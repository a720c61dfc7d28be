"""Intake drift: the population stability index (PSI) of each intake field against the training cohort.

For one field with categories *i*, reference shares *e_i* (the training cohort's intake profile,
stored in the model manifest) and current shares *a_i* (the intakes the service saw):

    PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)

Zero shares are kept finite: the current counts get half a citizen per category
((count + 0.5) / (n + 0.5·k)) and reference shares are floored at 0.0001. Thresholds (the usual
credit-scoring convention, :data:`THRESHOLDS`):

* PSI < 0.10: ``stable`` (stabil), no action;
* 0.10 ≤ PSI ≤ 0.25: ``moderate`` (moderat), look at the field;
* PSI > 0.25: ``flag`` (markant): the citizens differ from those the model learnt from; its
  estimates for them rest on less evidence than the intervals say; consider retraining.

With few intakes PSI is noisy (about (k − 1)/n even without drift), so no PSI is given under
:data:`MIN_INTAKES` intakes.

>>> ref = {"a": 0.5, "b": 0.5}
>>> round(psi(ref, {"a": 50, "b": 50}), 4)
0.0
>>> level(psi(ref, {"a": 90, "b": 10}))
'flag'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["MIN_INTAKES", "THRESHOLDS", "drift_report", "level", "psi"]

THRESHOLDS: Mapping[str, float] = {"moderate": 0.10, "flag": 0.25}
MIN_INTAKES = 30
_FLOOR = 1e-4


def psi(reference: Mapping[str, float], counts: Mapping[str, int]) -> float:
    """The PSI of current ``counts`` per category against ``reference`` shares (see module docs)."""
    cats = list(dict.fromkeys([*reference, *counts]))
    n = sum(counts.values())
    total_ref = sum(max(float(reference.get(c, 0.0)), _FLOOR) for c in cats)
    value = 0.0
    for c in cats:
        e = max(float(reference.get(c, 0.0)), _FLOOR) / total_ref
        a = (counts.get(c, 0) + 0.5) / (n + 0.5 * len(cats))
        value += (a - e) * math.log(a / e)
    return value


def level(value: float) -> str:
    """``stable``, ``moderate`` or ``flag`` by :data:`THRESHOLDS`."""
    if value > THRESHOLDS["flag"]:
        return "flag"
    return "moderate" if value >= THRESHOLDS["moderate"] else "stable"


def drift_report(
    reference: Mapping[str, Mapping[str, float]] | None, counts: Mapping[str, Mapping[str, int]], n: int
) -> dict[str, dict[str, Any]]:
    """Per field: ``{"psi", "level", "flag"}``; ``psi`` is ``None`` (and ``flag`` false) without a
    reference profile or under :data:`MIN_INTAKES` intakes, with ``reason`` saying which."""
    out: dict[str, dict[str, Any]] = {}
    for field, field_counts in counts.items():
        if reference is None or field not in reference:
            out[field] = {"psi": None, "level": None, "flag": False, "reason": "no_reference"}
        elif n < MIN_INTAKES:
            out[field] = {"psi": None, "level": None, "flag": False, "reason": f"under_{MIN_INTAKES}_intakes"}
        else:
            value = psi(reference[field], field_counts)
            out[field] = {"psi": round(value, 4), "level": level(value), "flag": level(value) == "flag"}
    return out
