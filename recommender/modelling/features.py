"""The outcome model's feature schema: which intake fields are features, their categories, encoders.

Features are the intake fields of spec §3 except ``citizen_id``, the free text ``job_goal``, the
rules-only fields (``vocab.RULE_ONLY``: integration programme, health barrier, work experience) and the
protected attributes (``gender``, ``origin``, ``nationality``), which join only when an analyst
trains with ``allow_protected=True``. Closing registrations, durations and dates are never features
(they are known only after the offer, so they would leak the outcome).

Every categorical field has a fixed, ordered list of categories (the scale's codes; ``municipality``
the six project municipalities plus ``other``; booleans ``false``/``true``; a missing optional
protected code ``unknown``), so the encoders never learn categories from data and the exact linear
fast path can look coefficients up by (field, value).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from recommender.errors import FieldProblem, InvalidCitizenError, RecommenderError
from recommender.modelling.schema import OTHER, UNKNOWN, FeatureSchema
from recommender.vocab import FIELDS, MUNICIPALITIES, OFFER

__all__ = ["FeatureSchema", "OfferInteractions", "build_schema", "citizen_encoder", "prepare"]

_EXCLUDED = ("citizen_id", "job_goal")
_MIN_NATIONALITY = 5  # a nationality needs this many training rows to get its own category


def build_schema(frame: pd.DataFrame | None = None, *, allow_protected: bool = False) -> FeatureSchema:
    """The feature schema; ``frame`` is needed only for the nationality categories (protected).

    >>> schema = build_schema(allow_protected=True)
    >>> schema.categories["gender"]
    ('female', 'male', 'unknown')
    """
    cats: list[tuple[str, tuple[str, ...]]] = []
    numeric: list[str] = []
    for name, spec in FIELDS.items():
        if name in _EXCLUDED or not spec.model_feature or (spec.protected and not allow_protected):
            continue
        if spec.kind == "int":
            numeric.append(name)
        elif spec.kind == "bool":
            cats.append((name, ("false", "true")))
        elif spec.kind == "code":
            assert spec.scale is not None
            extra = () if spec.required else (UNKNOWN,)
            cats.append((name, spec.scale.codes + extra))
        elif name == "municipality":
            cats.append((name, MUNICIPALITIES + (OTHER,)))
        elif name == "nationality":
            seen: tuple[str, ...] = ()
            if frame is not None and name in frame:
                counts = frame[name].dropna().astype(str).str.strip().value_counts()
                seen = tuple(sorted(v for v, c in counts.items() if c >= _MIN_NATIONALITY and v))
            cats.append((name, seen + (OTHER, UNKNOWN)))
    return FeatureSchema(tuple(cats), tuple(numeric), allow_protected)


def _canonical(name: str, values: pd.Series, categories: tuple[str, ...]) -> pd.Series:
    """One categorical column as canonical strings (codes, ``true``/``false``, ``other``/``unknown``)."""
    spec = FIELDS[name]
    if spec.kind == "bool":
        out = values.map(
            lambda v: (
                "true"
                if v is True or v == "true" or v is np.True_
                else ("false" if v is False or v == "false" or v is np.False_ else v)
            )
        )
    else:
        out = values.astype(object)
    out = out.where(pd.notna(out), None)
    if name in ("municipality", "nationality"):
        known = set(categories)
        out = out.map(lambda v: UNKNOWN if v is None else (v if v in known else OTHER))
    elif not spec.required and spec.kind == "code":
        out = out.map(lambda v: UNKNOWN if v is None or v == "" else v)
    return out.astype(object)


def prepare(frame: pd.DataFrame, schema: FeatureSchema) -> pd.DataFrame:
    """The feature columns of ``frame`` in canonical form, checked against the schema (once, here).

    ``frame`` holds intake fields as codes (as in ``Cohort.frame``); extra columns are ignored. A
    missing column or a value outside the schema raises :class:`InvalidCitizenError` naming the
    field, the value and what is allowed.

    >>> import pandas as pd
    >>> schema = build_schema()
    >>> prepare(pd.DataFrame({"danish_course": ["du4"]}), schema)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.InvalidCitizenError: ... municipality (kommune): forventede/expected en kolonne / a column; ...
    """  # noqa: E501
    problems: list[FieldProblem] = []
    out: dict[str, pd.Series] = {}
    for name, categories in schema.categorical:
        spec = FIELDS[name]
        if name not in frame.columns:
            if not spec.required:
                out[name] = pd.Series(
                    [spec.default if spec.kind == "bool" else None] * len(frame),
                    index=frame.index,
                    dtype=object,
                )
                out[name] = _canonical(name, out[name], categories)
                continue
            problems.append(FieldProblem(name, "<missing>", "en kolonne / a column", spec.da))
            continue
        col = _canonical(name, frame[name], categories)
        bad = ~col.isin(categories)
        if bad.any():
            value = col[bad].iloc[0]
            problems.append(
                FieldProblem(
                    name, value, spec.expected(), spec.da, spec.scale.codes if spec.scale else categories
                )
            )
        out[name] = col
    for name in schema.numeric:
        spec = FIELDS[name]
        if name not in frame.columns:
            problems.append(FieldProblem(name, "<missing>", "en kolonne / a column", spec.da))
            continue
        col = pd.to_numeric(frame[name], errors="coerce")
        bad = col.isna() | (col < spec.low) | (col > spec.high)
        if bad.any():
            problems.append(FieldProblem(name, frame[name][bad].iloc[0], spec.expected(), spec.da))
        out[name] = col.astype(float)
    if problems:
        raise InvalidCitizenError(problems)
    return pd.DataFrame(out, index=frame.index)


def offer_column(frame: pd.DataFrame) -> pd.Series:
    """The ``offer`` column as codes; refuses a missing column or an unknown offer."""
    if "offer" not in frame.columns:
        raise RecommenderError("offer: forventede/expected en kolonne / a column; fik/got <missing>")
    col = frame["offer"].astype(object)
    bad = ~col.isin(OFFER.codes)
    if bad.any():
        raise InvalidCitizenError(
            [
                FieldProblem(
                    "offer", col[bad].iloc[0], f"one of / en af: {OFFER.describe()}", "tilbud", OFFER.codes
                )
            ]
        )
    return col


def citizen_encoder(schema: FeatureSchema, *, with_offer: bool, kind: str = "onehot") -> ColumnTransformer:
    """A ColumnTransformer for the schema's fields (and ``offer`` last when ``with_offer``).

    ``onehot``: one indicator per category plus standardised numbers (for linear models);
    ``ordinal``: category indices plus raw numbers (for gradient-boosted trees).
    """
    names = [name for name, _ in schema.categorical]
    cats = [list(c) for _, c in schema.categorical]
    parts: list[tuple] = []
    if kind == "onehot":
        parts.append(("citizen", OneHotEncoder(categories=cats, dtype=np.float64), names))
        if schema.numeric:
            parts.append(("numeric", StandardScaler(), list(schema.numeric)))
        if with_offer:
            parts.append(
                ("offer", OneHotEncoder(categories=[list(OFFER.codes)], dtype=np.float64), ["offer"])
            )
        return ColumnTransformer(parts, sparse_threshold=1.0)
    if with_offer:
        names, cats = names + ["offer"], cats + [list(OFFER.codes)]
    parts.append(("categorical", OrdinalEncoder(categories=cats, dtype=np.float64), names))
    if schema.numeric:
        parts.append(("numeric", "passthrough", list(schema.numeric)))
    return ColumnTransformer(parts, sparse_threshold=0.0)


class OfferInteractions(TransformerMixin, BaseEstimator):
    """Append offer × citizen interactions to an encoded matrix whose last ``n_offers`` columns are
    the offer indicators: ``[X, O, scale·(O_1·X), …, scale·(O_k·X)]`` (sparse CSR), and with
    ``propensity=True`` also the standardised log-odds of a propensity model P(offer | citizen)
    fitted on the training rows (``k`` more columns, linear in the citizen columns).

    With these columns a multinomial logistic regression learns a citizen effect shared by all
    offers plus, per offer, how the effect of each input differs under that offer. ``scale`` below
    1 shrinks the interactions harder than the shared effects under the same L2 penalty. The
    propensity columns guard against *regularisation-induced confounding* (Hahn et al., 2018):
    offers went to different kinds of citizens, so when the penalty shrinks the citizen effects, the
    offer indicators would absorb part of them; one column per offer summarising who received it
    lets the model keep that adjustment at little cost in penalty.

    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0, 0.0, 1.0]])  # two citizen columns, two offers
    >>> OfferInteractions(n_offers=2, scale=0.5).fit_transform(X).toarray().tolist()
    [[1.0, 2.0, 0.0, 1.0, 0.0, 0.0, 0.5, 1.0]]
    """

    def __init__(
        self,
        n_offers: int = len(OFFER.codes),
        scale: float = 1.0,
        propensity: bool = False,
        propensity_C: float = 0.3,
    ):
        self.n_offers = n_offers
        self.scale = scale
        self.propensity = propensity
        self.propensity_C = propensity_C

    def fit(self, X: Any, y: Any = None) -> OfferInteractions:
        X = sp.csr_matrix(X, dtype=np.float64)
        self.n_features_in_ = X.shape[1]
        k = self.n_offers
        if self.propensity:
            from sklearn.linear_model import LogisticRegression

            base, offer = X[:, :-k], np.asarray(X[:, -k:].argmax(axis=1)).ravel()
            clf = LogisticRegression(C=self.propensity_C, solver="newton-cg", max_iter=500, tol=1e-6).fit(
                base, offer
            )
            coef, intercept = np.zeros((k, base.shape[1])), np.zeros(k)
            if len(clf.classes_) > 2:
                coef[clf.classes_], intercept[clf.classes_] = clf.coef_, clf.intercept_
            elif len(clf.classes_) == 2:  # binary: one log-odds column for the second offer
                coef[clf.classes_[1]], intercept[clf.classes_[1]] = clf.coef_[0], clf.intercept_[0]
            z = base @ coef.T + intercept
            spread = z.std(axis=0)
            spread[spread == 0] = 1.0
            # (k, p) and (k,): the standardised log-odds are base @ prop_coef_.T + prop_intercept_
            self.prop_coef_ = coef / spread[:, None]
            self.prop_intercept_ = (intercept - z.mean(axis=0)) / spread
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        X = sp.csr_matrix(X, dtype=np.float64)
        k = self.n_offers
        base, offers = X[:, :-k], X[:, -k:]
        blocks = [X]
        for j in range(k):
            blocks.append(sp.diags(offers[:, j].toarray().ravel() * self.scale) @ base)
        if self.propensity:
            blocks.append(sp.csr_matrix(np.asarray(base @ self.prop_coef_.T) + self.prop_intercept_))
        return sp.hstack(blocks, format="csr")
