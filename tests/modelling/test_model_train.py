"""The outcome model: training summary, features, estimates, fast path, explanations (issue 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _dgp import simulate

from recommender.citizen import Citizen
from recommender.errors import InvalidCitizenError, RecommenderError
from recommender.model import OutcomeModel, train
from recommender.vocab import OFFER, OUTCOME, PROTECTED

WEIGHTS = {"job": 1.0, "education": 0.8, "active": 0.4, "other": 0.0}


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    return simulate(900, seed=11)


def single(cohort, which: str = "linear", **kwargs) -> OutcomeModel:
    """A model trained as one candidate alone (``linear``: the blend's main linear member;
    ``hgb``: the trees), not the blend ``train`` always selects since issue 11. Model files saved
    before hold such single models, and their serving paths (the exact linear tables, the
    scikit-learn pipeline for trees) must keep working."""
    import dataclasses

    from recommender.modelling import selection as _selection
    from recommender.modelling import training as _training

    def one(*args, **kw):
        sel = _selection.select(*args, **kw)
        name = sel.fit_choice if which == "linear" else "hgb"
        return dataclasses.replace(sel, selected=name, mix={})

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_training, "select", one)
        return train(cohort, **kwargs)


def linear_finalist(cohort, **kwargs) -> OutcomeModel:
    """A single linear model (see :func:`single`), to test the exact linear fast path."""
    return single(cohort, "linear", **kwargs)


@pytest.fixture(scope="module")
def model(cohort) -> OutcomeModel:
    return linear_finalist(cohort, seed=3, n_bootstrap=12)


def _citizens(frame: pd.DataFrame, k: int) -> list[Citizen]:
    cols = [c for c in frame.columns if c not in ("offer", "outcome")]
    return [
        Citizen.from_dict({c: v for c, v in row.items() if c in cols and pd.notna(v)})
        for row in frame.head(k).to_dict("records")
    ]


def test_training_summary_counts_rows_left_out_and_shows_candidates(model, cohort):
    m = model.manifest
    assert m.n_rows == len(cohort)
    assert m.n_left_out == int(cohort["offer"].isna().sum()) > 0
    assert m.n_with_offer + m.n_left_out == len(cohort)
    assert m.evidence_size == m.n_with_offer
    sel = m.selection
    names = [c["name"] for c in sel["candidates"]]
    assert "hgb" in names and sum(n.startswith("logit_s") for n in names) >= 8
    blend = next(n for n in names if n.startswith("blend:"))
    assert blend.startswith(f"blend:{sel['fit_choice']}") and sel["reason"]
    assert all(np.isfinite(c["policy_value"]) and c["policy_value_se"] > 0 for c in sel["candidates"])
    # every linear candidate, hgb and the prior carry their weight in the full stack (summing to 1)
    stack = [c["stack_weight"] for c in sel["candidates"] if "stack_weight" in c]
    assert len(stack) == len(names) - 1
    assert sum(stack) + sel["baseline"]["stack_weight"] == pytest.approx(1.0, abs=1e-4)
    params = [c["params"] for c in sel["candidates"] if c["name"].startswith("logit_s")]
    assert len({p["C"] for p in params}) >= 2 and len({p["interaction_scale"] for p in params}) >= 4
    assert sel["selected"] in names
    if sel["selected"].startswith("logit_s"):
        chosen = next(c for c in sel["candidates"] if c["name"] == sel["selected"])
        assert m.interaction_scale == chosen["params"]["interaction_scale"]
    assert sel["baseline"]["name"] == "prior"
    best = min(c["cv_log_loss"] for c in sel["candidates"])
    assert best < sel["baseline"]["cv_log_loss"]  # the DGP has signal: the model beats the prior


@pytest.mark.slow  # the inner loop's budget; CI runs it
def test_protected_attributes_only_when_allowed(cohort, model):
    assert not set(PROTECTED) & set(model.schema.fields)
    assert model.manifest.allow_protected is False
    for leak in ("duration_days", "citizen_id", "job_goal", "offer", "outcome"):
        assert leak not in model.schema.fields
    with_protected = train(cohort, seed=3, n_bootstrap=3, allow_protected=True)
    assert {"gender", "origin", "nationality"} <= set(with_protected.schema.fields)
    assert with_protected.manifest.allow_protected is True


def test_estimates_are_probabilities_with_intervals_and_support(model, cohort):
    est = model.predict_offers(cohort.head(50), WEIGHTS)
    assert est.proba.shape == (50, 4, 4) and est.score.shape == (50, 4)
    np.testing.assert_allclose(est.proba.sum(axis=2), 1.0, atol=1e-12)
    assert np.all(est.proba_low <= est.proba + 1e-12) and np.all(est.proba <= est.proba_high + 1e-12)
    assert np.all(est.score_low <= est.score) and np.all(est.score <= est.score_high)
    np.testing.assert_allclose(est.score, est.proba @ np.array([1.0, 0.8, 0.4, 0.0]))
    assert np.all((est.score_high - est.score_low) > 0)
    assert set(np.unique(est.support)) <= {"ok", "low"}
    np.testing.assert_array_equal(est.support == "low", est.propensity < model.threshold)
    np.testing.assert_allclose(est.propensity.sum(axis=1), 1.0)
    assert est.evidence.sum() == pytest.approx(model.manifest.evidence_size, abs=2)
    d = est.to_dict()
    assert set(d["citizens"][0]) == set(OFFER.codes)


def test_weights_change_the_score_and_bad_weights_are_refused(model, cohort):
    est = model.predict_offers(cohort.head(5), {"job": 1.0, "education": 0, "active": 0, "other": 0})
    np.testing.assert_allclose(est.score, est.proba[:, :, OUTCOME.codes.index("job")])
    with pytest.raises(RecommenderError, match="other"):
        model.predict_offers(cohort.head(5), {"job": 1.0})


def test_bad_frame_names_field_and_value(model, cohort):
    bad = cohort.head(3).astype({"danish_course": object})
    bad.loc[bad.index[0], "danish_course"] = "du9"
    with pytest.raises(InvalidCitizenError, match="danish_course.*du9"):
        model.predict_offers(bad, WEIGHTS)
    with pytest.raises(InvalidCitizenError, match="network_use"):
        model.predict_offers(cohort.head(3).drop(columns="network_use"), WEIGHTS)


def test_fast_path_is_exact_against_the_sklearn_pipeline(model, cohort):
    assert model.is_linear
    for citizen in _citizens(cohort, 6):
        fast = model.predict_citizen(citizen, WEIGHTS)
        frame = pd.DataFrame([citizen.to_dict()] * 4).assign(offer=list(OFFER.codes))
        ref = _pipeline_proba(model, frame)
        np.testing.assert_allclose(fast.proba[0], ref, atol=1e-9, rtol=0)
        slow = model.predict_offers(pd.DataFrame([citizen.to_dict()]), WEIGHTS)
        for name in ("proba", "proba_low", "proba_high", "score", "score_low", "score_high", "propensity"):
            np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), atol=1e-9, rtol=0)
        np.testing.assert_array_equal(fast.support, slow.support)


def _pipeline_proba(model: OutcomeModel, frame: pd.DataFrame) -> np.ndarray:
    """P(outcome) from the stored sklearn estimator's own predict_proba, columns in OUTCOME order."""
    from recommender.modelling.features import prepare

    X = prepare(frame, model.schema).assign(offer=frame["offer"].to_numpy())
    p = model.estimator.predict_proba(X)
    classes = [str(c) for c in model.estimator.classes_]
    return p[:, [classes.index(k) for k in OUTCOME.codes]]


