"""The blend's tree member on many rows (issue 27): ``OfferContrastTrees``, a scikit-learn
classifier whose probabilities are the level forest's mean over the offers plus the contrast
forest's offer contrasts, floored and renormalised; the selection's and the point model's ``hgb``
above ``CONTRAST_ROWS`` selection rows (the bootstrap refits fit its level forest alone). The lean
serving path's exactness for it is tested with the other blends (tests/modelling/test_serving.py,
test_scorers.py: the ``offer_contrast`` fixtures)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier as HGB

from recommender.modelling import candidates, selection
from recommender.modelling.features import build_schema
from recommender.modelling.offer_contrast import OfferContrastTrees
from recommender.modelling.trees import CONTRAST_FLOOR, offer_contrast


def _rows(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """An offer code (column 0, three offers) and two numbers; the offer's effect depends on x1."""
    rng = np.random.default_rng(seed)
    offer = rng.integers(0, 3, n).astype(float)
    x = rng.normal(size=(n, 2))
    score = x[:, 0] + (offer == 1) * x[:, 1] - (offer == 2) + rng.normal(size=n)
    y = np.digitize(score, [-0.5, 0.5])  # three outcomes
    return np.column_stack([offer, x]), y


def _trees(**kw) -> OfferContrastTrees:
    return OfferContrastTrees(
        HGB(max_iter=15, categorical_features=[0], random_state=0),
        HGB(max_iter=60, categorical_features=[0], random_state=0),
        offer_column=0,
        offer_codes=(0.0, 1.0, 2.0),
        **kw,
    )


def test_its_probabilities_follow_the_formula_from_the_two_forests_fitted_alone() -> None:
    X, y = _rows()
    fitted = _trees().fit(X, y)
    level = HGB(max_iter=15, categorical_features=[0], random_state=0).fit(X, y)
    contrast = HGB(max_iter=60, categorical_features=[0], random_state=0).fit(X, y)

    def under(est, code):
        Xo = X.copy()
        Xo[:, 0] = code
        return est.predict_proba(Xo)

    level_mean = np.mean([under(level, c) for c in (0, 1, 2)], axis=0)
    contrast_mean = np.mean([under(contrast, c) for c in (0, 1, 2)], axis=0)
    expected = np.clip(level_mean + contrast.predict_proba(X) - contrast_mean, CONTRAST_FLOOR, None)
    expected /= expected.sum(axis=1, keepdims=True)
    got = fitted.predict_proba(X)
    np.testing.assert_allclose(got, expected, atol=1e-12, rtol=0)
    assert got.min() >= CONTRAST_FLOOR / 2 and fitted.classes_.tolist() == [0, 1, 2]
    # a citizen's probabilities averaged over the offers are the level forest's (where no offer's
    # probability was floored): the contrast forest only moves the offers apart
    raw = [level_mean + under(contrast, c) - contrast_mean for c in (0, 1, 2)]
    kept = np.all([r.min(axis=1) >= CONTRAST_FLOOR for r in raw], axis=0)
    by_offer = np.mean(
        [fitted.predict_proba(np.column_stack([np.full(len(X), c), X[:, 1:]])) for c in (0, 1, 2)], 0
    )
    assert kept.mean() > 0.5
    np.testing.assert_allclose(by_offer[kept], level_mean[kept], atol=1e-12, rtol=0)
    np.testing.assert_array_equal(fitted.predict(X), fitted.classes_[got.argmax(axis=1)])
    np.testing.assert_allclose(np.exp(fitted.decision_function(X)), got, atol=1e-12)


def test_a_row_whose_offer_code_is_not_among_the_codes_is_predicted_as_it_is() -> None:
    X, y = _rows()
    fitted = _trees().fit(X, y)
    Z = X[:5].copy()
    Z[:, 0] = np.nan  # missing offer: the contrast forest's own prediction of the row
    Z[1, 0] = 7.0  # a code that is not an offer: the same
    Z[2, 0] = 1.0  # an offer: as usual
    p = fitted.predict_proba(Z)
    under = [fitted.contrast_.predict_proba(np.column_stack([np.full(5, c), Z[:, 1:]])) for c in (0, 1, 2)]
    level = np.mean(
        [fitted.level_.predict_proba(np.column_stack([np.full(5, c), Z[:, 1:]])) for c in (0, 1, 2)], 0
    )
    own = fitted.contrast_.predict_proba(Z)
    np.testing.assert_allclose(own[2], under[1][2], atol=1e-15)
    expected = offer_contrast(level, own, np.mean(under, 0))
    np.testing.assert_allclose(p, expected, atol=1e-12, rtol=0)


