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

No figure lets a count under ``min_cell`` citizens (default 5) be read or worked out
(:mod:`recommender.analysis.suppression`): the follow table (municipality or typology × followed / not
followed, with the overall figures as its totals), the departure reasons (whose total is the not-followed
count), the outcomes of closed cases and the low-evidence share are each protected by primary and
complementary suppression; a hidden count is ``".."``, a hidden share ``null`` with ``"suppressed": true``,
and a share is shown only when it gives no hidden count back.

>>> import pandas as pd
>>> rows = pd.DataFrame({"municipality": ["Aarhus"] * 12, "typology": ["flexible"] * 12,
...     "top_offer": ["internship"] * 12, "low_evidence": [False] * 12, "decided": [True] * 12,
...     "followed": [True] * 7 + [False] * 5, "reason": [None] * 7 + ["not_available"] * 4 + ["other"],
...     "outcome": [None] * 12})
>>> report = monitoring_report(rows, [], reference=None)
>>> report["follow_rate"]["overall"], report["follow_rate"]["by_municipality"]["Aarhus"]["rate"]
(0.5833, 0.5833)
>>> report["departure_reasons"]  # 4 + 1 = 5: the 1 and so the 4 are hidden
{'not_available': '..', 'other': '..'}
>>> rows = rows.assign(typology_rules=["uncertain"] * 6 + ["flexible"] * 6,
...                    typology_adviser=["flexible"] * 5 + [None] * 7)
>>> monitoring_report(rows, [], reference=None)["typology_overrides"]["by_typology"]["uncertain"]
{'n': 6, 'rate': None, 'suppressed': True}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from recommender.analysis.drift import MIN_INTAKES, THRESHOLDS, drift_report
from recommender.analysis.suppression import HIDDEN, Position, Protected, protect, rate
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


def _count(k: int, min_cell: int) -> int | str:
    return HIDDEN if 0 < k < min_cell else k


def _entry(table: Protected, i: int) -> dict[str, Any]:
    share = rate(table, ("cell", i, 0), ("row", i, -1))
    return {"n": table.show(("row", i, -1)), "rate": share, "suppressed": share is None}


_FOLLOWED, _NOT_FOLLOWED, _ALL = ("col", -1, 0), ("col", -1, 1), ("all", -1, -1)


def _follow_tables(
    decided: pd.DataFrame, reasons: pd.Series, min_cell: int
) -> tuple[dict[str, tuple[list[str], Protected]], Protected]:
    """The follow tables by municipality and by typology, and the departure reasons, protected together:
    they share their totals (followed, not followed, all decisions), so a total hidden in one is hidden
    in all."""
    followed = decided["followed"].astype(bool)
    grouped: dict[str, tuple[list[str], list[list[int]]]] = {}
    for column in ("municipality", "typology"):
        names = sorted(str(g) for g in decided[column].unique())
        hits = [
            [
                int((followed & (decided[column].astype(str) == g)).sum()),
                int((~followed & (decided[column].astype(str) == g)).sum()),
            ]
            for g in names
        ]
        grouped[column] = (names, hits or [[0, 0]])
    reason_cells = [[int(k) for k in reasons.to_numpy()]] if len(reasons) else [[0]]
    shared: set[Position] = set()
    for _ in range(10):  # until the shared totals agree (each pass can only hide more)
        tables = {
            c: (names, protect(cells, min_cell=min_cell, column_totals=True, hide=sorted(shared)))
            for c, (names, cells) in grouped.items()
        }
        why = protect(
            reason_cells, min_cell=min_cell, hide=[("row", 0, -1)] if _NOT_FOLLOWED in shared else []
        )
        now = {p for _, t in tables.values() for p in (_FOLLOWED, _NOT_FOLLOWED, _ALL) if t.is_hidden(p)}
        if why.is_hidden(("row", 0, -1)):
            now.add(_NOT_FOLLOWED)
        if now <= shared:
            return tables, why
        shared |= now
    raise AssertionError("suppression of the follow tables did not settle")


def _follow(tables: dict[str, tuple[list[str], Protected]], empty: bool) -> dict[str, Any]:
    names, t = tables["municipality"]
    out: dict[str, Any] = {
        "overall": None if empty else rate(t, _FOLLOWED, _ALL),
        "n_decisions": 0 if empty else t.show(_ALL),
        "n_followed": 0 if empty else t.show(_FOLLOWED),
    }
    for key, column in (("by_municipality", "municipality"), ("by_typology", "typology")):
        names, table = tables[column]
        out[key] = {} if empty else {g: _entry(table, i) for i, g in enumerate(names)}
    return out