def test_explain_gives_exact_counterfactual_contributions(model, cohort):
    citizen = _citizens(cohort, 1)[0]
    reasons = model.explain(citizen, "internship", top=3, weights=WEIGHTS)
    assert 1 <= len(reasons) <= 3
    sizes = [r.size for r in reasons]
    assert sizes == sorted(sizes, reverse=True)
    score = model.predict_citizen(citizen, WEIGHTS).score[0, OFFER.codes.index("internship")]
    for r in reasons:
        assert r.direction in "+-" and r.label_da
        swapped = Citizen.from_dict({**citizen.to_dict(), r.field: r.baseline})
        other = model.predict_citizen(swapped, WEIGHTS).score[0, OFFER.codes.index("internship")]
        signed = r.size if r.direction == "+" else -r.size
        assert score - other == pytest.approx(signed, abs=1e-9)
    with pytest.raises(RecommenderError, match="offer"):
        model.explain(citizen, "holiday")


def test_trees_fall_back_to_the_pipeline(cohort, monkeypatch):
    trees = single(cohort.head(400), "hgb", seed=1, n_bootstrap=3)
    assert not trees.is_linear and trees.manifest.selected == "hgb"
    citizen = _citizens(cohort, 1)[0]
    one = trees.predict_citizen(citizen, WEIGHTS)
    frame = pd.DataFrame([citizen.to_dict()] * 4).assign(offer=list(OFFER.codes))
    np.testing.assert_allclose(one.proba[0], _pipeline_proba(trees, frame), atol=1e-9)
    assert len(trees.explain(citizen, "counselling", top=2)) <= 2
    assert trees.explain_offers(citizen, top=2)["counselling"] == trees.explain(citizen, "counselling", top=2)


