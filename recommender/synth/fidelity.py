"""How closely a cohort reproduces the Projekt 500 evaluation's published figures.

:func:`fidelity_report` compares a cohort (typically a synthetic one) with every published figure the
generator targets and returns one :class:`FidelityRow` per figure, worst first. Shares are compared in
percentage points (tolerance 3), means in their unit (duration ±10 days, residence ±0.3 years).

Pooled intake figures of the progression registrations (tabel 10, the nested counts, tabel 36) were
published for the 196 registered citizens (168 labour force, 28 other); a cohort has a different mix
of the two groups (198:76 in the full cohort), so those figures are compared standardised to the
registered mix: the share within each group, weighted 168:28. Closing figures use the rows that have
closing registrations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from recommender.cohort import Cohort, read_cohort
from recommender.vocab import ANSWER, CRITERIA, DEGREE, OFFER, OUTCOME

__all__ = ["SHARE_TOLERANCE_PP", "FidelityRow", "fidelity_report", "fidelity_verdict", "format_fidelity"]

SHARE_TOLERANCE_PP = 3.0
_DAYS_TOLERANCE = 10.0
_YEARS_TOLERANCE = 0.3


@dataclass(frozen=True)
class FidelityRow:
    """One published figure against the cohort's value.

    ``difference`` is generated − published, in ``unit`` (percentage points for shares); it is NaN
    (and ``within`` false) when the cohort has no rows to compute the figure on.
    """

    figure: str
    table: str
    published: float
    generated: float
    difference: float
    unit: str
    tolerance: float
    within: bool

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __repr__(self) -> str:
        mark = "ok" if self.within else "OUT"
        return (
            f"FidelityRow({self.figure!r} [{self.table}]: published {self.published:.2f}, "
            f"generated {self.generated:.2f}, {self.difference:+.2f} {self.unit} {mark})"
        )


class _Report:
    def __init__(self) -> None:
        self.rows: list[FidelityRow] = []

    def share(self, figure: str, table: str, published: float, generated: float) -> None:
        """Shares given as fractions; compared in percentage points."""
        pub, gen = 100.0 * published, 100.0 * generated
        diff = gen - pub
        self.rows.append(
            FidelityRow(
                figure,
                table,
                round(pub, 4),
                round(gen, 4),
                round(diff, 4),
                "pp",
                SHARE_TOLERANCE_PP,
                bool(abs(diff) <= SHARE_TOLERANCE_PP),
            )
        )

    def value(
        self, figure: str, table: str, published: float, generated: float, unit: str, tolerance: float
    ) -> None:
        diff = generated - published
        self.rows.append(
            FidelityRow(
                figure,
                table,
                float(published),
                round(float(generated), 4),
                round(float(diff), 4),
                unit,
                tolerance,
                bool(abs(diff) <= tolerance),
            )
        )


def _codes(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].astype(object).to_numpy()


def _mean(mask: np.ndarray, within: np.ndarray) -> float:
    n = within.sum()
    return float(mask[within].sum() / n) if n else float("nan")


def fidelity_report(cohort: Cohort | pd.DataFrame, figures: dict | None = None) -> list[FidelityRow]:
    """Every published figure against the cohort, worst first (largest difference / tolerance).

    >>> from recommender.synth.generator import generate_cohort
    >>> rows = fidelity_report(generate_cohort(2000, seed=3))
    >>> len(rows), rows[0].unit in ("pp", "days", "years")
    (280, True)
    """
    from recommender.synth.generator import load_figures

    fig = figures if figures is not None else load_figures()
    frame = read_cohort(cohort).frame
    rep = _Report()
    outcome = _codes(frame, "outcome")
    everyone = np.ones(len(frame), dtype=bool)
    lf = outcome != "other"
    groups = (("labour_force", lf), ("other", ~lf))

    totals = fig["cohort"]["outcome"]
    for code in OUTCOME.codes:
        rep.share(
            f"outcome={code}", "tabel 11", totals[code] / fig["cohort"]["n"], _mean(outcome == code, everyone)
        )
    muni = _codes(frame, "municipality")
    for name, counts in fig["by_municipality_and_outcome"]["rows"].items():
        for code, count in zip(OUTCOME.codes, counts):
            rep.share(
                f"outcome={code} | municipality={name}",
                "tabel 12",
                count / sum(counts),
                _mean(outcome == code, muni == name),
            )
    _marginals(rep, fig, frame)
    _two_groups(rep, fig, frame, groups)
    _offers(rep, fig, frame, outcome)
    _progression(rep, fig, frame, groups)
    _cooccurrence(rep, fig, frame, groups)
    _duration(rep, fig, frame, groups)
    return sorted(rep.rows, key=lambda r: (r.within, -_severity(r)))


def _severity(row: FidelityRow) -> float:
    """|difference| / tolerance; a figure the cohort cannot show (no rows to count) is worst."""
    if row.difference != row.difference:
        return float("inf")
    return abs(row.difference) / (row.tolerance or 1.0)


def _distribution(
    rep: _Report,
    figure: str,
    table: str,
    counts: dict,
    values: np.ndarray,
    within: np.ndarray,
    match: Callable[[np.ndarray, str], np.ndarray] | None = None,
    column: int | None = None,
) -> None:
    pub = {k: (v if column is None else v[column]) for k, v in counts.items()}
    total = sum(pub.values())
    for key, count in pub.items():
        mask = match(values, key) if match else values == key
        rep.share(f"{figure}={key}", table, count / total, _mean(mask, within))


def _band(years: np.ndarray, key: str) -> np.ndarray:
    low, _, high = key.replace("+", "-").partition("-")
    low_n = 0 if low == "1" else int(low)  # the report's first band holds everyone up to 5 years
    return (years >= low_n) & (years <= (int(high) if high else 10**6))


def _children(kids: np.ndarray, key: str) -> np.ndarray:
    return kids >= int(key[:-1]) if key.endswith("+") else kids == int(key)


def _marginals(rep: _Report, fig: dict, frame: pd.DataFrame) -> None:
    m = fig["marginals"]
    everyone = np.ones(len(frame), dtype=bool)
    for name, table in (
        ("gender", "tabel 2"),
        ("education_dk", "tabel 6"),
        ("education_home", "tabel 7"),
        ("contact_route", "tabel 8"),
    ):
        _distribution(rep, name, table, m[name], _codes(frame, name), everyone)
    _distribution(rep, "origin", "section 2/6", m["origin"], _codes(frame, "origin"), everyone)
    nat = _codes(frame, "nationality")
    named = [k for k in m["nationality"] if k != "other"]
    _distribution(
        rep,
        "nationality",
        "tabel 3",
        m["nationality"],
        nat,
        everyone,
        lambda v, k: ~np.isin(v, named) if k == "other" else v == k,
    )
    years = frame["years_in_denmark"].to_numpy()
    _distribution(rep, "years_in_denmark", "tabel 4", m["years_in_denmark_band"], years, everyone, _band)
    kids = frame["children_under_18"].to_numpy()
    _distribution(rep, "children_under_18", "tabel 5", m["children_under_18"], kids, everyone, _children)
    plan = frame["education_plan"].to_numpy()
    rep.share(
        "education_plan=true", "section 4", m["education_plan_at_intake"]["true"] / 274, _mean(plan, everyone)
    )
    rep.value(
        "mean years_in_denmark",
        "section 2 (5 years 9 months)",
        5.75,
        float(years.mean()),
        "years",
        _YEARS_TOLERANCE,
    )
    rep.value("longest years_in_denmark", "tabel 4 note", 31, float(years.max()), "years", 0.5)


def _two_groups(
    rep: _Report, fig: dict, frame: pd.DataFrame, groups: tuple[tuple[str, np.ndarray], ...]
) -> None:
    two = fig["by_labour_force_and_other"]
    years = frame["years_in_denmark"].to_numpy()
    kids = frame["children_under_18"].to_numpy()
    course = _codes(frame, "danish_course")
    home = _codes(frame, "education_home")
    for g, (gname, rows) in enumerate(groups):
        _distribution(
            rep,
            f"years_in_denmark | {gname}",
            "tabel 15",
            two["years_in_denmark_band"],
            years,
            rows,
            _band,
            column=g,
        )
        _distribution(
            rep,
            f"children_under_18 | {gname}",
            "tabel 16",
            two["children_under_18"],
            kids,
            rows,
            _children,
            column=g,
        )
        _distribution(
            rep,
            f"danish_course (known) | {gname}",
            "tabel 14",
            two["danish_course"],
            course,
            rows & (course != "unknown"),
            column=g,
        )
        _distribution(
            rep, f"education_home | {gname}", "tabel 17", two["education_home"], home, rows, column=g
        )
        unknown = (34, 198) if g == 0 else (12, 76)
        rep.share(
            f"danish_course=unknown | {gname}",
            "tabel 14 note",
            unknown[0] / unknown[1],
            _mean(course == "unknown", rows),
        )
    rep.share(
        "danish_course=unknown",
        "tabel 14 note",
        46 / 274,
        _mean(course == "unknown", np.ones(len(frame), dtype=bool)),
    )
    outcome = _codes(frame, "outcome")
    t18 = fig["by_labour_force_outcome"]["education_home"]
    for o, code in enumerate(t18["columns"]):
        _distribution(
            rep, f"education_home | outcome={code}", "tabel 18", t18["rows"], home, outcome == code, column=o
        )


def _offers(rep: _Report, fig: dict, frame: pd.DataFrame, outcome: np.ndarray) -> None:
    offer = _codes(frame, "offer")
    has = pd.notna(offer)
    rows = fig["offers"]["rows"]
    n_offer = sum(sum(v) for v in rows.values())
    rep.share("has an offer", "tabel 38", n_offer / fig["cohort"]["n"], _mean(has, np.ones_like(has)))
    for code in OFFER.codes:
        rep.share(
            f"offer={code} (among offers)", "tabel 38", sum(rows[code]) / n_offer, _mean(offer == code, has)
        )
        for o, out in enumerate(OUTCOME.codes):
            rep.share(
                f"outcome={out} | offer={code}",
                "tabel 38",
                rows[code][o] / sum(rows[code]),
                _mean(outcome == out, offer == code),
            )


def _standardised(mask: np.ndarray, groups: tuple[tuple[str, np.ndarray], ...], weights: np.ndarray) -> float:
    return float(sum(w * _mean(mask, rows) for w, (_, rows) in zip(weights, groups)))


def _registered(fig: dict) -> np.ndarray:
    intake = fig["progression"]["wants_employment"]["intake"]
    counts = np.array([sum(intake[c][g] for c in ANSWER.codes) for g in (0, 1)], dtype=float)
    return counts / counts.sum()


def _progression(
    rep: _Report, fig: dict, frame: pd.DataFrame, groups: tuple[tuple[str, np.ndarray], ...]
) -> None:
    prog = fig["progression"]
    weights = _registered(fig)
    closing_rows = (
        frame[f"{CRITERIA[0]}_closing"].notna().to_numpy() if (f"{CRITERIA[0]}_closing" in frame) else None
    )
    for name in (*CRITERIA, "language_sufficient", "spouse_support"):
        scale = ANSWER if name in CRITERIA else DEGREE
        if name in CRITERIA:
            first = 19 + 3 * CRITERIA.index(name)
            tno = f"tabel {first}–{first + 2}"
        else:
            tno = "tabel 34" if name == "language_sufficient" else "tabel 35"
        for stage in ("intake", "closing"):
            if stage not in prog[name]:
                continue
            col = name if stage == "intake" else f"{name}_closing"
            if col not in frame:
                continue
            values = _codes(frame, col)
            for g, (gname, rows) in enumerate(groups):
                within = rows if stage == "intake" else rows & pd.notna(values)
                _distribution(
                    rep,
                    f"{col} | {gname}",
                    tno,
                    {c: prog[name][stage][c] for c in scale.codes},
                    values,
                    within,
                    column=g,
                )
    for stage, col in (("intake", "network_use"), ("closing", "network_use_closing")):
        if col not in frame:
            continue
        values = _codes(frame, col)
        block = prog["network_use"][stage]
        total = sum(block[c][0] for c in DEGREE.codes)
        for code in DEGREE.codes:
            generated = (
                _standardised(values == code, groups, weights)
                if stage == "intake"
                else _mean(values == code, pd.notna(values))
            )
            rep.share(
                f"{col}={code}",
                "tabel 36" if stage == "intake" else "tabel 37",
                block[code][0] / total,
                generated,
            )
    if closing_rows is not None:
        rep.share(
            "has closing registrations",
            "tabel 19–37 (N = 199)",
            199 / 274,
            _mean(closing_rows, np.ones(len(frame), dtype=bool)),
        )


def _cooccurrence(
    rep: _Report, fig: dict, frame: pd.DataFrame, groups: tuple[tuple[str, np.ndarray], ...]
) -> None:
    block = fig["intake_yes_cooccurrence"]
    matrix = np.array(block["matrix"], dtype=float)
    weights = _registered(fig)
    total = 196.0
    yes = np.column_stack([_codes(frame, name) == "yes" for name in block["order"]])
    for i, j in itertools.combinations_with_replacement(range(len(CRITERIA)), 2):
        label = f"yes: {CRITERIA[i]}" if i == j else f"yes: {CRITERIA[i]} & {CRITERIA[j]}"
        rep.share(
            label, "tabel 10", matrix[i, j] / total, _standardised(yes[:, i] & yes[:, j], groups, weights)
        )
    n_yes = yes.sum(axis=1)
    nested = block["criteria_met_at_intake"]
    can, wants = CRITERIA.index("can_start_within_14_days"), CRITERIA.index("wants_employment")
    for k, key in ((5, "five"), (4, "four"), (3, "three")):
        rep.share(
            f"exactly {k} criteria yes",
            "section 6",
            nested[key] / total,
            _standardised(n_yes == k, groups, weights),
        )
    rep.share(
        "exactly can_start + wants_employment yes",
        "section 6",
        nested["two"] / total,
        _standardised((n_yes == 2) & yes[:, can] & yes[:, wants], groups, weights),
    )


def _duration(
    rep: _Report, fig: dict, frame: pd.DataFrame, groups: tuple[tuple[str, np.ndarray], ...]
) -> None:
    if "duration_days" not in frame:
        return
    d = fig["duration_days"]
    days = frame["duration_days"]
    known = days.notna().to_numpy()
    values = days.fillna(0).to_numpy(dtype=np.int64)
    if not known.any():
        return
    rep.value("mean duration_days", "section 5", d["mean"], values[known].mean(), "days", _DAYS_TOLERANCE)
    for (gname, rows), key in zip(groups, ("mean_labour_force", "mean_other")):
        if (rows & known).any():
            rep.value(
                f"mean duration_days | {gname}",
                "section 5",
                d[key],
                values[rows & known].mean(),
                "days",
                _DAYS_TOLERANCE,
            )
    rep.value("shortest duration_days", "section 5", d["min"], values[known].min(), "days", 5.0)
    rep.value("longest duration_days", "section 5", d["max"], values[known].max(), "days", 50.0)
    for key, mask in (
        ("share_under_2_months", values <= 60),
        ("share_2_to_12_months", (values > 60) & (values <= 365)),
        ("share_over_1_year", values > 365),
    ):
        rep.share(f"duration {key.removeprefix('share_')}", "section 5", d[key], _mean(mask, known))


def fidelity_verdict(rows: list[FidelityRow], n_cases: int | None = None) -> str:
    """One line: does the cohort reproduce the published figures? (the last line ``synth --fidelity`` prints)

    >>> ok = FidelityRow("a", "tabel 1", 50.0, 51.0, 1.0, "pp", 3.0, True)
    >>> fidelity_verdict([ok])
    'Dom / verdict: OK – alle 1 offentliggjorte tal inden for tolerancen / every published figure within tolerance'
    >>> bad = FidelityRow("b", "tabel 2", 50.0, 56.0, 6.0, "pp", 3.0, False)
    >>> fidelity_verdict([bad, ok], n_cases=300)  # doctest: +NORMALIZE_WHITESPACE
    'Dom / verdict: IKKE OK – 1 af 2 tal uden for tolerancen / figures outside tolerance (værst / worst: b,
    tabel 2, +6.00 pp); en lille kohorte (n = 300) afviger ved tilfældighed – prøv / try --n 20000'
    """  # noqa: E501
    outside = [r for r in rows if not r.within]
    if not outside:
        return (
            f"Dom / verdict: OK – alle {len(rows)} offentliggjorte tal inden for tolerancen / every "
            "published figure within tolerance"
        )
    worst = max(outside, key=_severity)
    line = (
        f"Dom / verdict: IKKE OK – {len(outside)} af {len(rows)} tal uden for tolerancen / figures "
        f"outside tolerance (værst / worst: {worst.figure}, {worst.table}, {worst.difference:+.2f} "
        f"{worst.unit})"
    )
    if n_cases is not None and n_cases < 20_000:
        line += f"; en lille kohorte (n = {n_cases}) afviger ved tilfældighed – prøv / try --n 20000"
    return line


def format_fidelity(rows: list[FidelityRow], limit: int | None = None) -> str:
    """A plain-text table of the report (worst first), with a one-line summary at the end."""
    shown = rows if limit is None else rows[:limit]
    width = max([len(r.figure) for r in shown] + [6])
    lines = [
        f"{'figure':<{width}}  {'table':<22} {'published':>10} {'generated':>10} "
        f"{'diff':>8} {'unit':<5} {'tol':>5}  ok"
    ]
    for r in shown:
        lines.append(
            f"{r.figure:<{width}}  {r.table:<22} {r.published:>10.2f} {r.generated:>10.2f} "
            f"{r.difference:>+8.2f} {r.unit:<5} {r.tolerance:>5.1f}  "
            f"{'ja/yes' if r.within else 'NEJ/NO'}"
        )
    n_ok = sum(r.within for r in rows)
    lines.append(f"{n_ok} af/of {len(rows)} tal inden for tolerancen / figures within tolerance")
    return "\n".join(lines)