def _outcomes(closed: pd.DataFrame, min_cell: int) -> tuple[dict[str, Any], Protected]:
    out: dict[str, Any] = {"note": ASSOCIATION_NOTE}
    parts = (
        ("followed", closed[closed["followed"].astype(bool)]),
        ("not_followed", closed[~closed["followed"].astype(bool)]),
    )
    cells = [[int((part["outcome"] == o).sum()) for o in OUTCOME.codes] for _, part in parts]
    # column totals count as shown (they are not, so this hides at least enough); the grand total is
    # the number of closures
    table = protect(cells, min_cell=min_cell, column_totals=True)
    labour_force = [j for j, o in enumerate(OUTCOME.codes) if o in LABOUR_FORCE_OUTCOMES]
    for i, (name, part) in enumerate(parts):
        n = len(part)
        whole = all(not table.is_hidden(("cell", i, j)) for j in range(len(OUTCOME.codes)))
        hidden_n = table.is_hidden(("row", i, -1))
        share = round(sum(cells[i][j] for j in labour_force) / n, 4) if whole and n and not hidden_n else None
        entry: dict[str, Any] = {
            "n": table.show(("row", i, -1)),
            "labour_force_share": share,
            "suppressed": share is None and n > 0,
        }
        if n and not hidden_n:
            entry["outcomes"] = {o: table.show(("cell", i, j)) for j, o in enumerate(OUTCOME.codes)}
        out[name] = entry
    return out, table


def monitoring_report(
    records: pd.DataFrame,
    intakes: Iterable[Mapping[str, object]],
    *,
    reference: Mapping[str, Mapping[str, float]] | None,
    reference_version: str | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> dict[str, Any]:
    """The monitoring figures (see the module docstring) as a JSON-ready dict."""
    decided = records[records["decided"].astype(bool)]
    departed = decided[~decided["followed"].astype(bool)]
    closed = decided[decided["outcome"].notna()]
    reasons = departed["reason"].fillna("none").value_counts()
    counts, n_intakes = category_counts(intakes, PROFILE_FIELDS)
    with_top = records[records["top_offer"].notna()]
    n_low = int(with_top["low_evidence"].astype(bool).sum())
    low = protect([[n_low, len(with_top) - n_low]], min_cell=min_cell)
    low_share = rate(low, ("cell", 0, 0), ("row", 0, -1))
    tables, why = _follow_tables(decided, reasons, min_cell)
    outcomes, outcome_table = _outcomes(closed, min_cell)
    n_closures = int(records["outcome"].notna().sum())
    return {
        "min_cell": min_cell,
        "counts": {
            "recommendations": _count(len(records), min_cell),
            "decisions": tables["municipality"][1].show(_ALL) if len(decided) else 0,
            "closures": outcome_table.show(_ALL)
            if n_closures == len(closed) and n_closures
            else _count(n_closures, min_cell),
        },
        "follow_rate": _follow(tables, decided.empty),
        "departure_reasons": {str(r): why.show(("cell", 0, j)) for j, r in enumerate(reasons.index)},
        "outcomes_by_followed": outcomes,
        "drift": drift_report(reference, counts, n_intakes),
        "drift_reference": {
            "model_version": reference_version,
            "available": reference is not None,
            "thresholds": dict(THRESHOLDS),
            "min_intakes": MIN_INTAKES,
            "n_intakes": _count(n_intakes, min_cell),
        },
        "low_evidence": {
            "share": low_share,
            "n": low.show(("row", 0, -1)),
            "suppressed": low_share is None and len(with_top) > 0,
        },
        **({"typology_overrides": _overrides(records, min_cell)} if "typology_adviser" in records else {}),
    }


def _overrides(records: pd.DataFrame, min_cell: int) -> dict[str, Any]:
    """The override rate (issue 26): recommendations whose adviser set a typology other than the rules'.
    The table (the rules' typology x changed / not changed, with its totals) is protected like the follow
    table, and the typologies changed to are shown only where their total is shown."""
    rules = records["typology_rules"].fillna(records["typology"]).astype(str)
    adviser = records["typology_adviser"]
    changed = adviser.notna() & (adviser.astype(str) != rules)
    names = sorted(set(rules))
    cells = [[int((changed & (rules == c)).sum()), int((~changed & (rules == c)).sum())] for c in names]
    table = protect(cells or [[0, 0]], min_cell=min_cell, column_totals=True)
    by: dict[str, Any] = {}
    for i, code in enumerate(names):
        entry = _entry(table, i)
        if entry["rate"] is not None and cells[i][0]:
            targets = adviser[changed & (rules == code)].astype(str).value_counts().sort_index()
            to = protect([[int(k) for k in targets.to_numpy()]], min_cell=min_cell)
            entry["to"] = {str(t): to.show(("cell", 0, j)) for j, t in enumerate(targets.index)}
        by[code] = entry
    overall = rate(table, _FOLLOWED, _ALL) if names else None
    return {
        "overall": overall,
        "n": table.show(_ALL) if names else 0,
        "suppressed": overall is None,
        "by_typology": by,
    }