def test_it_follows_the_scikit_learn_conventions() -> None:
    trees = _trees()
    params = trees.get_params(deep=False)
    assert set(params) == {"level", "contrast", "offer_column", "offer_codes"}
    copy = clone(trees)
    assert copy.get_params(deep=False)["offer_codes"] == (0.0, 1.0, 2.0)
    assert not hasattr(copy, "level_") and not hasattr(copy, "classes_")
    X, y = _rows(300)
    fitted = copy.set_params(contrast__max_iter=30).fit(X, y)
    assert fitted.contrast_.max_iter == 30 and trees.contrast.max_iter == 60 and fitted.n_features_in_ == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [({"offer_column": 3}, "offer_column: expected a column 0-2"), ({"offer_codes": ()}, "offer_codes")],
)
def test_a_wrong_offer_column_or_no_codes_is_a_clear_error(change, message) -> None:
    X, y = _rows(200)
    with pytest.raises(ValueError, match=message):
        _trees().set_params(**change).fit(X, y)


def test_hgb_is_the_offer_contrast_only_above_contrast_rows() -> None:
    schema = build_schema()
    small = candidates.candidate(schema, "hgb", rows=candidates.CONTRAST_ROWS)[-1]
    large = candidates.candidate(schema, "hgb", rows=candidates.CONTRAST_ROWS + 1)[-1]
    assert isinstance(small, HGB) and small.get_params() == candidates._trees(schema, 0)[-1].get_params()
    assert isinstance(large, OfferContrastTrees)
    assert large.level.get_params() == small.get_params()
    assert large.contrast.get_params() == {**small.get_params(), "max_iter": candidates.CONTRAST_ITER}
    # the offer's column and codes are the ordinal encoder's
    encoder = candidates.candidate(schema, "hgb", rows=20_000)[0]
    columns = [c for _, _, cols in encoder.transformers for c in cols]
    assert columns[large.offer_column] == "offer" and len(large.offer_codes) == 4
    blend = candidates.candidate(schema, "blend:logit_s0.1_C1", rows=20_000)[-1]
    assert isinstance(blend.estimators[-1][-1], OfferContrastTrees)
    assert candidates.candidate_params("hgb", 20_000)["kind"] == "hist_gradient_boosting_offer_contrast"
    assert candidates.candidate_params("hgb", 274)["kind"] == "hist_gradient_boosting"


def test_every_offer_at_once_is_predict_proba_under_each_offer() -> None:
    X, y = _rows()
    fitted = _trees().fit(X, y)
    every = fitted.predict_proba_offers(X[:50])
    for j, code in enumerate(fitted.offer_codes):
        Xo = X[:50].copy()
        Xo[:, 0] = code
        np.testing.assert_array_equal(every[:, j], fitted.predict_proba(Xo))


def test_the_selection_folds_predict_the_offer_contrast_as_its_predict_proba_does() -> None:
    """``_fold_proba`` takes the every-offer shortcut for an offer contrast: the same numbers as
    predicting each offer's frame through the pipeline."""
    import pandas as pd
    from _dgp import simulate

    from recommender.cohort import read_cohort
    from recommender.modelling.features import offer_column, prepare
    from recommender.modelling.training import training_rows
    from recommender.vocab import OFFER

    data, y, _ = training_rows(read_cohort(simulate(400, seed=3)), None)
    schema = build_schema(data)
    X = prepare(data, schema)
    X["offer"] = offer_column(data).to_numpy()
    classes = np.unique(y)
    train, test = np.arange(300), np.arange(300, len(y))
    pipe = candidates.candidate(schema, "hgb", rows=20_000)
    got = selection._fold_proba(pipe, X, y, train, test, classes)
    fitted = clone(pipe).fit(X.iloc[train], y[train])
    ref = np.stack(
        [
            selection._aligned(fitted.predict_proba(X.iloc[test].assign(offer=o)), fitted.classes_, classes)
            for o in OFFER.codes
        ],
        axis=1,
    )
    assert isinstance(X, pd.DataFrame) and got.shape == (len(test), len(OFFER.codes), len(classes))
    np.testing.assert_array_equal(got, ref)


def test_the_bootstrap_refits_fit_the_level_forest_alone() -> None:
    """The draws give the spread around the point model: an offer contrast's refits are plain forests
    with its level forest's parameters (one forest per refit, as below ``CONTRAST_ROWS``)."""
    from recommender.modelling.uncertainty import _plain_trees

    schema = build_schema()
    member = candidates.candidate(schema, "hgb", rows=20_000)[-1]
    plain = _plain_trees(member)
    assert isinstance(plain, HGB) and plain.get_params() == member.level.get_params()
    small = candidates.candidate(schema, "hgb", rows=274)[-1]
    assert _plain_trees(small) is small


def test_an_offer_contrast_alone_is_refitted_as_its_level_forest() -> None:
    """Outside a blend too (``bootstrap_refits`` of the classifier itself), the draws of an offer
    contrast are plain forests with its level forest's parameters."""
    from recommender.modelling.uncertainty import bootstrap_refits

    X, y = _rows()
    fitted = _trees().fit(X, y)
    draws = bootstrap_refits(fitted, X, y, evidence_size=300, n_bootstrap=2, seed=0)
    assert len(draws) == 2
    for draw in draws:
        assert isinstance(draw, HGB) and draw.get_params() == fitted.level.get_params()
        assert draw.predict_proba(X[:3]).shape == (3, 3)
