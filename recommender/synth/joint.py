"""The joint distribution of the five intake criteria (spec §4) by outcome group, fitted by raking.

Drawing each criterion independently cannot reproduce how the answers go together (Bilag A tabel 10:
pairwise yes–yes counts; section 6: 2 citizens meet all five, 8 more four, 39 more three, 56 more
exactly "can start within 14 days" and "wants employment"). This module fits a distribution over all
3^5 = 243 answer patterns for each group (labour force / other) by iterative proportional fitting
(generalised iterative scaling) to every published figure at once:

- per group, each criterion's yes/partly/no shares at intake (tabel 19–33),
- pooled over the registered citizens (168 labour force + 28 other = 196), the ten pairwise yes–yes
  shares and the diagonal of tabel 10, and the four nested counts of section 6.

Starting from independence, raking gives the maximum-entropy table that meets the figures: nothing is
assumed about the answers beyond what was published.
"""

from __future__ import annotations

import itertools
import json

import numpy as np

from recommender.vocab import ANSWER, CRITERIA

__all__ = ["GROUPS", "PATTERNS", "criteria_joint", "fit_report"]

GROUPS: tuple[str, ...] = ("labour_force", "other")
#: Every answer pattern as indices into ``ANSWER.codes`` (0 yes, 1 partly, 2 no), shape (243, 5).
PATTERNS: np.ndarray = np.array(list(itertools.product(range(3), repeat=len(CRITERIA))), dtype=np.int8)
_YES = 0
# The published figures cannot all hold at once: the nested counts put every citizen with three or
# more "yes" among the 105 who answer yes to both "can start" and "wants employment", which leaves
# 61 "yes" on the other three criteria for those 49 citizens, while tabel 10's pairs with "can start"
# (25 + 50 + 15, at most 4 of them outside the 105) need at least 78. Raking then settles on a
# compromise; damping the nested counts' steps (a weight of 0.35) keeps tabel 10, the per-group
# shares and the nested counts within about 2.1 percentage points of the published figures.
_NESTED_STEP = 0.35
_CAN, _WANTS = CRITERIA.index("can_start_within_14_days"), CRITERIA.index("wants_employment")


def _constraints(figures: dict) -> list[tuple[np.ndarray, np.ndarray, float, str]]:
    """(cells in the set, cells in the universe, target share of the universe, name) for every figure."""
    n_groups = len(GROUPS)
    whole = np.ones((n_groups, len(PATTERNS)), dtype=bool)
    out = []
    for c, name in enumerate(CRITERIA):
        intake = figures["progression"][name]["intake"]
        for g in range(n_groups):
            universe = np.zeros_like(whole)
            universe[g] = True
            counts = np.array([intake[code][g] for code in ANSWER.codes], dtype=float)
            for level, code in enumerate(ANSWER.codes):
                cells = universe & (PATTERNS[:, c] == level)[None, :]
                out.append((cells, universe, counts[level] / counts.sum(), f"{name}={code}|{GROUPS[g]}"))
    registered = _registered(figures)
    for g in range(n_groups):  # keep the registered mix (168 : 28) while the pooled figures rake
        cells = np.zeros_like(whole)
        cells[g] = True
        out.append((cells, whole, registered[g] / registered.sum(), f"group={GROUPS[g]}"))
    matrix = np.array(figures["intake_yes_cooccurrence"]["matrix"], dtype=float)
    order = figures["intake_yes_cooccurrence"]["order"]
    assert tuple(order) == CRITERIA
    total = registered.sum()
    yes = PATTERNS == _YES
    for i, j in itertools.combinations(range(len(CRITERIA)), 2):
        cells = whole & (yes[:, i] & yes[:, j])[None, :]
        out.append((cells, whole, matrix[i, j] / total, f"yes:{CRITERIA[i]}&{CRITERIA[j]}"))
    n_yes = yes.sum(axis=1)
    nested = figures["intake_yes_cooccurrence"]["criteria_met_at_intake"]
    for k, key in ((5, "five"), (4, "four"), (3, "three")):
        out.append((whole & (n_yes == k)[None, :], whole, nested[key] / total, f"exactly {k} yes"))
    two = (n_yes == 2) & yes[:, _CAN] & yes[:, _WANTS]
    out.append((whole & two[None, :], whole, nested["two"] / total, "exactly can_start+wants yes"))
    return out


def _registered(figures: dict) -> np.ndarray:
    """Citizens with an intake registration per group (168, 28): the mix of tabel 10's 196."""
    intake = figures["progression"]["wants_employment"]["intake"]
    return np.array([sum(intake[code][g] for code in ANSWER.codes) for g in range(len(GROUPS))], dtype=float)


def _rake(figures: dict, iterations: int = 300) -> tuple[np.ndarray, list]:
    constraints = _constraints(figures)
    weights = _registered(figures) / _registered(figures).sum()
    table = np.empty((len(GROUPS), len(PATTERNS)))
    for g in range(len(GROUPS)):  # start: independence within each group
        cell = np.ones(len(PATTERNS))
        for c, name in enumerate(CRITERIA):
            intake = figures["progression"][name]["intake"]
            shares = np.array([intake[code][g] for code in ANSWER.codes], dtype=float)
            cell *= (shares / shares.sum())[PATTERNS[:, c]]
        table[g] = weights[g] * cell
    for _ in range(iterations):
        for cells, universe, target, name in constraints:
            step = _NESTED_STEP if name.startswith("exactly") else 1.0
            mass = table[universe].sum()
            current = table[cells].sum() / mass
            if current > 0:
                table[cells] *= (target / current) ** step
            rest = universe & ~cells
            if current < 1:
                table[rest] *= ((1 - target) / (1 - current)) ** step
            table[universe] *= mass / table[universe].sum()
    return table, constraints


_CACHE: dict[str, np.ndarray] = {}


def criteria_joint(figures: dict) -> np.ndarray:
    """Per group (rows: labour_force, other), the probability of each of the 243 answer patterns.

    The fit is cached per set of figures (it takes a few tens of milliseconds).

    >>> from recommender.synth.generator import load_figures
    >>> joint = criteria_joint(load_figures())
    >>> joint.shape, [round(float(s), 6) for s in joint.sum(axis=1)]
    ((2, 243), [1.0, 1.0])
    """
    key = json.dumps({k: figures[k] for k in ("progression", "intake_yes_cooccurrence")}, sort_keys=True)
    if key not in _CACHE:
        table, _ = _rake(figures)
        table = table / table.sum(axis=1, keepdims=True)
        table.setflags(write=False)
        _CACHE[key] = table
    return _CACHE[key]


def fit_report(figures: dict) -> list[tuple[str, float, float]]:
    """(figure, target share, fitted share) for every raking target, to show the fit is exact."""
    table, constraints = _rake(figures)
    return [
        (name, target, float(table[cells].sum() / table[universe].sum()))
        for cells, universe, target, name in constraints
    ]
