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
(:mod:`recommender.analysis.suppression`): the follow tables (municipality or typology × followed / not
followed, with the overall figures as their totals), the departure reasons (whose total is the
not-followed count), the outcomes of closed cases (at most the followed and not-followed counts), the
counts, the low-evidence share and the override tables are protected **together**, as one system with
the totals they share (:func:`_protected`), so a figure hidden in one table cannot be worked out from
another; a hidden count is ``".."``, a hidden share ``null`` with ``"suppressed": true``, and a share is
shown only when it gives no hidden count back.

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
from recommender.analysis.suppression import HIDDEN, Link, Protected, Ref, protect_linked, rate
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
_ROW, _FIRST, _SECOND = ("row", 0, -1), ("cell", 0, 0), ("cell", 0, 1)
# figures no part of the report shows: the recommendations not decided, the closures split by decided
# or not, the outcomes' column totals and grand total
_UNPUBLISHED: list[Ref] = [
    ("records", _SECOND),
    ("closures", _FIRST),
    ("closures", _SECOND),
    ("outcomes", _ALL),
    *(("outcomes", ("col", -1, j)) for j in range(len(OUTCOME.codes))),
]


def _by(frame: pd.DataFrame, column: str, flag: pd.Series) -> tuple[list[str], list[list[int]]]:
    """(names, [[flag, not flag] per name]) of ``frame`` grouped by ``column``."""
    names = sorted(str(g) for g in frame[column].unique())
    values = frame[column].astype(str)
    cells = [[int((flag & (values == g)).sum()), int((~flag & (values == g)).sum())] for g in names]
    return names, cells or [[0, 0]]


def _system(records: pd.DataFrame, min_cell: int) -> tuple[dict[str, Any], dict[str, list]]:
    """Every table of counts the report shows, and how a reader can tie them together (see
    :func:`_protected`): ``(tables, extras)`` with the links and the names of the rows."""
    decided = records[records["decided"].astype(bool)]
    followed = decided["followed"].astype(bool)
    closed = decided[decided["outcome"].notna()]
    reasons = decided[~followed]["reason"].fillna("none").value_counts()
    with_top = records[records["top_offer"].notna()]
    n_low = int(with_top["low_evidence"].astype(bool).sum())
    n_closures = int(records["outcome"].notna().sum())
    tables: dict[str, Any] = {
        "records": [[len(decided), len(records) - len(decided)]],
        "closures": [[len(closed), n_closures - len(closed)]],
        "low": [[n_low, len(with_top) - n_low]],
        "reasons": [[int(k) for k in reasons.to_numpy()]] if len(reasons) else [[0]],
        "outcomes": [
            [int((part["outcome"] == o).sum()) for o in OUTCOME.codes]
            for part in (closed[closed["followed"].astype(bool)], closed[~closed["followed"].astype(bool)])
        ],
    }
    names: dict[str, list] = {"reasons": [str(r) for r in reasons.index]}
    for column in ("municipality", "typology"):
        names[column], tables[column] = _by(decided, column, followed)
    links = [
        Link(("municipality", _FOLLOWED), (("typology", _FOLLOWED),)),
        Link(("municipality", _NOT_FOLLOWED), (("typology", _NOT_FOLLOWED),)),
        Link(("municipality", _ALL), (("typology", _ALL),)),
        Link(("reasons", _ROW), (("municipality", _NOT_FOLLOWED),)),  # why not followed
        Link(("records", _FIRST), (("municipality", _ALL),)),  # the decisions
        Link(("closures", _FIRST), (("outcomes", _ALL),)),  # the closed decisions
        # the closed cases are some of the decisions: the ones still open make up the rest
        Link(("municipality", _FOLLOWED), (("outcomes", ("row", 0, -1)),), exact=False),
        Link(("municipality", _NOT_FOLLOWED), (("outcomes", ("row", 1, -1)),), exact=False),
        Link(("records", _SECOND), (("closures", _SECOND),), exact=False),
        Link(("records", _ROW), (("low", _ROW),), exact=False),
    ]
    if "typology_adviser" in records:
        links += _override_system(records, tables, names)
    names["links"] = links
    return tables, names


