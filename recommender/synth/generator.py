"""A synthetic Projekt 500 cohort (spec §10) that reproduces the evaluation's published figures.

:func:`generate_cohort` draws ``n`` closed cases from a generative model whose every published margin
comes from ``data/projekt500.yaml`` (the evaluation report's Bilag A tables) and whose unpublished
parts follow the documented :data:`ASSUMPTIONS`. The model is outcome-first: the outcome (with the
municipality, tabel 12) is drawn first, and everything the report tabulates by outcome group is drawn
given it, so every published conditional table holds by construction. The five intake criteria are
drawn jointly from a raked 3^5 pattern table (:mod:`recommender.synth.joint`), so their pairwise
co-occurrence (tabel 10) holds too. Offers are assigned within each outcome by a multinomial logit
whose intercepts are calibrated to tabel 38 and whose slopes make the offer–citizen interaction
heterogeneous (wage subsidy pays off for citizens close to work, clarification for education).

Deterministic per seed (``numpy.random.Generator(PCG64(seed))``); 50,000 rows take about a second.

>>> cohort = generate_cohort(300, seed=1)
>>> cohort.n_rows, cohort.fingerprint == generate_cohort(300, seed=1).fingerprint
(300, True)
>>> cohort.fingerprint == generate_cohort(300, seed=2).fingerprint
False
"""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from recommender import process_cache
from recommender.errors import RecommenderError
from recommender.modelling.linear import softmax
from recommender.synth.sampling import pick, pick_stratified
from recommender.synth.joint import PATTERNS, criteria_joint
from recommender.synth.people import draw_people
from recommender.vocab import (
    ANSWER, CRITERIA, DANISH_COURSE, DEGREE, EDUCATION_HOME, JOB_GOAL_LEVEL, OFFER, OUTCOME,
)
from recommender.cohort import Cohort, read_cohort

__all__ = ["ASSUMPTIONS", "MAX_N", "ZERO_CELL", "generate_cohort", "load_figures"]

MAX_N = 5_000_000
#: Jeffreys pseudo-count given to a published zero cell of a by-group table the generator draws from.
ZERO_CELL = 0.5
PERIOD = (np.datetime64("2014-01-01"), np.datetime64("2017-03-31"))

