"""Intake fields of the synthetic cohort that the outcome structure rests on: Danish course, education
from home, the five labour-force criteria, the degree scales, the job-goal level, the education plan
and the interest in entrepreneurship.

Every field is drawn given the outcome (group) so that the report's tables hold by construction
(tabel 10, 14, 17-36). Where the report publishes a field only by labour-force group, the values drawn
for that group are *reassigned by rank* among its job, education and active closures
(:func:`~recommender.synth.sampling.match_by_rank`): the group's shares stay exact, and who closes how
follows the report's account (closeness to work for jobs, Danish and education-oriented goals for
education). The constants below are those unpublished strengths; each is an entry of
:data:`recommender.synth.ASSUMPTIONS` with the report passage it rests on.
"""

from __future__ import annotations

import numpy as np

from recommender.synth.joint import PATTERNS, criteria_joint
from recommender.synth.sampling import match_by_rank, pick, pick_stratified, rank_cut
from recommender.vocab import CRITERIA, DEGREE, EDUCATION_HOME, JOB_GOAL_LEVEL, OUTCOME

__all__ = [
    "COURSE_LEVEL",
    "DANISH_SHIFT",
    "GOAL_BY_TIER",
    "GOAL_BY_OUTCOME",
    "HOME_LEVEL",
    "READINESS_SHIFT",
    "draw_criteria",
    "draw_danish_course",
    "draw_degrees",
    "draw_education_home",
    "draw_job_goal",
    "draw_plans",
    "readiness",
]

JOB, EDUCATION, ACTIVE, OTHER = (OUTCOME.codes.index(c) for c in ("job", "education", "active", "other"))
LABOUR_FORCE, OTHER_GROUP = 0, 1
_YES = 0  # index of "yes" in ANSWER.codes
_CAN = CRITERIA.index("can_start_within_14_days")
_WANTS = CRITERIA.index("wants_employment")
_SEEKS = CRITERIA.index("active_job_seeker")

#: Danish course as a level (none, du1, du2, du3, unknown), for ordering.
COURSE_LEVEL = np.array([0.0, 1.0, 2.0, 3.0, 1.5])
#: Education from home as a level (none … long higher, unknown), for ordering.
HOME_LEVEL = np.array([0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 1.0])
#: Education tier for the job goal: 0 none/primary/unknown, 1 upper secondary/vocational, 2 higher.
EDUCATION_TIER = np.array([0, 0, 1, 1, 2, 2, 0])
#: Tabel 14 gives no "unknown" column: 34 of 198 labour-force and 12 of 76 other citizens lack one.
UNKNOWN_DANISH = np.array([34 / 198, 12 / 76])

#: Within the labour-force group: how far each closure's rows are shifted (in standard deviations of
#: the noise) towards a higher Danish course when the group's drawn courses are reassigned.
DANISH_SHIFT = np.array([0.0, 0.8, 0.0, 0.0])  # job, education, active, (other: not reassigned)
#: Within the labour-force group: shift towards patterns of criteria closer to work.
READINESS_SHIFT = np.array([0.5, -0.5, 0.2, 0.0])
#: Extra weight of "can start within 14 days" and "wants employment" both yes in closeness to work.
READY_PAIR_WEIGHT = 1.5

LANGUAGE_FROM_COURSE, LANGUAGE_FROM_HOME = 0.5, 0.3
SPOUSE_FROM_WISH = 0.5
NETWORK_FROM_SEEKING = 0.5

