"""The candidate outcome models, unfitted, by name (issue 11; the tree member on many rows: issue 27).

Candidates (all see the offer and can express offer × citizen interactions):

* ``logit_s{s}_C{C}``: one-hot citizen features, offer indicators, offer × citizen interactions
  scaled by ``s`` (``s = 0``: main effects only) and one propensity log-odds column per offer
  (against regularisation-induced confounding), multinomial LogisticRegression with L2 penalty
  ``C`` (``C·s²`` the effective penalty on the interactions), on a small grid;
* ``hgb``: a regularised HistGradientBoostingClassifier (depth 3, learning rate 0.05, L2 1, 20 rows
  per leaf, native categories, the offer a categorical input, so trees split on offer × citizen);
* ``blend:<linear>+…``: the mixture of those linear candidates, ``hgb`` and the prior
  (:class:`~recommender.modelling.blend.AverageClassifier`), whose weights model selection fits
  (:mod:`~recommender.modelling.selection`).

On more than ``CONTRAST_ROWS`` selection rows ``hgb`` is an
:class:`~recommender.modelling.offer_contrast.OfferContrastTrees`: the citizen's level from those
trees, the offer contrasts from the same trees grown to ``CONTRAST_ITER`` iterations (issue 27,
docs/model.md "At 20,000 rows"). It is fitted where the ranking is decided: the selection's
folds (the stack and the committee) and the point model. The bootstrap refits, which give the
draws' spread around the point model, and the refit plan that weighs them use its level forest.
"""

from __future__ import annotations

from collections.abc import Mapping

from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from recommender.modelling.blend import AverageClassifier
from recommender.modelling.features import FeatureSchema, OfferInteractions, citizen_encoder
from recommender.modelling.stacking import LEAD_ROWS
from recommender.vocab import OFFER

__all__ = [
    "BLEND",
    "CONTRAST_ITER",
    "CONTRAST_ROWS",
    "HGB_PARAMS",
    "INTERACTION_SCALES",
    "LOGIT_C",
    "blend_members",
    "candidate",
    "candidate_params",
    "candidates",
    "contrast_trees",
    "linear_candidate",
    "logit_name",
    "parse_logit_name",
]

LOGIT_C = (0.1, 0.3, 1.0)
INTERACTION_SCALES = (0.0, 0.1, 0.3, 1.0)
HGB_PARAMS = {
    "learning_rate": 0.05,
    "max_iter": 100,
    "max_depth": 3,
    "min_samples_leaf": 20,
    "l2_regularization": 1.0,
}
CONTRAST_ROWS = LEAD_ROWS  # above this many selection rows hgb is an OfferContrastTrees
CONTRAST_ITER = 300  # the contrast forest's iterations (HGB_PARAMS otherwise)
BLEND = "blend:"


def logit_name(scale: float, C: float) -> str:
    return f"logit_s{scale:g}_C{C:g}"


def parse_logit_name(name: str) -> tuple[float, float]:
    """(scale, C) of a linear candidate's name."""
    scale, C = name[len("logit_s") :].split("_C")
    return float(scale), float(C)


def linear_candidate(schema: FeatureSchema, C: float, scale: float) -> Pipeline:
    """The linear candidate ``logit_s{scale}_C{C}`` (unfitted)."""
    return Pipeline(
        [
            ("encode", citizen_encoder(schema, with_offer=True, kind="onehot")),
            # propensity columns: a strong penalty on the citizen effects must not push who got which
            # offer into the offer effects (regularisation-induced confounding; issue 11, docs/model.md)
            ("interact", OfferInteractions(scale=scale, propensity=True)),
            # newton-cg: 7-8 iterations where lbfgs took 45-380, faster at every size from 274 to
            # 100,000 rows and closer to the exact optimum (benchmarks/bench_train.py, issue 11)
            ("clf", LogisticRegression(C=C, solver="newton-cg", max_iter=2000, tol=1e-4)),
        ]
    )


def contrast_trees(rows: int | None) -> bool:
    """Whether ``hgb`` is an ``OfferContrastTrees`` for a selection on ``rows`` rows (``None``: no).

    >>> contrast_trees(274), contrast_trees(CONTRAST_ROWS), contrast_trees(CONTRAST_ROWS + 1)
    (False, False, True)
    """
    return rows is not None and rows > CONTRAST_ROWS


