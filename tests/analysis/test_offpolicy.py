"""The off-policy estimate recovers a known policy value on a known-truth cohort (tests/_dgp.py), and
says so when overlap is too poor (the fast version of benchmarks/bench_offpolicy.py)."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.analysis.offpolicy import OffPolicyError, offpolicy_value
from recommender.errors import CohortError
from recommender.model import train
from recommender.vocab import OFFER
from tests._dgp import WEIGHTS, simulate, true_all

W = np.array([WEIGHTS[k] for k in ("job", "education", "active", "other")])


def _best_policy(frame):
    """Every citizen's truly best offer, and the true mean value of giving it to them."""
    truth = true_all(frame) @ W
    best = truth.argmax(axis=1)
    return np.array(OFFER.codes, dtype=object)[best], float(truth[np.arange(len(frame)), best].mean())


@pytest.fixture(scope="module")
def cohort():
    return simulate(1500, seed=31, no_offer_share=0.0)


def test_recovers_the_known_value_of_the_best_policy(cohort) -> None:
    recommended, truth = _best_policy(cohort)
    r = offpolicy_value(cohort, recommended, weights=WEIGHTS, n_bootstrap=300)
    assert r.status == "ok"
    assert r.dr_interval[0] <= truth <= r.dr_interval[1]
    assert r.ipw_interval[0] <= truth <= r.ipw_interval[1]
    truth_given = float(
        (true_all(cohort) @ W)[np.arange(len(cohort)), [OFFER.codes.index(o) for o in cohort["offer"]]].mean()
    )
    assert r.difference_interval[0] <= truth - truth_given <= r.difference_interval[1]
    assert r.difference_interval[0] > 0  # following the truly best offer is better than what was done
    o = r.overlap
    assert 0 < o.propensity_min <= o.propensity_p05 <= o.propensity_max < 1
    assert o.n_followed == int(np.sum(recommended == cohort["offer"].to_numpy()))
    assert 0 < o.effective_sample_size <= o.n_followed and o.share_clipped == 0
    assert "ikke et forsøg" in r.assumptions_da and "Off-policy" in r.text()


@pytest.mark.slow  # trains a model on 1,500 rows
def test_a_given_outcome_model_is_used_for_dr(cohort) -> None:
    model = train(simulate(1500, seed=32), seed=0, n_bootstrap=3)
    recommended, truth = _best_policy(cohort)
    r = offpolicy_value(cohort, recommended, weights=WEIGHTS, model=model, n_bootstrap=200)
    assert r.outcome_model.startswith("given OutcomeModel om-")
    assert r.dr_interval[0] <= truth <= r.dr_interval[1]


def test_too_poor_overlap_gives_no_estimate(cohort) -> None:
    given = cohort["offer"].to_numpy()
    keep = (given != "wage_subsidy") | (np.cumsum(given == "wage_subsidy") <= 10)
    few = cohort[keep].reset_index(drop=True)
    r = offpolicy_value(few, ["wage_subsidy"] * len(few), weights=WEIGHTS, n_bootstrap=100)
    assert r.status == "poor_overlap" and r.dr is None and r.ipw is None and r.difference is None
    assert "Overlap for ringe til at sige noget" in r.message_da
    assert r.overlap.n_followed == 10 and r.observed == pytest.approx(
        float(np.mean([WEIGHTS[o] for o in few["outcome"]]))
    )
    assert "–" in r.text()


def test_bad_recommendations_are_refused(cohort) -> None:
    with pytest.raises(OffPolicyError, match="expected one offer per cohort row"):
        offpolicy_value(cohort, ["internship"] * 3)
    bad = ["internship"] * len(cohort)
    bad[7] = "praktik_x"
    with pytest.raises(OffPolicyError, match="row 7: recommended"):
        offpolicy_value(cohort, bad)
    with pytest.raises(OffPolicyError, match="n_folds"):
        offpolicy_value(cohort, ["internship"] * len(cohort), n_folds=1)
    with pytest.raises(CohortError, match="at least"):
        offpolicy_value(cohort.iloc[:6], ["internship"] * 6)
