"""Issue 11: on 1,000-row known-truth cohorts, following our top offer loses no more expected value
than following plain ``LogisticRegression()``'s (trained on the same rows)."""

from __future__ import annotations

import numpy as np
import pytest
from _truth import TRUTHS, decision_metrics, fresh, plain_peer, simulate

from recommender.model import train


@pytest.mark.slow
@pytest.mark.parametrize("truth", ["logit", "thresholds", "municipal"])
def test_regret_at_most_plain_logistic_regression_at_1000_rows(truth):
    ours, plain = [], []
    for seed in (0, 1, 2):
        frame = simulate(TRUTHS[truth], 1000, seed=seed * 7919 + 1000)
        test = fresh(TRUTHS[truth], 1500, seed=10**6 + seed)
        exact = TRUTHS[truth].proba(test)
        model = train(frame, seed=seed, n_bootstrap=1)
        ours.append(decision_metrics(model.predict_offers(test, intervals=False).proba, exact))
        plain.append(decision_metrics(plain_peer("logit", frame, test), exact))
    regret = {
        name: float(np.mean([m["regret"] for m in runs])) for name, runs in (("ours", ours), ("plain", plain))
    }
    print(truth, regret)
    assert regret["ours"] <= regret["plain"]


def test_regret_and_agreement_of_a_perfect_and_a_constant_model():
    test = fresh(TRUTHS["logit"], 300, seed=5)
    exact = TRUTHS["logit"].proba(test)
    perfect = decision_metrics(exact, exact)
    assert perfect["regret"] == 0.0 and perfect["agreement"] == 1.0 and perfect["mae"] == 0.0
    constant = decision_metrics(np.full_like(exact, 0.25), exact)
    assert constant["regret"] > 0.01 and constant["value"] < perfect["value"]
