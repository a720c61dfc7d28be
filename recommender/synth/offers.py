"""Which offer each synthetic citizen had (tabel 38), given the closure and the intake record.

Presence of an offer follows tabel 38 per closure (78/97 job, 39/54 education, 44/47 active, 58/76
other). Among those with an offer, the type follows a multinomial logit *within each closure*: its
intercepts are calibrated so that every closure's offer shares are tabel 38's, and its slopes (the
named constants below) say who was given which offer. Because the shares within each closure are
fixed, the slopes change only who had an offer, never the published table; through Bayes' rule they
make P(closure | citizen, offer) depend on the citizen as the report describes:

* wage subsidy and internship go to citizens close to work, much more so among job and active
  closures (the report: the high success of wage subsidy reflects that its citizens were already
  close to work); highly educated citizens with a higher-level goal are reluctant to take them;
* internship goes more often to citizens with an unskilled goal (jobs with low entry requirements);
* clarification goes to citizens with no or an unclear goal, and to education-oriented citizens
  (a skilled or higher goal, or an education plan), much more so among education closures (43 % of
  clarification citizens started education), and seldom to citizens close to work;
* counselling is the broad reference.
"""

from __future__ import annotations

import numpy as np

from recommender.modelling.linear import softmax
from recommender.synth.intake import EDUCATION_TIER, readiness
from recommender.synth.sampling import pick
from recommender.vocab import JOB_GOAL_LEVEL, OFFER, OUTCOME

__all__ = ["OFFER_SLOPES", "assign_offers"]

_GOAL = {c: JOB_GOAL_LEVEL.codes.index(c) for c in JOB_GOAL_LEVEL.codes}

#: Slopes of the offer logit (counselling is the reference, 0), per closure in OUTCOME order (job,
#: education, active, other). A slope that differs between closures is what makes P(closure |
#: citizen, offer) depend on the citizen; a slope equal in every closure only says who was offered
#: what and leaves the estimates alone.
OFFER_SLOPES: dict[str, tuple[float, float, float, float]] = {
    "wage_subsidy_close_to_work": (2.4, 0.0, 1.6, 0.0),
    "internship_close_to_work": (2.0, 0.0, 1.2, 0.0),
    "internship_unskilled_goal": (0.8, 0.0, 0.3, 0.0),
    "reluctant_higher_educated": (-0.9, -0.9, -0.9, -0.9),  # wage subsidy and internship
    "clarification_close_to_work": (-0.3, -0.3, -0.3, -0.3),
    "clarification_unclear_goal": (0.6, 0.8, 0.6, 1.6),
    "clarification_education_goal": (1.2, 2.4, 1.2, 1.2),
    "clarification_educated": (0.8, 0.8, 0.8, 0.8),
}
_CALIBRATION_STEPS = 100


def _slopes(
    outcome: np.ndarray, pattern: np.ndarray, goal: np.ndarray, plan: np.ndarray, home: np.ndarray
) -> np.ndarray:
    def by(name: str) -> np.ndarray:
        return np.asarray(OFFER_SLOPES[name])[outcome]

    close = readiness(pattern)
    close = (close - close.mean()) / (close.std() or 1.0)
    unclear = np.isin(goal, (_GOAL["none"], _GOAL["unclear"]))
    education_goal = np.isin(goal, (_GOAL["skilled"], _GOAL["higher"])) | plan
    reluctant = (goal == _GOAL["higher"]) & (EDUCATION_TIER[home] == 2)
    unskilled = goal == _GOAL["unskilled"]
    slope = np.zeros((len(outcome), len(OFFER.codes)))
    ws, intern, clar = (OFFER.codes.index(c) for c in ("wage_subsidy", "internship", "clarification"))
    slope[:, ws] = close * by("wage_subsidy_close_to_work") + reluctant * by("reluctant_higher_educated")
    slope[:, intern] = (
        close * by("internship_close_to_work")
        + unskilled * by("internship_unskilled_goal")
        + reluctant * by("reluctant_higher_educated")
    )
    slope[:, clar] = (
        close * by("clarification_close_to_work")
        + unclear * by("clarification_unclear_goal")
        + education_goal * by("clarification_education_goal")
        + (EDUCATION_TIER[home] == 2) * by("clarification_educated")
    )
    return slope


def _calibrated_intercepts(target: np.ndarray, outcome: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Intercepts per closure such that the mean offer probabilities within each closure are
    ``target`` (computed on the distinct (closure, slopes) rows, weighted by how often they occur)."""
    intercept = np.log(target + 1e-12)
    keys, weight = np.unique(np.column_stack([outcome, np.round(slope, 9)]), axis=0, return_counts=True)
    k_outcome, k_slope = keys[:, 0].astype(np.int64), keys[:, 1:]
    for _ in range(_CALIBRATION_STEPS):
        p = softmax(intercept[k_outcome] + k_slope) * weight[:, None]
        for o in range(len(target)):
            sel = k_outcome == o
            if sel.any():
                share = p[sel].sum(axis=0) / weight[sel].sum()
                intercept[o] += np.log((target[o] + 1e-12) / (share + 1e-12))
    return intercept


def assign_offers(
    rng,
    fig: dict,
    outcome: np.ndarray,
    pattern: np.ndarray,
    goal: np.ndarray,
    plan: np.ndarray,
    home: np.ndarray,
) -> np.ndarray:
    """Offer indices (-1 for none registered): presence per closure, type by the calibrated logit."""
    rows = fig["offers"]["rows"]
    table = np.array([rows[c] for c in OFFER.codes], dtype=float).T  # closure x offer
    totals = np.array([fig["cohort"]["outcome"][c] for c in OUTCOME.codes], dtype=float)
    has = rng.random(len(outcome)) < (table.sum(axis=1) / totals)[outcome]
    slope = _slopes(outcome, pattern, goal, plan, home)
    target = table / table.sum(axis=1, keepdims=True)
    intercept = _calibrated_intercepts(target, outcome[has], slope[has])
    choice = pick(rng, softmax(intercept[outcome] + slope))
    return np.where(has, choice, -1)
