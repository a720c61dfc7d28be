"""A known-probability data-generating process for testing the outcome model.

Citizens get random intake records; the offer is assigned depending on the citizen (confounded, but
every offer stays possible for everyone); the outcome is drawn from a multinomial logit whose offer
effects differ by citizen (heterogeneous effects), so ``true_proba`` gives the exact
P(outcome | citizen, offer) that a model should recover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.vocab import FIELDS, MUNICIPALITIES, OFFER, OUTCOME

WEIGHTS = {"job": 1.0, "education": 0.8, "active": 0.4, "other": 0.0}
_ANSWER_VALUE = {"yes": 1.0, "partly": 0.5, "no": 0.0}
_DEGREE_VALUE = {"not_at_all": 0.0, "low": 0.2, "lesser": 0.4, "some": 0.7, "high": 1.0, "not_relevant": 0.5}


def _draw_citizens(n: int, rng: np.random.Generator) -> pd.DataFrame:
    data: dict[str, object] = {
        "citizen_id": [f"D{i:06d}" for i in range(n)],
        "municipality": rng.choice(MUNICIPALITIES, n),
        "years_in_denmark": rng.integers(0, 30, n),
        "children_under_18": rng.integers(0, 6, n),
    }
    for name, spec in FIELDS.items():
        if spec.kind == "code" and spec.required:
            data[name] = rng.choice(spec.scale.codes, n)
    data["education_plan"] = rng.random(n) < 0.3
    data["entrepreneurship_interest"] = rng.random(n) < 0.1
    data["gender"] = rng.choice(["female", "male"], n, p=[0.8, 0.2])
    data["origin"] = rng.choice(["western", "non_western"], n, p=[0.1, 0.9])
    return pd.DataFrame(data)


def _readiness(frame: pd.DataFrame) -> np.ndarray:
    r = sum(
        frame[c].map(_ANSWER_VALUE).to_numpy(float)
        for c in ("active_job_seeker", "can_start_within_14_days", "wants_employment", "searches_broadly")
    )
    r = r + 1.5 * frame["language_sufficient"].map(_DEGREE_VALUE).to_numpy(float)
    return (r - 2.75) / 1.2  # roughly centred, unit spread


def true_logits(frame: pd.DataFrame, offer: str) -> np.ndarray:
    """(n, 4) logits over OUTCOME.codes for every citizen under ``offer``."""
    n = len(frame)
    r = _readiness(frame)
    plan = frame["education_plan"].to_numpy(bool).astype(float)
    goal = frame["job_goal_level"].to_numpy(object)
    unclear = np.isin(goal, ["none", "unclear"]).astype(float)
    skilled = np.isin(goal, ["skilled", "higher"]).astype(float)
    network = frame["network_use"].map(_DEGREE_VALUE).to_numpy(float)
    years = frame["years_in_denmark"].to_numpy(float) / 10.0
    job = -0.6 + 0.9 * r + 0.4 * network + 0.15 * years - 0.4 * unclear
    edu = -1.6 + 1.4 * plan + 0.5 * skilled
    act = -0.3 + 0.3 * r
    other = np.zeros(n)
    if offer == "wage_subsidy":  # strong for job when ready, harmful when not
        job = job + 0.4 + 0.9 * r
        other = other + 0.3 - 0.6 * r
    elif offer == "internship":  # helps job for unskilled/flexible goals, active for others
        job = job + 0.5 * (1 - skilled) - 0.3 * skilled
        act = act + 0.5
    elif offer == "clarification":  # helps education and those with no clear goal
        edu = edu + 0.6 + 0.6 * plan
        job = job + 0.7 * unclear - 0.3
    else:  # counselling: a modest all-round effect, better with a weak network
        act = act + 0.3 * (1 - network)
    return np.column_stack([job, edu, act, other])


def true_proba(frame: pd.DataFrame, offer: str) -> np.ndarray:
    """(n, 4) exact P(outcome | citizen, offer), outcomes in OUTCOME.codes order."""
    z = true_logits(frame, offer)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def true_all(frame: pd.DataFrame) -> np.ndarray:
    """(n, 4 offers, 4 outcomes) exact probabilities."""
    return np.stack([true_proba(frame, o) for o in OFFER.codes], axis=1)


def assign_offers(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Offer indices (into OFFER.codes), confounded: ready citizens get wage subsidy more often,
    unready ones clarification; every offer stays possible for everyone."""
    n, r = len(frame), _readiness(frame)
    logits = np.column_stack([0.8 * r, 0.2 * r + 0.3, -0.5 * r, np.zeros(n) + 0.5])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return (p.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)


def draw_outcomes(
    frame: pd.DataFrame,
    probs: np.ndarray,
    offer_idx: np.ndarray,
    rng: np.random.Generator,
    no_offer_share: float = 0.1,
) -> pd.DataFrame:
    """``frame`` with ``offer`` (a share left empty) and ``outcome`` drawn from ``probs`` (n, 4, 4)."""
    n = len(frame)
    picked = probs[np.arange(n), offer_idx]
    outcome_idx = (picked.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    frame = frame.copy()
    frame["offer"] = np.array(OFFER.codes, dtype=object)[offer_idx]
    frame.loc[rng.random(n) < no_offer_share, "offer"] = None
    frame["outcome"] = np.array(OUTCOME.codes, dtype=object)[outcome_idx]
    return frame


def simulate(n: int, seed: int = 0, *, no_offer_share: float = 0.1) -> pd.DataFrame:
    """A cohort frame (codes) of ``n`` closed cases drawn from the DGP."""
    rng = np.random.default_rng(seed)
    frame = _draw_citizens(n, rng)
    offer_idx = assign_offers(frame, rng)
    return draw_outcomes(frame, true_all(frame), offer_idx, rng, no_offer_share)