#: P(job-goal level | education tier) before the outcome factors: none, unclear, unskilled, skilled,
#: higher.
GOAL_BY_TIER = np.array(
    [
        [0.13, 0.22, 0.50, 0.12, 0.03],  # none / primary / unknown education
        [0.10, 0.18, 0.35, 0.30, 0.07],  # upper secondary / vocational
        [0.10, 0.15, 0.20, 0.20, 0.35],
    ]
)  # higher education
#: Relative weight of each job-goal level by closure (rows job, education, active, other).
GOAL_BY_OUTCOME = np.array(
    [
        [0.7, 0.7, 1.6, 1.0, 0.7],
        [0.4, 1.2, 0.4, 2.2, 2.0],
        [1.0, 1.2, 1.1, 1.0, 0.9],
        [1.6, 1.4, 1.0, 1.0, 1.0],
    ]
)
#: Relative weight of "none"/"unclear" goals when the citizen does not fully want work.
GOAL_NOT_WANTING = np.array([2.0, 1.5, 1.0, 1.0, 1.0])

#: Education plan at intake by closure (section 4: 5 of 13 to education, 5 to job, 3 to the rest).
PLAN_SHARE = np.array([5 / 97, 5 / 54, 3 / 123, 3 / 123])
ENTREPRENEURSHIP_BASE = 0.06
ENTREPRENEURSHIP_JOB_FACTOR, ENTREPRENEURSHIP_EDUCATED_FACTOR = 2.0, 1.5

_TITLES = {
    JOB_GOAL_LEVEL.codes.index("unskilled"): (
        "rengøringsassistent",
        "køkkenmedhjælper",
        "lagermedarbejder",
        "butiksassistent",
        "hotelmedarbejder",
        "produktionsmedarbejder",
        "kantinemedhjælper",
        "pædagogmedhjælper",
    ),
    JOB_GOAL_LEVEL.codes.index("skilled"): (
        "social- og sundhedshjælper",
        "frisør",
        "kok",
        "tømrer",
        "elektriker",
        "ernæringsassistent",
        "kontorassistent",
        "dagplejer",
    ),
    JOB_GOAL_LEVEL.codes.index("higher"): (
        "ingeniør",
        "lærer",
        "sygeplejerske",
        "økonom",
        "læge",
        "revisor",
        "IT-udvikler",
        "arkitekt",
        "tolk",
    ),
}


def _counts(block: dict, codes, column: int) -> np.ndarray:
    return np.array([block[c][column] for c in codes], dtype=float)


def _labour_force_rows(outcome: np.ndarray) -> np.ndarray:
    return outcome != OTHER


def readiness(pattern: np.ndarray) -> np.ndarray:
    """Closeness to work of answer patterns (n, 5): the number of criteria met, plus
    :data:`READY_PAIR_WEIGHT` when both "can start within 14 days" and "wants employment" are met.

    >>> readiness(np.array([[0, 0, 0, 0, 0], [2, 2, 2, 0, 0], [2, 2, 2, 2, 2]])).tolist()
    [6.5, 3.5, 0.0]
    """
    yes = pattern == _YES
    return yes.sum(axis=1) + READY_PAIR_WEIGHT * (yes[:, _CAN] & yes[:, _WANTS])


