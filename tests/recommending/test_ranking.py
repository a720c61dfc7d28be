"""Ranking (spec §7): advised first by score, tie margin resolved by the preferred order, blocked last."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.recommending.ranking import rank_matrix, rank_offers

OFFERS = ["wage_subsidy", "internship", "clarification", "counselling"]

cases = st.tuples(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=4, max_size=4),
    st.lists(st.booleans(), min_size=4, max_size=4),
    st.permutations(OFFERS),
    st.sampled_from([0.0, 0.02, 0.05, 0.2]),
)


def _check_contract(ranked, scores, blocked, preferred, margin) -> None:
    assert sorted(ranked) == sorted(OFFERS)
    flags = [blocked[o] for o in ranked]
    assert flags == sorted(flags), "blocked offers come last"
    for a, b in zip(ranked, ranked[1:]):
        if blocked[a] != blocked[b]:
            continue
        if scores[b] > scores[a]:
            assert scores[b] - scores[a] < margin, "a higher score may only be passed within the margin"
            assert preferred.index(a) < preferred.index(b), "…and then only by a preferred offer"


@settings(max_examples=300, deadline=None)
@given(cases)
def test_ranking_satisfies_the_contract_scalar_and_vectorised(case) -> None:
    raw_scores, raw_blocked, preferred, margin = case
    scores = dict(zip(OFFERS, raw_scores))
    blocked = dict(zip(OFFERS, raw_blocked))
    ranked = rank_offers(scores, blocked, list(preferred), margin)
    _check_contract(ranked, scores, blocked, list(preferred), margin)
    ranks = rank_matrix(
        np.array([raw_scores]),
        np.array([raw_blocked]),
        np.array([[list(preferred).index(o) for o in OFFERS]]),
        margin,
    )[0]
    assert [OFFERS[i] for i in np.argsort(ranks)] == ranked


def test_within_the_margin_the_preferred_order_decides() -> None:
    scores = {"wage_subsidy": 0.61, "internship": 0.60, "clarification": 0.30, "counselling": 0.59}
    preferred = ["internship", "wage_subsidy", "counselling", "clarification"]
    assert rank_offers(scores, {}, preferred, 0.02) == [
        "internship",
        "wage_subsidy",
        "counselling",
        "clarification",
    ]
    assert rank_offers(scores, {}, preferred, 0.0) == [
        "wage_subsidy",
        "internship",
        "counselling",
        "clarification",
    ]
