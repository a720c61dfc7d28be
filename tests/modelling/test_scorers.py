"""The scorer seam (issue 29): one ``Scorer`` per model family, each exact against scikit-learn.

``OutcomeModel`` predicts only through its scorer: ``LinearScorer`` (a logistic regression's
tables), ``BlendScorer`` (a blend's tables and compiled trees) and ``PipelineScorer`` (the fitted
pipeline). Each is checked here against the fitted estimators' own ``predict_proba``, to 1e-9: the
point model, every bootstrap draw, a citizen's input variants and the propensity.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from _dgp import simulate

from recommender.model import OutcomeModel, train
from recommender.modelling.features import prepare
from recommender.modelling.fitted import reorder
from recommender.modelling.scorers import (
    BlendScorer,
    LinearScorer,
    PipelineScorer,
    Scorer,
)
from recommender.vocab import OFFER, OUTCOME


@pytest.fixture(
    scope="module",
    params=["hgb", pytest.param("offer_contrast", marks=pytest.mark.slow)],  # trains a second blend
)
def blend(request) -> OutcomeModel:
    """A blend whose boosted member is ``hgb``, or (``offer_contrast``, in the whole suite only) the
    ``OfferContrastTrees`` a selection on more than ``CONTRAST_ROWS`` rows fits (issue 27; the
    threshold lowered to 0)."""
    from recommender.modelling import candidates as _candidates

    with pytest.MonkeyPatch.context() as mp:
        if request.param == "offer_contrast":
            mp.setattr(_candidates, "CONTRAST_ROWS", 0)
        model = train(simulate(500, seed=21), seed=0, n_bootstrap=4)
    assert isinstance(model.scorer, BlendScorer)
    assert (model.tables.draw_contrast is not None) == (request.param == "offer_contrast")
    return model


@pytest.fixture(scope="module")
def linear() -> OutcomeModel:
    from recommender.modelling import selection as _selection
    from recommender.modelling import training as _training

    def one(*args, **kw):
        sel = _selection.select(*args, **kw)
        return dataclasses.replace(sel, selected=sel.fit_choice, mix={})

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_training, "select", one)
        return train(simulate(500, seed=21), seed=0, n_bootstrap=4)


def _pipeline(model: OutcomeModel) -> OutcomeModel:
    return OutcomeModel.from_fitted(
        model.estimator, model.boot, model.propensity, model.manifest, serving_tables=False
    )


def _reference(model: OutcomeModel, frame: pd.DataFrame) -> np.ndarray:
    """(B+1, n, offers, outcomes) from the fitted estimators' own predict_proba: the point
    estimator on the prepared rows, each bootstrap refit on the rows as the pipeline encodes them."""
    X = prepare(frame, model.schema)
    n = len(X)
    stacked = pd.concat([X] * len(OFFER.codes), ignore_index=True)
    stacked["offer"] = np.repeat(np.array(OFFER.codes, dtype=object), n)
    classes = [str(c) for c in model.estimator.classes_]
    point = model.estimator.predict_proba(stacked)[:, [classes.index(k) for k in OUTCOME.codes]]
    sk = model._sk()
    Z = sk.encode.transform(stacked)
    draws = [reorder(b.predict_proba(Z), sk.perm) for b in sk.boot]
    return np.stack([point, *draws]).reshape(len(draws) + 1, len(OFFER.codes), n, -1).transpose(0, 2, 1, 3)


@pytest.mark.parametrize("family", ["linear", "blend", "pipeline"])
def test_each_scorer_is_exact_against_the_pipeline(family, linear, blend) -> None:
    model = {"linear": linear, "blend": blend, "pipeline": _pipeline(blend)}[family]
    kind = {"linear": LinearScorer, "blend": BlendScorer, "pipeline": PipelineScorer}[family]
    assert isinstance(model.scorer, kind) and model.is_lean == (family != "pipeline")
    scorer: Scorer = model.scorer
    frame = simulate(30, seed=4).drop(columns=["offer", "outcome"])
    ref = _reference(model, frame)
    rows = scorer.rows(prepare(frame, model.schema))
    np.testing.assert_allclose(scorer.point(rows), ref[0], atol=1e-9, rtol=0)
    np.testing.assert_allclose(scorer.draws(rows), ref, atol=1e-9, rtol=0)
    prop = reorder(model.propensity.predict_proba(prepare(frame, model.schema)), model._sk().prop_perm)
    np.testing.assert_allclose(scorer.propensity(rows), prop, atol=1e-9, rtol=0)
    # one citizen and its input variants, from one encoding (each variant: one field changed)
    record, other = (
        {k: v for k, v in frame.iloc[i].to_dict().items() if v is not None and pd.notna(v)} for i in (0, 1)
    )
    changes = [
        (k, other[k]) for k in ("danish_course", "years_in_denmark", "municipality", "active_job_seeker")
    ]
    scores = scorer.citizen(scorer.citizen_rows(record, changes))
    variants = pd.DataFrame([record, *({**record, k: v} for k, v in changes)])
    ref_variants = _reference(model, variants)
    np.testing.assert_allclose(scores.points, ref_variants[0], atol=1e-9, rtol=0)
    np.testing.assert_allclose(scores.draws, ref_variants[:, 0], atol=1e-9, rtol=0)
    np.testing.assert_allclose(scores.propensity, prop[0], atol=1e-9, rtol=0)


def test_one_pass_batch_equals_estimates_and_draws_apart(blend) -> None:
    """``predict_batch`` (what ``recommender score`` uses) gives the same estimates as
    ``predict_offers`` without intervals and the same draws as ``score_draws``, block by block."""
    frame = simulate(45, seed=9)
    est, draws = blend.predict_batch(frame, block=20)
    quick = blend.predict_offers(frame, intervals=False)
    for name in ("proba", "score", "propensity"):
        np.testing.assert_allclose(getattr(est, name), getattr(quick, name), atol=1e-12, rtol=0)
    full = blend.predict_offers(frame)
    ref = _reference(blend, frame.drop(columns=["offer", "outcome"]))
    w = np.array([1.0, 0.8, 0.4, 0.0])
    np.testing.assert_allclose(draws, ref[1:] @ w, atol=1e-9, rtol=0)
    np.testing.assert_allclose(full.proba, ref[0], atol=1e-9, rtol=0)


def test_assess_is_predict_explain_and_draws_at_once(blend) -> None:
    citizen = {
        k: v
        for k, v in simulate(3, seed=2).drop(columns=["offer", "outcome"]).iloc[1].to_dict().items()
        if v is not None and pd.notna(v)
    }
    whole = blend.assess(citizen, top=4)
    one = blend.predict_citizen(citizen)
    for name in ("proba", "proba_low", "proba_high", "score", "score_low", "score_high", "propensity"):
        np.testing.assert_allclose(getattr(whole.estimates, name), getattr(one, name), atol=1e-12, rtol=0)
    np.testing.assert_allclose(whole.score_draws, blend.score_draws(citizen), atol=1e-12, rtol=0)
    assert whole.reasons == {o: blend.explain(citizen, o, top=4) for o in OFFER.codes}