#: Every modelling assumption the published figures do not settle (also in docs/synthetic-cohort.md).
ASSUMPTIONS: list[str] = [
    "Outcome-first model: outcome and municipality are drawn jointly from tabel 12; every other field "
    "is drawn given the outcome (group), so the report's by-outcome tables hold by construction.",
    "Fields published only as margins (gender, nationality/origin, education_dk, contact_route) are "
    "independent of the outcome.",
    "Origin follows nationality by Statistics Denmark's definition (EU/EEA, Switzerland, North America, "
    "Australia, New Zealand are western); the 146 'other' citizens are spread over 68 further "
    "nationalities (77 in all) so that the western share is 34/276.",
    "Years in Denmark: 1-5 years weighted 14/18/21/23/24 %, 6-20 uniform within bands, 21-31 linearly "
    "decreasing; the 16+ band splits 8:6 into 16-20 and 21+ in both groups (mean 5.75, longest 31).",
    "Children: the '3+' group splits 28:4:1:1 into 3, 4, 5 and 6 children (tabel 5) in both groups.",
    "Danish course: unknown for 34/198 of the labour-force group and 12/76 of the others (tabel 14).",
    "Education from home for the 'other' group follows tabel 17; for the labour-force group tabel 18 "
    "by job/education/active.",
    "Intake criteria are registered for every generated row (the schema requires them; the report "
    "registered 196 of 274): their per-group shares follow tabel 19-33; the joint pattern table is "
    "raked to tabel 10 and the nested counts, whose pooled figures are compared standardised to the "
    "registered mix (168 labour force : 28 other).",
    "The published criteria figures are mutually inconsistent (see _synth_joint); the raked table is "
    "a compromise within about 2.1 percentage points of every figure.",
    "language_sufficient and spouse_support follow tabel 34/35 per group; network_use follows tabel 36 "
    "(published for all only) in both groups. Within a group the degree is ordered by a latent score: "
    "language by Danish course and education, network by active job seeking, spouse support by wish "
    "for work; 'not relevant' is drawn at random at its published share.",
    "Closing registrations are present for 170/198 labour-force rows and 29/76 others (199/274) and "
    "follow tabel 19-33 and 37 per group; closing answers are ordered by the intake answer plus noise "
    "so that progression is positively correlated with the starting point.",
    "Education plan at intake (13/274): 5 of the 13 closed to education and 5 to job, the other 3 to "
    "active/other (section 4).",
    "job_goal_level (not published) depends on education from home (higher-educated citizens more "
    "often hold goals at their own level), is 'none'/'unclear' more often in the 'other' group and when "
    "the wish for work is partly/no; with the default rules flexible, ambitious and uncertain are the "
    "most common typologies (Bilag B).",
    "job_goal text is a plausible Danish job title for the goal level; empty for 'none'/'unclear'.",
    "entrepreneurship_interest: 6 % base, twice as common among citizens closed to a job (which includes "
    "self-employment) and 1.5 times among those with more than primary education.",
    "Offer: present for 78/97 job, 39/54 education, 44/47 active and 58/76 other closures (tabel 38, "
    "219 in all). Among those, the offer type follows a multinomial logit within each outcome whose "
    "intercepts are calibrated to tabel 38: wage subsidy and internship go to citizens close to work "
    "(criteria 'yes'), much more so among job/active closures, and clarification goes to citizens with "
    "more education among education closures; counselling is the broad reference. This makes "
    "P(outcome | citizen, offer) heterogeneous as the report describes, while tabel 38 still holds.",
    "Duration: under 2 months (9-60 days) 17 %, 2-12 months (61-365 days) 61 %, over 1 year "
    "(366-900 days) 22 % in both groups; 61 + 304*Beta(1.3, 1.9) days in the middle band and 366 + an "
    "exponential tail (capped at 900) whose scale gives the group means 216 and 220 days.",
    "Published zero cells are smoothed: where a by-group table (tabel 14-18, the intake columns of "
    "tabel 19-36) has 0 in one group but not in the other (e.g. active_job_seeker 'yes' at intake: 0 of "
    "28 in the 'other' group; searches_broadly 'yes': 0 of 28), the generator's target uses a Jeffreys "
    "pseudo-count of 0.5 instead, so such citizens are rare in the group but not impossible. A zero "
    "from 28 observations is not evidence of a zero probability, and an exact zero would teach the "
    "outcome model P(other) = 0 for them. A category that is 0 in every group stays absent. The "
    "fidelity report still compares with the published counts.",
    "Dates: closed_on uniform over the days that keep enrolled_on = closed_on - duration within "
    "2014-01-01..2017-03-31.",
    "citizen_id is 'syn' plus a running number: pseudonymous, never CPR-shaped.",
]


def _figures_text() -> str:
    return process_cache.remember("figures", lambda: resources.files("recommender").joinpath(
        "data/projekt500.yaml").read_text(encoding="utf-8"))


def load_figures() -> dict:
    """The published figures (package data ``data/projekt500.yaml``) as a fresh dict.

    >>> load_figures()["cohort"]["outcome"]
    {'job': 97, 'education': 54, 'active': 47, 'other': 76}
    """
    return yaml.safe_load(_figures_text())


def _smoothed(fig: dict) -> dict:
    """The figures with every zero cell of a by-group table raised to :data:`ZERO_CELL` when the same
    row is non-zero in another group, each group's column rescaled to its published total (the
    generator's targets; the fidelity report uses the published counts).

    >>> fig = _smoothed(load_figures())
    >>> [round(c, 3) for c in fig["progression"]["active_job_seeker"]["intake"]["yes"]]
    [31.0, 0.491]
    >>> load_figures()["progression"]["active_job_seeker"]["intake"]["yes"]
    [31, 0]
    >>> fig["progression"]["spouse_support"]["intake"]["not_at_all"]   # absent in every group
    [0.0, 0.0]
    """
    def smooth(rows: dict) -> None:
        keys = [k for k, v in rows.items() if isinstance(v, list)]
        table = np.array([rows[k] for k in keys], dtype=float)
        raised = np.where((table == 0) & (table.sum(axis=1, keepdims=True) > 0), ZERO_CELL, table)
        raised *= table.sum(axis=0) / raised.sum(axis=0)
        for k, cells in zip(keys, raised):
            rows[k] = [float(c) for c in cells]

    for block in fig["progression"].values():
        smooth(block["intake"])
    for table in fig["by_labour_force_and_other"].values():
        smooth(table)
    for table in fig["by_labour_force_outcome"].values():
        smooth(table["rows"])
    return fig


# ------------------------------------------------------------------------------------ helpers