def _override_system(records: pd.DataFrame, tables: dict[str, Any], names: dict[str, list]) -> list[Link]:
    """The override table (the rules' typology x changed / not changed, over every recommendation) and,
    per typology changed from, the typologies changed to; a decision's typology is the one it ended
    with, so the decisions of a typology are at most its unchanged recommendations and those changed to
    it."""
    rules = records["typology_rules"].fillna(records["typology"]).astype(str)
    adviser = records["typology_adviser"]
    changed = adviser.notna() & (adviser.astype(str) != rules)
    names["overrides"], tables["overrides"] = _by(records.assign(rules=rules), "rules", changed)
    if not len(records):
        names["overrides"] = []
    targets = sorted(set(adviser[changed].astype(str)) | set(names["typology"]))
    links = [Link(("records", _ROW), (("overrides", _ALL),))]
    names["to"] = []
    for i, code in enumerate(names["overrides"]):
        if tables["overrides"][i][0]:
            to = adviser[changed & (rules == code)].astype(str)
            tables[f"to:{code}"] = [[int((to == t).sum()) for t in targets]]
            names["to"].append(code)
            links.append(Link(("overrides", ("cell", i, 0)), ((f"to:{code}", _ROW),)))
    names["targets"] = targets
    for k, code in enumerate(names["typology"]):
        ends: list[Ref] = [(f"to:{c}", ("cell", 0, targets.index(code))) for c in names["to"]]
        if code in names["overrides"]:
            ends.append(("overrides", ("cell", names["overrides"].index(code), 1)))
        if ends:
            links.append(
                Link(ends[0], (("typology", ("row", k, -1)),), exact=False, whole_also=tuple(ends[1:]))
            )
    return links


def _protected(records: pd.DataFrame, min_cell: int) -> tuple[dict[str, Protected], dict[str, list]]:
    """Every table the report shows, protected together (:func:`recommender.analysis.suppression.
    protect_linked`): the follow tables by municipality and by typology share their totals with the
    overall figures and the decisions; the departure reasons add up to the not-followed count; the closed
    cases' outcomes are some of the followed and not-followed decisions; the low-evidence count and the
    override table count the recommendations. The typologies changed to are shown only where the
    override rate of the typology changed from is shown (repeated until that holds)."""
    tables, names = _system(records, min_cell)
    shown_to = set(names.get("to", []))
    while True:
        dark = [
            (f"to:{c}", ("cell", 0, j))
            for c in names.get("to", [])
            if c not in shown_to
            for j in range(len(names["targets"]))
        ]
        out = protect_linked(
            tables,
            names["links"],
            min_cell=min_cell,
            column_totals=["municipality", "typology", "outcomes", "overrides"],
            unpublished=dark + _UNPUBLISHED,
            # an empty list of reasons says no decision departed; a row shown by name has someone in it
            public=[] if names["reasons"] else [("reasons", _ROW)],
            positive=[
                *(("reasons", ("cell", 0, j)) for j in range(len(names["reasons"]))),
                *((c, ("row", i, -1)) for c in ("municipality", "typology") for i in range(len(names[c]))),
                *(("overrides", ("row", i, -1)) for i in range(len(names.get("overrides", [])))),
            ],
        )
        rated = {
            c for c in shown_to if _entry(out["overrides"], names["overrides"].index(c))["rate"] is not None
        }
        if rated == shown_to:
            return out, names
        shown_to = rated


def _follow(tables: dict[str, Protected], names: dict[str, list], empty: bool) -> dict[str, Any]:
    t = tables["municipality"]
    out: dict[str, Any] = {
        "overall": None if empty else rate(t, _FOLLOWED, _ALL),
        "n_decisions": 0 if empty else t.show(_ALL),
        "n_followed": 0 if empty else t.show(_FOLLOWED),
    }
    for key, column in (("by_municipality", "municipality"), ("by_typology", "typology")):
        out[key] = {} if empty else {g: _entry(tables[column], i) for i, g in enumerate(names[column])}
    return out


