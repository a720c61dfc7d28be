"""How the tool is used and whether the population drifts: the analyst's monitoring figures.

:func:`monitoring_report` takes one row per recommendation (``municipality``, ``typology``,
``top_offer``, ``low_evidence``, ``decided``, ``followed``, ``reason``, ``outcome`` — the last three
empty until decided / closed) and the intake records, and gives:

* ``follow_rate``: the share of decisions that chose the first advised offer, overall, by
  municipality and by typology;
* ``departure_reasons``: how often each reason code was given when the advice was not followed;
* ``outcomes_by_followed``: the closed cases' outcomes for followed and not followed advice — an
  **association**, not an effect: advisers depart from the advice for reasons that also bear on the
  outcome;
* ``drift``: the PSI of every intake field against the training cohort
  (:mod:`recommender.analysis.drift`);
* ``low_evidence``: the share of recommendations whose first advised offer had low support;
* ``typology_overrides`` (issue 26, when the rows have ``typology_rules`` and ``typology_adviser``): how
  often the adviser set another typology than the rules gave, overall and by the rules' typology, and
  to which typology.

No cell under ``min_cell`` citizens (default 5) is shown: its count is given as ``"<5"`` and its
share as ``null`` with ``"suppressed": true``; an overall figure under ``min_cell`` is suppressed too.

>>> import pandas as pd
>>> rows = pd.DataFrame({"municipality": ["Aarhus"] * 6, "typology": ["flexible"] * 6,
...     "top_offer": ["internship"] * 6, "low_evidence": [False] * 6, "decided": [True] * 6,
...     "followed": [True] * 5 + [False], "reason": [None] * 5 + ["not_available"], "outcome": [None] * 6})
>>> report = monitoring_report(rows, [], reference=None)
>>> report["follow_rate"]["overall"], report["follow_rate"]["by_municipality"]["Aarhus"]["rate"]
(0.8333, 0.8333)
>>> report["departure_reasons"]["not_available"]
'<5'
>>> rows = rows.assign(typology_rules=["uncertain"] * 6, typology_adviser=["flexible"] * 5 + [None])
>>> monitoring_report(rows, [], reference=None)["typology_overrides"]["by_typology"]["uncertain"]
{'n': 6, 'rate': 0.8333, 'suppressed': False, 'to': {'flexible': 5}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from recommender.analysis.drift import MIN_INTAKES, THRESHOLDS, drift_report
from recommender.modelling.profile import PROFILE_FIELDS, category_counts
from recommender.vocab import LABOUR_FORCE_OUTCOMES, OUTCOME

__all__ = ["ASSOCIATION_NOTE", "DEFAULT_MIN_CELL", "monitoring_report"]

DEFAULT_MIN_CELL = 5
ASSOCIATION_NOTE = {
    "da": "Sammenhæng, ikke effekt: rådgivere fraviger anbefalingen af grunde, der også kan hænge sammen "
          "med afslutningen.",
    "en": "Association, not effect: advisers depart from the advice for reasons that may also bear on "
          "the outcome.",
}


def _rate(hits: int, n: int, min_cell: int) -> dict[str, Any]:
    if n < min_cell:
        return {"n": f"<{min_cell}" if n else 0, "rate": None, "suppressed": bool(n)}
    return {"n": n, "rate": round(hits / n, 4), "suppressed": False}


def _count(k: int, min_cell: int) -> int | str:
    return f"<{min_cell}" if 0 < k < min_cell else k


def _follow(decided: pd.DataFrame, min_cell: int) -> dict[str, Any]:
    followed = decided["followed"].astype(bool)
    overall = _rate(int(followed.sum()), len(decided), min_cell)
    out: dict[str, Any] = {"overall": overall["rate"], "n_decisions": overall["n"],
                           "n_followed": _count(int(followed.sum()), min_cell)}
    for key, column in (("by_municipality", "municipality"), ("by_typology", "typology")):
        out[key] = {str(g): _rate(int(part["followed"].astype(bool).sum()), len(part), min_cell)
                    for g, part in decided.groupby(column, sort=True)}
    return out


def _outcomes(closed: pd.DataFrame, min_cell: int) -> dict[str, Any]:
    out: dict[str, Any] = {"note": ASSOCIATION_NOTE}
    for name, part in (("followed", closed[closed["followed"].astype(bool)]),
                       ("not_followed", closed[~closed["followed"].astype(bool)])):
        n = len(part)
        lf = int(part["outcome"].isin(LABOUR_FORCE_OUTCOMES).sum())
        entry = _rate(lf, n, min_cell)
        entry = {"n": entry["n"], "labour_force_share": entry["rate"], "suppressed": entry["suppressed"]}
        if n >= min_cell:
            entry["outcomes"] = {o: _count(int((part["outcome"] == o).sum()), min_cell) for o in OUTCOME.codes}
        out[name] = entry
    return out


def monitoring_report(records: pd.DataFrame, intakes: Iterable[Mapping[str, object]], *,
                      reference: Mapping[str, Mapping[str, float]] | None,
                      reference_version: str | None = None,
                      min_cell: int = DEFAULT_MIN_CELL) -> dict[str, Any]:
    """The monitoring figures (see the module docstring) as a JSON-ready dict."""
    decided = records[records["decided"].astype(bool)]
    departed = decided[~decided["followed"].astype(bool)]
    closed = decided[decided["outcome"].notna()]
    reasons = departed["reason"].fillna("none").value_counts()
    counts, n_intakes = category_counts(intakes, PROFILE_FIELDS)
    with_top = records[records["top_offer"].notna()]
    low = _rate(int(with_top["low_evidence"].astype(bool).sum()), len(with_top), min_cell)
    return {
        "min_cell": min_cell,
        "counts": {"recommendations": _count(len(records), min_cell),
                   "decisions": _count(len(decided), min_cell),
                   "closures": _count(int(records["outcome"].notna().sum()), min_cell)},
        "follow_rate": _follow(decided, min_cell),
        "departure_reasons": {str(r): _count(int(k), min_cell) for r, k in reasons.items()},
        "outcomes_by_followed": _outcomes(closed, min_cell),
        "drift": drift_report(reference, counts, n_intakes),
        "drift_reference": {"model_version": reference_version, "available": reference is not None,
                            "thresholds": dict(THRESHOLDS), "min_intakes": MIN_INTAKES,
                            "n_intakes": _count(n_intakes, min_cell)},
        "low_evidence": {"share": low["rate"], "n": low["n"], "suppressed": low["suppressed"]},
        **({"typology_overrides": _overrides(records, min_cell)} if "typology_adviser" in records else {}),
    }


def _overrides(records: pd.DataFrame, min_cell: int) -> dict[str, Any]:
    """The override rate: recommendations whose adviser set a typology other than the rules'."""
    rules = records["typology_rules"].fillna(records["typology"]).astype(str)
    adviser = records["typology_adviser"]
    changed = adviser.notna() & (adviser.astype(str) != rules)
    overall = _rate(int(changed.sum()), len(records), min_cell)
    by: dict[str, Any] = {}
    for code, part in records.groupby(rules, sort=True):
        hits = changed[part.index]
        entry = _rate(int(hits.sum()), len(part), min_cell)
        if not entry["suppressed"]:
            entry["to"] = {str(t): _count(int(k), min_cell)
                           for t, k in adviser[part.index][hits].value_counts().sort_index().items()}
        by[str(code)] = entry
    return {"overall": overall["rate"], "n": overall["n"], "suppressed": overall["suppressed"],
            "by_typology": by}