def _rank_cut(rng, score, rows, shares_by_group, group, extra_share=None):
    """Ordered categories by rank of ``score`` within each group, in exactly the published shares.

    ``shares_by_group[g]`` lists shares from the lowest to the highest category; ``extra_share[g]``
    (optional) is the share of a separate category (index ``k``) drawn at random (e.g. not relevant).
    Returns category indices for ``rows`` (others -1).
    """
    out = np.full(len(score), -1, dtype=np.int64)
    for g, shares in enumerate(shares_by_group):
        idx = np.flatnonzero(rows & (group == g))
        if extra_share is not None:
            extra = rng.random(len(idx)) < extra_share[g]
            out[idx[extra]] = len(shares)
            idx = idx[~extra]
        shares = np.asarray(shares, dtype=float) / np.sum(shares)
        cuts = np.round(np.cumsum(shares) * len(idx)).astype(int)
        labels = np.repeat(np.arange(len(shares)), np.diff(np.concatenate([[0], cuts])))
        order = np.argsort(score[idx] + 1e-9 * rng.random(len(idx)), kind="stable")
        out[idx[order]] = labels
    return out


def _counts(block: dict, codes, column: int | None = None) -> np.ndarray:
    return np.array([block[c] if column is None else block[c][column] for c in codes], dtype=float)


# ----------------------------------------------------------------------------------- generation