def _outcomes(table: Protected) -> dict[str, Any]:
    out: dict[str, Any] = {"note": ASSOCIATION_NOTE}
    labour_force = [j for j, o in enumerate(OUTCOME.codes) if o in LABOUR_FORCE_OUTCOMES]
    for i, name in enumerate(("followed", "not_followed")):
        n = table.value(("row", i, -1))
        whole = all(not table.is_hidden(("cell", i, j)) for j in range(len(OUTCOME.codes)))
        hidden_n = table.is_hidden(("row", i, -1))
        share = (
            round(sum(table.cells[i][j] for j in labour_force) / n, 4)
            if whole and n and not hidden_n
            else None
        )
        entry: dict[str, Any] = {
            "n": table.show(("row", i, -1)),
            "labour_force_share": share,
            "suppressed": share is None and n > 0,
        }
        if n and not hidden_n:
            entry["outcomes"] = {o: table.show(("cell", i, j)) for j, o in enumerate(OUTCOME.codes)}
        out[name] = entry
    return out


def monitoring_report(
    records: pd.DataFrame,
    intakes: Iterable[Mapping[str, object]],
    *,
    reference: Mapping[str, Mapping[str, float]] | None,
    reference_version: str | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> dict[str, Any]:
    """The monitoring figures (see the module docstring) as a JSON-ready dict."""
    counts, n_intakes = category_counts(intakes, PROFILE_FIELDS)
    tables, names = _protected(records, min_cell)
    records_shown, low = tables["records"], tables["low"]
    low_share = rate(low, _FIRST, _ROW)
    n_with_top = low.value(_ROW)
    empty = not records_shown.value(_FIRST)
    return {
        "min_cell": min_cell,
        "counts": {
            "recommendations": records_shown.show(_ROW),
            "decisions": 0 if empty else tables["municipality"].show(_ALL),
            "closures": tables["closures"].show(_ROW),
        },
        "follow_rate": _follow(tables, names, empty),
        "departure_reasons": {
            r: tables["reasons"].show(("cell", 0, j)) for j, r in enumerate(names["reasons"])
        },
        "outcomes_by_followed": _outcomes(tables["outcomes"]),
        "drift": drift_report(reference, counts, n_intakes),
        "drift_reference": {
            "model_version": reference_version,
            "available": reference is not None,
            "thresholds": dict(THRESHOLDS),
            "min_intakes": MIN_INTAKES,
            "n_intakes": records_shown.show(_ROW)
            if n_intakes == len(records)
            else _count(n_intakes, min_cell),
        },
        "low_evidence": {
            "share": low_share,
            "n": low.show(_ROW),
            "suppressed": low_share is None and n_with_top > 0,
        },
        **({"typology_overrides": _overrides(tables, names)} if "typology_adviser" in records else {}),
    }


def _overrides(tables: dict[str, Protected], names: dict[str, list]) -> dict[str, Any]:
    """The override rate (issue 26): recommendations whose adviser set a typology other than the rules'.
    The typologies changed to are shown only where the override rate is shown."""
    table = tables["overrides"]
    by: dict[str, Any] = {}
    for i, code in enumerate(names["overrides"]):
        entry = _entry(table, i)
        if entry["rate"] is not None and table.cells[i][0]:
            to = tables[f"to:{code}"]
            entry["to"] = {
                t: to.show(("cell", 0, j)) for j, t in enumerate(names["targets"]) if to.cells[0][j]
            }
        by[code] = entry
    overall = rate(table, _FOLLOWED, _ALL) if names["overrides"] else None
    return {
        "overall": overall,
        "n": table.show(_ALL) if names["overrides"] else 0,
        "suppressed": overall is None,
        "by_typology": by,
    }