def test_too_small_or_bad_evidence_size_is_refused(cohort):
    with pytest.raises(RecommenderError, match="evidence_size"):
        train(cohort, evidence_size=5)
    with pytest.raises(RecommenderError, match="too few rows"):
        train(cohort.head(10))


def test_batch_fast_path_matches_the_pipeline_including_intervals(model, cohort):
    slow = OutcomeModel.from_fitted(
        model.estimator, model.boot, model.propensity, model.manifest, serving_tables=False
    )  # the sklearn pipeline path
    frame = cohort.head(40)
    fast, ref = model.predict_offers(frame, WEIGHTS), slow.predict_offers(frame, WEIGHTS)
    for name in ("proba", "proba_low", "proba_high", "score", "score_low", "score_high", "propensity"):
        np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), atol=1e-9, rtol=0)


def test_without_intervals_point_estimates_are_unchanged_and_intervals_nan(model, cohort):
    full = model.predict_offers(cohort.head(30), WEIGHTS)
    quick = model.predict_offers(cohort.head(30), WEIGHTS, intervals=False)
    for name in ("proba", "score", "propensity", "support"):
        np.testing.assert_array_equal(getattr(quick, name), getattr(full, name))
    for name in ("proba_low", "proba_high", "score_low", "score_high"):
        assert np.isnan(getattr(quick, name)).all()


def test_explain_offers_equals_explain_per_offer(model, cohort):
    for citizen in _citizens(cohort, 4):
        together = model.explain_offers(citizen, top=4, weights=WEIGHTS)
        assert list(together) == list(OFFER.codes)
        for offer in OFFER.codes:
            assert together[offer] == model.explain(citizen, offer, top=4, weights=WEIGHTS)