def _check(n: object, seed: object) -> tuple[int, int]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_N:
        raise RecommenderError(f"n (antal rækker): expected a whole number 1–{MAX_N:,} / et heltal; "
                               f"got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise RecommenderError(f"seed (frø): expected a whole number ≥ 0 / et heltal ≥ 0; got {seed!r}")
    return int(n), int(seed)


def generate_cohort(n: int, seed: int) -> Cohort:
    """Draw a synthetic cohort of ``n`` closed cases, validated like any cohort file.

    The result is a :class:`~recommender.cohort.Cohort` (``.frame`` holds the rows); write it with
    :func:`~recommender.cohort.write_cohort`. See :data:`ASSUMPTIONS` for what is not published.
    """
    n, seed = _check(n, seed)
    rng = np.random.Generator(np.random.PCG64(seed))
    fig = _smoothed(load_figures())
    cols: dict[str, object] = {"citizen_id": np.char.add("syn", np.char.zfill(
        np.arange(1, n + 1).astype(str), 7)).astype(object)}

    # Outcome and municipality (tabel 12).
    munis = fig["by_municipality_and_outcome"]["rows"]
    cells = np.array(list(munis.values()), dtype=float).ravel()
    cell = pick(rng, cells, np.zeros(n, dtype=np.int64))
    outcome = cell % 4
    cols["municipality"] = np.array(list(munis), dtype=object)[cell // 4]
    group = (outcome == 3).astype(np.int64)  # 0 labour force, 1 other

    two = fig["by_labour_force_and_other"]
    people = draw_people(rng, fig, outcome, group)
    cols.update(people)

    # Danish course (tabel 14): unknown 34 of 198 / 12 of 76, else the known shares per group.
    known = np.array([_counts(two["danish_course"], ("none", "du1", "du2", "du3"), g) for g in (0, 1)])
    unknown = np.array([34 / 198, 12 / 76])
    table = np.hstack([known / known.sum(axis=1, keepdims=True) * (1 - unknown[:, None]),
                       unknown[:, None]])
    course = pick(rng, table, group)
    cols["danish_course"] = course

    # Education from home: tabel 18 (by job/education/active) and tabel 17's 'other' column.
    home_codes = EDUCATION_HOME.codes
    t18 = fig["by_labour_force_outcome"]["education_home"]["rows"]
    by_outcome = np.array([[t18[c][o] for c in home_codes] for o in range(3)]
                          + [_counts(two["education_home"], home_codes, 1)], dtype=float)
    home = pick(rng, by_outcome, outcome)
    cols["education_home"] = home

    # The five criteria at intake, jointly (tabel 10, 19-33).
    joint = criteria_joint(fig)
    pattern = PATTERNS[pick_stratified(rng, joint, group)]
    for c, name in enumerate(CRITERIA):
        cols[name] = pattern[:, c]
    yes = (pattern == 0)
    level = 2 - pattern  # 2 yes, 1 partly, 0 no

    # Degree scales at intake by rank of a latent score (tabel 34-36).
    prog = fig["progression"]
    ordered = DEGREE.codes[:5]
    course_level = np.array([0, 1, 2, 3, 1.5])[course]
    home_level = np.array([0, 1, 2, 2, 3, 4, 1])[home]
    everyone = np.ones(n, dtype=bool)

    def degree(name, score, pooled=False):
        block = prog[name]["intake"]
        shares = [[block[c][0 if pooled else g] for c in ordered] for g in (0, 1)]
        total = [sum(block[c][0 if pooled else g] for c in DEGREE.codes) for g in (0, 1)]
        nr = [block["not_relevant"][0 if pooled else g] / total[g] for g in (0, 1)]
        return _rank_cut(rng, score, everyone, shares, group, nr)

    noise = rng.standard_normal((3, n))
    cols["language_sufficient"] = degree(
        "language_sufficient", 0.5 * course_level + 0.3 * home_level + noise[0])
    cols["spouse_support"] = degree("spouse_support", 0.5 * level[:, 4] + noise[1])
    network = degree("network_use", 0.5 * level[:, 0] + noise[2], pooled=True)
    cols["network_use"] = network

    # Job-goal level (assumed): by education tier, group and wish for work.
    tier = np.array([0, 0, 1, 1, 2, 2, 0])[home]
    base = np.array([[.13, .22, .50, .12, .03],   # none/primary/unknown education
                     [.10, .18, .35, .30, .07],   # upper secondary / vocational
                     [.10, .15, .20, .20, .35]])  # higher education
    probs = base[tier] * np.where(group[:, None] == 1, [1.4, 1.4, 1, 1, 1], 1.0)
    probs = probs * np.where((pattern[:, 4] > 0)[:, None], [2.0, 1.5, 1, 1, 1], 1.0)
    goal = pick(rng, probs)
    cols["job_goal_level"] = goal
    cols["job_goal"] = _job_titles(rng, goal)

    plan_p = np.array([5 / 97, 5 / 54, 3 / 123, 3 / 123])[outcome]
    cols["education_plan"] = rng.random(n) < plan_p
    ent_p = 0.06 * np.where(outcome == 0, 2.0, 1.0) * np.where(tier > 0, 1.5, 1.0)
    cols["entrepreneurship_interest"] = rng.random(n) < ent_p

    # Offer (tabel 38) and outcome.
    cols["offer"] = _offers(rng, fig, outcome, yes, home_level)
    cols["outcome"] = outcome

    # Duration and dates (section 5).
    duration = _durations(rng, fig, group)
    span = (PERIOD[1] - PERIOD[0]).astype(int)
    closed_offset = duration + np.floor(rng.random(n) * (span - duration + 1)).astype(np.int64)
    closed = PERIOD[0] + closed_offset.astype("timedelta64[D]")
    cols["duration_days"] = duration
    cols["enrolled_on"] = (closed - duration.astype("timedelta64[D]")).astype("datetime64[ns]")
    cols["closed_on"] = closed.astype("datetime64[ns]")

    # Closing registrations (199/274: 170 of 198, 29 of 76) by rank of intake answer + noise.
    present = rng.random(n) < np.array([170 / 198, 29 / 76])[group]
    for c, name in enumerate(CRITERIA):
        block = prog[name]["closing"]
        shares = [[block[code][g] for code in ("no", "partly", "yes")] for g in (0, 1)]
        rank = _rank_cut(rng, level[:, c] + 1.2 * rng.standard_normal(n), present, shares, group)
        cols[f"{name}_closing"] = np.where(rank >= 0, 2 - rank, -1)
    block = prog["network_use"]["closing"]
    shares = [[block[c][0] for c in ordered]] * 2
    nr = [block["not_relevant"][0] / sum(block[c][0] for c in DEGREE.codes)] * 2
    cols["network_use_closing"] = _rank_cut(
        rng, network + 1.5 * rng.standard_normal(n), present, shares, group, nr)
    return _to_cohort(cols, n, seed)


def _to_cohort(cols: dict, n: int, seed: int) -> Cohort:
    scales = {name: ANSWER for name in CRITERIA} | {f"{name}_closing": ANSWER for name in CRITERIA} | {
        "language_sufficient": DEGREE, "spouse_support": DEGREE, "network_use": DEGREE,
        "network_use_closing": DEGREE, "danish_course": DANISH_COURSE,
        "education_home": EDUCATION_HOME, "offer": OFFER, "outcome": OUTCOME,
        "job_goal_level": JOB_GOAL_LEVEL}
    frame = {}
    for name, values in cols.items():
        if name in scales:
            frame[name] = pd.Categorical.from_codes(np.asarray(values, dtype=np.int64),
                                                    categories=list(scales[name].codes))
        else:
            frame[name] = values
    cohort = read_cohort(pd.DataFrame(frame))
    return dataclasses.replace(cohort, source=f"<synth n={n} seed={seed}>")


_TITLES = {
    2: ("rengøringsassistent", "køkkenmedhjælper", "lagermedarbejder", "butiksassistent",
        "hotelmedarbejder", "produktionsmedarbejder", "kantinemedhjælper", "pædagogmedhjælper"),
    3: ("social- og sundhedshjælper", "frisør", "kok", "tømrer", "elektriker", "ernæringsassistent",
        "kontorassistent", "dagplejer"),
    4: ("ingeniør", "lærer", "sygeplejerske", "økonom", "læge", "revisor", "IT-udvikler",
        "arkitekt", "tolk"),
}


def _job_titles(rng: np.random.Generator, goal: np.ndarray) -> np.ndarray:
    out = np.full(len(goal), None, dtype=object)
    for level, titles in _TITLES.items():
        rows = np.flatnonzero(goal == level)
        out[rows] = np.array(titles, dtype=object)[rng.integers(0, len(titles), len(rows))]
    return out


def _offers(rng, fig, outcome, yes, home_level) -> np.ndarray:
    """Offer codes (-1 for none): presence per outcome, type by a calibrated logit (tabel 38)."""
    rows = fig["offers"]["rows"]
    table = np.array([rows[c] for c in OFFER.codes], dtype=float).T  # outcome x offer
    totals = np.array([fig["cohort"]["outcome"][c] for c in OUTCOME.codes], dtype=float)
    has = rng.random(len(outcome)) < (table.sum(axis=1) / totals)[outcome]
    close = yes.sum(axis=1) + 1.5 * (yes[:, 3] & yes[:, 4])
    close = (close - close.mean()) / (close.std() or 1.0)
    educated = (home_level - home_level.mean()) / (home_level.std() or 1.0)
    to_work = np.isin(outcome, (0, 2))
    slope = np.zeros((len(outcome), 4))
    slope[:, 0] = close * np.where(to_work, 1.6, 0.3)      # wage subsidy: close to work
    slope[:, 1] = close * np.where(to_work, 0.7, 0.2)      # internship
    slope[:, 2] = -0.3 * close + educated * np.where(outcome == 1, 1.0, 0.0)  # clarification
    target = table / table.sum(axis=1, keepdims=True)
    intercept = np.log(target + 1e-12)
    # Calibrate on the distinct (outcome, slopes) rows, weighted by how often they occur among
    # citizens with an offer, so that each outcome's offer shares match tabel 38.
    keys, inverse, weight = np.unique(np.column_stack([outcome, np.round(slope, 9)])[has], axis=0,
                                      return_inverse=True, return_counts=True)
    k_outcome, k_slope = keys[:, 0].astype(np.int64), keys[:, 1:]
    for _ in range(100):
        p = softmax(intercept[k_outcome] + k_slope) * weight[:, None]
        for o in range(4):
            sel = k_outcome == o
            if sel.any():
                share = p[sel].sum(axis=0) / weight[sel].sum()
                intercept[o] += np.log((target[o] + 1e-12) / (share + 1e-12))
    choice = pick(rng, softmax(intercept[outcome] + slope))
    return np.where(has, choice, -1)


def _durations(rng, fig, group) -> np.ndarray:
    d = fig["duration_days"]
    shares = np.array([d["share_under_2_months"], d["share_2_to_12_months"], d["share_over_1_year"]])
    n = len(group)
    band = pick(rng, shares, np.zeros(n, dtype=np.int64))
    short = rng.integers(d["min"], 61, n)
    a, b = 1.3, 1.9
    middle = 61 + np.floor(304 * rng.beta(a, b, n)).astype(np.int64)
    mean_short = (d["min"] + 60) / 2
    mean_middle = 60.5 + 304 * a / (a + b)
    means = np.array([d["mean_labour_force"], d["mean_other"]], dtype=float)
    scale = (means - shares[0] * mean_short - shares[1] * mean_middle) / shares[2] - 366
    tail = 366 + np.floor(rng.exponential(1.0, n) * scale[group] + 0.5).astype(np.int64)
    tail = np.minimum(tail, d["max"])
    return np.select([band == 0, band == 1], [short, middle], tail).astype(np.int64)