def _trees(schema: FeatureSchema, seed: int, rows: int | None = None) -> Pipeline:
    n_cat = len(schema.categorical) + 1
    mask = [True] * n_cat + [False] * len(schema.numeric)

    def forest(**params: object) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            **{**HGB_PARAMS, **params}, categorical_features=mask, early_stopping=False, random_state=seed
        )

    clf: object = forest()
    if contrast_trees(rows):
        from recommender.modelling.offer_contrast import OfferContrastTrees

        # the ordinal encoder codes the offer (the last categorical column) as its position in OFFER
        clf = OfferContrastTrees(
            forest(),
            forest(max_iter=CONTRAST_ITER),
            offer_column=n_cat - 1,
            offer_codes=tuple(float(j) for j in range(len(OFFER.codes))),
        )
    return Pipeline([("encode", citizen_encoder(schema, with_offer=True, kind="ordinal")), ("clf", clf)])


def candidates(schema: FeatureSchema, seed: int = 0, rows: int | None = None) -> dict[str, Pipeline]:
    """The candidate pipelines by name (unfitted), ``hgb`` as a selection on ``rows`` rows fits it
    (:func:`contrast_trees`).

    >>> from recommender.modelling.features import build_schema
    >>> names = list(candidates(build_schema()))
    >>> len(names), names[:2], names[-1]
    (13, ['logit_s0_C0.1', 'logit_s0.1_C0.1'], 'hgb')
    >>> type(candidates(build_schema(), rows=20_000)["hgb"][-1]).__name__
    'OfferContrastTrees'
    """
    out: dict[str, Pipeline] = {
        logit_name(s, C): linear_candidate(schema, C, s)
        for C in sorted(LOGIT_C)
        for s in sorted(INTERACTION_SCALES)
    }
    out["hgb"] = _trees(schema, seed, rows)
    return out


def blend_members(name: str) -> list[str]:
    """The candidates of a blend's name, ``hgb`` last: ``blend:a+b`` → ``['a', 'b', 'hgb']``."""
    return [*name[len(BLEND) :].split("+"), "hgb"]


def candidate(
    schema: FeatureSchema,
    name: str,
    seed: int = 0,
    mix: Mapping[str, object] | None = None,
    rows: int | None = None,
) -> Pipeline:
    """One candidate pipeline by name (unfitted), including ``blend:<linear>+…``: the mixture of
    those linear candidates, ``hgb`` and the prior with the weights ``mix`` (``{"weights": one per
    linear candidate and hgb, "prior_weight": …}``; default equal weights, no prior share); ``hgb``
    as a selection on ``rows`` rows fits it (:func:`contrast_trees`; ``Selection.n_cv_rows``).

    >>> from recommender.modelling.features import build_schema
    >>> blend = candidate(build_schema(), "blend:logit_s0.1_C1",
    ...                   mix={"weights": [0.3, 0.2], "prior_weight": 0.5})[-1]
    >>> blend.estimators[1][-1].max_depth, blend.prior_weight
    (3, 0.5)
    """
    pool = candidates(schema, seed, rows)
    if name.startswith(BLEND):
        members = blend_members(name)
        if any(m not in pool or m == "hgb" for m in members[:-1]):
            raise ValueError(
                f"candidate: expected blend:<one or more of {list(pool)[:-1]} joined by +>; got {name!r}"
            )
        mix = dict(mix or {})
        clf = AverageClassifier(
            [pool[m] for m in members],
            weights=mix.get("weights"),  # type: ignore[arg-type]
            prior_weight=float(mix.get("prior_weight", 0.0)),  # type: ignore[arg-type]
        )
        return Pipeline([("encode", "passthrough"), ("clf", clf)])
    if name not in pool:
        raise ValueError(f"candidate: expected one of {list(pool)}; got {name!r}")
    return pool[name]


def candidate_params(name: str, rows: int | None = None) -> dict[str, object]:
    if name.startswith("logit_s"):
        scale, C = parse_logit_name(name)
        return {"kind": "logistic_regression_offer_interactions", "C": C, "interaction_scale": scale}
    if name.startswith(BLEND):
        return {"kind": "stacked_mixture_with_prior", "of": blend_members(name)}
    if contrast_trees(rows):
        return {
            "kind": "hist_gradient_boosting_offer_contrast",
            **HGB_PARAMS,
            "contrast_max_iter": CONTRAST_ITER,
        }
    return {"kind": "hist_gradient_boosting", **HGB_PARAMS}