@pytest.mark.slow  # trains a blend
def test_blend_is_an_average_served_by_the_pipeline_with_bootstrap_draws(cohort):
    from recommender.modelling import selection as _selection
    from recommender.modelling.blend import AverageClassifier

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_selection, "_decide", lambda dr, fit_choice, blend: (blend, "forced"))
        blend = train(cohort.head(400), seed=1, n_bootstrap=4)
    sel = blend.manifest.selection
    assert sel["selected"].startswith(f"blend:{sel['fit_choice']}") and not blend.is_linear
    clf = blend.estimator[-1]
    assert isinstance(clf, AverageClassifier) and len(blend.boot) == 4
    mix = sel["mix"]
    assert mix["members"][-1] == "hgb" and len(mix["weights"]) == len(clf.estimators_)
    assert sum(mix["weights"]) + mix["prior_weight"] == pytest.approx(1.0, abs=1e-5)
    assert all(b.prior_weight == clf.prior_weight for b in blend.boot)
    citizen = _citizens(cohort, 1)[0]
    frame = pd.DataFrame([citizen.to_dict()] * 4).assign(offer=list(OFFER.codes))
    from recommender.modelling.features import prepare

    X = prepare(frame, blend.schema).assign(offer=frame["offer"].to_numpy())
    # the mixture by hand: members' probabilities by their weights plus the prior share
    rows = cohort.head(400)
    y = rows.loc[rows["offer"].notna(), "outcome"].astype(str).to_numpy()
    prior = np.array([np.mean(y == k) for k in clf.classes_])
    mixed = sum(w * m.predict_proba(X) for w, m in zip(mix["weights"], clf.estimators_))
    total = sum(mix["weights"]) + mix["prior_weight"]
    mixed = (mixed + mix["prior_weight"] * prior) / total
    order = [list(clf.classes_).index(k) for k in OUTCOME.codes]
    one = blend.predict_citizen(citizen, WEIGHTS)
    np.testing.assert_allclose(one.proba[0], mixed[:, order], atol=1e-9)
    assert np.all(one.score_low <= one.score) and np.all(one.score <= one.score_high)
    assert np.any(one.score_high > one.score_low)  # the draws vary
    assert len(blend.explain(citizen, "internship", top=2)) <= 2


@pytest.mark.slow  # trains a blend
def test_a_weighting_led_by_the_trees_leaves_only_the_committee_beside_them(cohort):
    """The decision-quality check may lead with the trees alone (their own prior share): the
    stack's linear members get weight 0 in that weighting, so only the committee's linear members
    stay, each at its equal share of the committee's credibility ``1 - n/(n + 1,000)``."""
    from recommender.modelling import selection as _selection
    from recommender.modelling.stacking import credibility

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_selection, "_decide", lambda dr, fit_choice, blend: ("hgb", "forced"))
        model = train(cohort.head(400), seed=2, n_bootstrap=2)
    mix = model.manifest.selection["mix"]
    assert mix["led_by"] == "hgb" and model.is_lean
    assert mix["credibility"] == pytest.approx(credibility(model.manifest.n_with_offer), abs=1e-6)
    assert set(mix["members"][:-1]) <= set(mix["committee"]) and mix["members"][-1] == "hgb"
    linear = mix["weights"][:-1]
    assert len(linear) == 4 and max(linear) - min(linear) < 1e-5
    assert mix["weights"][-1] > linear[0] > 0
    assert sum(mix["weights"]) + mix["prior_weight"] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.slow  # trains a blend
def test_the_prior_share_shrinks_probabilities_but_keeps_the_ranking(cohort):
    from recommender.modelling import selection as _selection

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_selection, "_decide", lambda dr, fit_choice, blend: (blend, "forced"))
        model = train(cohort.head(400), seed=2, n_bootstrap=2)
    clf = model.estimator[-1]
    assert clf.prior_weight > 0
    unshrunk = OutcomeModel.from_fitted(
        model.estimator, model.boot, model.propensity, model.manifest, serving_tables=False
    )
    clf_prior = clf.prior_weight
    try:
        clf.prior_weight = 0.0
        raw = unshrunk.predict_offers(cohort.head(40), WEIGHTS, intervals=False)
    finally:
        clf.prior_weight = clf_prior
    served = model.predict_offers(cohort.head(40), WEIGHTS, intervals=False)
    np.testing.assert_array_equal(np.argsort(served.score, axis=1), np.argsort(raw.score, axis=1))
    spread = lambda p: np.abs(p - p.mean(axis=(0, 1))).mean()  # noqa: E731
    assert spread(served.proba) < spread(raw.proba)