def draw_danish_course(rng, fig: dict, outcome: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Danish course codes (indices): tabel 14 per group, then higher courses moved towards the
    labour-force group's education closures (:data:`DANISH_SHIFT`)."""
    two = fig["by_labour_force_and_other"]
    known = np.array([_counts(two["danish_course"], ("none", "du1", "du2", "du3"), g) for g in (0, 1)])
    table = np.hstack(
        [known / known.sum(axis=1, keepdims=True) * (1 - UNKNOWN_DANISH[:, None]), UNKNOWN_DANISH[:, None]]
    )
    course = pick(rng, table, group)
    return match_by_rank(
        rng, course, COURSE_LEVEL[course], DANISH_SHIFT[outcome], _labour_force_rows(outcome)
    )


def draw_education_home(rng, fig: dict, outcome: np.ndarray) -> np.ndarray:
    """Education from home (indices): tabel 18 by job/education/active, tabel 17 for 'other'."""
    codes = EDUCATION_HOME.codes
    t18 = fig["by_labour_force_outcome"]["education_home"]["rows"]
    other = _counts(fig["by_labour_force_and_other"]["education_home"], codes, 1)
    by_outcome = np.array(
        [[t18[c][o] for c in codes] for o in (JOB, EDUCATION, ACTIVE)] + [other], dtype=float
    )
    return pick(rng, by_outcome, outcome)


def draw_criteria(rng, fig: dict, outcome: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The five criteria at intake as answer patterns (n, 5) of ``ANSWER`` indices: drawn jointly
    per group from the raked table (tabel 10, 19-33), then patterns closer to work moved towards the
    labour-force group's job closures and away from its education closures (:data:`READINESS_SHIFT`).
    """
    which = pick_stratified(rng, criteria_joint(fig), group)
    which = match_by_rank(
        rng, which, readiness(PATTERNS[which]), READINESS_SHIFT[outcome], _labour_force_rows(outcome)
    )
    return PATTERNS[which]


def draw_degrees(
    rng, fig: dict, group: np.ndarray, course: np.ndarray, home: np.ndarray, pattern: np.ndarray
) -> dict[str, np.ndarray]:
    """language_sufficient, spouse_support, network_use (DEGREE indices) by rank of a latent score
    per group in the shares of tabel 34-36 ('not relevant' at random at its published share)."""
    prog = fig["progression"]
    ordered = DEGREE.codes[:5]
    everyone = np.ones(len(group), dtype=bool)
    level = 2 - pattern  # 2 yes, 1 partly, 0 no

    def degree(name: str, score: np.ndarray, pooled: bool = False) -> np.ndarray:
        block = prog[name]["intake"]
        col = [0 if pooled else g for g in (0, 1)]
        shares = [[block[c][col[g]] for c in ordered] for g in (0, 1)]
        total = [sum(block[c][col[g]] for c in DEGREE.codes) for g in (0, 1)]
        not_relevant = [block["not_relevant"][col[g]] / total[g] for g in (0, 1)]
        return rank_cut(rng, score, everyone, shares, group, not_relevant)

    noise = rng.standard_normal((3, len(group)))
    return {
        "language_sufficient": degree(
            "language_sufficient",
            LANGUAGE_FROM_COURSE * COURSE_LEVEL[course] + LANGUAGE_FROM_HOME * HOME_LEVEL[home] + noise[0],
        ),
        "spouse_support": degree("spouse_support", SPOUSE_FROM_WISH * level[:, _WANTS] + noise[1]),
        "network_use": degree("network_use", NETWORK_FROM_SEEKING * level[:, _SEEKS] + noise[2], pooled=True),
    }


def draw_job_goal(
    rng, outcome: np.ndarray, home: np.ndarray, pattern: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Job-goal level (indices) and a plausible Danish job title (None for none/unclear)."""
    probs = GOAL_BY_TIER[EDUCATION_TIER[home]] * GOAL_BY_OUTCOME[outcome]
    probs = probs * np.where((pattern[:, _WANTS] != _YES)[:, None], GOAL_NOT_WANTING, 1.0)
    goal = pick(rng, probs)
    titles = np.full(len(goal), None, dtype=object)
    for level, names in _TITLES.items():
        rows = np.flatnonzero(goal == level)
        titles[rows] = np.array(names, dtype=object)[rng.integers(0, len(names), len(rows))]
    return goal, titles


def draw_plans(rng, outcome: np.ndarray, home: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Education plan at intake (section 4) and interest in entrepreneurship (assumed)."""
    plan = rng.random(len(outcome)) < PLAN_SHARE[outcome]
    entre = (
        ENTREPRENEURSHIP_BASE
        * np.where(outcome == JOB, ENTREPRENEURSHIP_JOB_FACTOR, 1.0)
        * np.where(EDUCATION_TIER[home] > 0, ENTREPRENEURSHIP_EDUCATED_FACTOR, 1.0)
    )
    return plan, rng.random(len(outcome)) < entre
