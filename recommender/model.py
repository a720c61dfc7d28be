"""The outcome model: P(outcome | citizen, offer) with intervals and support (spec §7, §10, §12).

``train(cohort)`` selects a model by cross-validated log loss among logistic regressions with
offer × citizen interactions (several penalties) and a regularised gradient-boosted classifier,
calibrates it when that helps, refits it on bootstrap resamples of the real evidence size for the
intervals, and fits a propensity model for the support flag. ``OutcomeModel.predict_offers`` scores
many citizens at once; ``predict_citizen`` scores one through an exact fast path when the selected
model is linear; ``explain`` names the main inputs behind an estimate. ``save_model`` and
``load_model`` persist it in a file that cannot run code when loaded (see ``_persist``).

Estimates are associations learnt from earlier citizens, not causal effects.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from recommender.errors import CohortError, RecommenderError, show_value
from recommender.modelling.estimates import OfferEstimates, Reason
from recommender.modelling.features import FeatureSchema, build_schema, offer_column, prepare
from recommender.modelling.manifest_check import package_stamp
from recommender.modelling.linear import CitizenVector, LinearTables, _softmax
from recommender.modelling.selection import calibrated, candidates, penalty_at, select
from recommender.modelling.uncertainty import INTERVAL_LEVEL, bootstrap_refits, centred_interval, fit_propensity
from recommender.vocab import FIELDS, OFFER, OUTCOME
from recommender.citizen import Citizen

__all__ = ["OfferEstimates", "OutcomeModel", "Reason", "load_model", "save_model", "train"]

SUPPORT_THRESHOLD = 0.10
N_BOOTSTRAP = 40
DEFAULT_WEIGHTS = {"job": 1.0, "education": 0.8, "active": 0.4, "other": 0.0}
_LF = [OUTCOME.codes.index(c) for c in ("job", "education", "active")]
_OTHER = OUTCOME.codes.index("other")


def _weights_vector(weights: Mapping[str, float] | None) -> np.ndarray:
    weights = DEFAULT_WEIGHTS if weights is None else weights
    if hasattr(weights, "outcome_weights"):
        weights = weights.outcome_weights  # a RuleSet
    missing = [k for k in OUTCOME.codes if k not in weights]
    if missing:
        raise RecommenderError(f"weights: expected a weight for each outcome {list(OUTCOME.codes)}; "
                               f"missing {missing}")
    return np.array([float(weights[k]) for k in OUTCOME.codes])


def _perm(classes, codes) -> np.ndarray:
    """For each code, its column in ``classes`` (-1 when the model never saw it)."""
    classes = [str(c) for c in classes]
    return np.array([classes.index(c) if c in classes else -1 for c in codes])


def _is_int(classes) -> bool:
    return np.issubdtype(np.asarray(classes).dtype, np.integer)


def _reorder(proba: np.ndarray, perm: np.ndarray) -> np.ndarray:
    out = np.zeros(proba.shape[:-1] + (len(perm),))
    for k, src in enumerate(perm):
        if src >= 0:
            out[..., k] = proba[..., src]
    return out


class OutcomeModel:
    """A trained outcome model. Build it with :func:`train` or :func:`load_model`.

    Attributes: ``manifest`` (dict: schema, training cohort, candidates' CV metrics, selection,
    library versions, …), ``version`` (str), ``schema`` (FeatureSchema), ``estimator`` (the sklearn
    estimator giving the point estimates), ``is_linear`` (the exact fast path is used).
    """

    def __init__(self, *, estimator, boot: list, propensity, manifest: dict):
        self.estimator = estimator
        self.boot = list(boot)
        self.propensity = propensity
        self.manifest = manifest
        self.schema = FeatureSchema.from_dict(manifest["schema"])
        if isinstance(estimator, CalibratedClassifierCV):
            inner = estimator.calibrated_classifiers_[0]
            self._pipeline, self._beta = inner.estimator, float(inner.calibrators[0].beta_)
        else:
            self._pipeline, self._beta = estimator, 1.0
        self._encode = self._pipeline[:-1]
        self._clf = self._pipeline[-1]
        # Under calibration the inner classifier learns label-encoded outcomes (0..K-1).
        self._labels = np.asarray(estimator.classes_).astype(str)
        self._perm = _perm(self._labels[self._clf.classes_] if _is_int(self._clf.classes_)
                           else self._clf.classes_, OUTCOME.codes)
        self._prop_perm = _perm(propensity[-1].classes_, OFFER.codes)
        self.threshold = float(manifest["support_threshold"])
        self.level = float(manifest["interval_level"])
        self._evidence = np.array([manifest["offer_evidence"][o] for o in OFFER.codes], dtype=int)
        self._baseline: dict[str, object] = dict(manifest["baseline"])
        self.is_linear = isinstance(self._clf, LogisticRegression)
        self._tables: LinearTables | None = None
        self._vector: CitizenVector | None = None
        if self.is_linear:
            enc = self._encode.named_steps["encode"]
            interact = self._encode.named_steps["interact"]
            self._vector = CitizenVector(self.schema, enc)
            self._tables = LinearTables.build(
                [self._clf, *self.boot], p=self._vector.width, n_offers=len(OFFER.codes),
                scale=interact.scale, class_perm=self._perm, beta=self._beta,
                prop_clf=propensity[-1], prop_perm=self._prop_perm,
                confounders=((interact.prop_coef_, interact.prop_intercept_)
                             if getattr(interact, "propensity", False) else None))

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def summary(self) -> dict[str, object]:
        """The training summary: sizes, rows left out, candidates' CV log loss, the selection."""
        keys = ("n_rows", "n_with_offer", "n_left_out", "evidence_size", "selection")
        return {k: self.manifest[k] for k in keys}

    def __repr__(self) -> str:
        m = self.manifest
        return (f"OutcomeModel(version={self.version!r}, selected={m['selection']['selected']!r}, "
                f"calibrated={m['selection']['calibrated']}, n_with_offer={m['n_with_offer']}, "
                f"evidence_size={m['evidence_size']}, allow_protected={m['allow_protected']})")

    # ------------------------------------------------------------------ batch path
    def _draws(self, X: pd.DataFrame, intervals: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Point (n, offers, K) and bootstrap (B, n, offers, K) probabilities for prepared rows
        (``None`` for the draws when ``intervals`` is False)."""
        n, n_off = len(X), len(OFFER.codes)
        clfs = [self._clf, *self.boot] if intervals else [self._clf]
        out = np.empty((len(clfs), n, n_off, len(OUTCOME.codes)))
        if self._tables is not None:  # linear: encode each citizen once, effective weights per offer
            E = self._citizen_matrix(X)
            w, bias = self._tables.weights, self._tables.bias
            for b in range(len(clfs)):
                z = np.asarray(E @ w[b].reshape(-1, w.shape[-1]).T).reshape(n, n_off, -1)
                out[b] = _softmax(self._beta * (z + bias[b]))
            return out[0], (out[1:] if intervals else None)
        stacked = pd.concat([X] * n_off, ignore_index=True)
        stacked["offer"] = np.repeat(np.array(OFFER.codes, dtype=object), n)
        Z = self._encode.transform(stacked)
        for b, clf in enumerate(clfs):
            p = _softmax(self._beta * np.asarray(clf.decision_function(Z)))
            out[b] = _reorder(p, self._perm).reshape(n_off, n, -1).transpose(1, 0, 2)
        return out[0], (out[1:] if intervals else None)

    def _citizen_matrix(self, X: pd.DataFrame):
        """The encoded citizen columns (sparse, n × p) of prepared rows, without the offer."""
        enc = self._encode.named_steps["encode"]
        E = enc.transform(X.assign(offer=OFFER.codes[0]))
        return E[:, :self._vector.width]

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """(n, 4) P(outcome | citizen, offer) for rows that carry their ``offer`` (point estimate,
        outcomes in ``OUTCOME.codes`` order), e.g. to evaluate the model on a closed cohort."""
        X = prepare(frame, self.schema)
        X["offer"] = offer_column(frame).to_numpy()
        p = _softmax(self._beta * np.asarray(self._clf.decision_function(self._encode.transform(X))))
        return _reorder(p, self._perm)

    def predict_offers(self, frame: pd.DataFrame, weights: Mapping[str, float] | None = None, *,
                       intervals: bool = True) -> OfferEstimates:
        """Estimates for every citizen (row of ``frame``) under each of the four offers.

        ``frame``: intake fields as codes (as in ``Cohort.frame``; ``offer``/``outcome`` ignored).
        ``weights``: outcome code → weight for the score (spec §7), or a RuleSet; default 1/0.8/0.4/0.
        ``intervals=False`` skips the bootstrap draws (for scoring many citizens): ``proba_low``,
        ``proba_high``, ``score_low`` and ``score_high`` are then NaN (not computed), everything
        else is identical. Bad values raise :class:`~recommender.errors.InvalidCitizenError`
        naming field and value.
        """
        w = _weights_vector(weights)
        X = prepare(frame, self.schema)
        point, draws = self._draws(X, intervals)
        if self._tables is not None:
            prop = self._tables.propensity_many(self._citizen_matrix(X))
        else:
            prop = _reorder(self.propensity.predict_proba(X), self._prop_perm)
        return self._estimates(point, draws, prop, w)

    def _estimates(self, point, draws, prop, w) -> OfferEstimates:
        score = point @ w
        if draws is None:
            p_lo = p_hi = np.full_like(point, np.nan)
            s_lo = s_hi = np.full_like(score, np.nan)
        else:
            p_lo, p_hi = centred_interval(point, draws, level=self.level)
            s_lo, s_hi = centred_interval(score, draws @ w, high=float(w.max()), level=self.level)
        support = np.where(prop < self.threshold, "low", "ok")
        return OfferEstimates(point, p_lo, p_hi, score, s_lo, s_hi, prop, support,
                              self._evidence.copy(), self.level)

    # ------------------------------------------------------------------ one citizen
    def predict_citizen(self, citizen: Citizen, weights: Mapping[str, float] | None = None
                        ) -> OfferEstimates:
        """Estimates for one validated citizen (n = 1); exact fast path for a linear model."""
        if not isinstance(citizen, Citizen):
            citizen = Citizen.from_dict(citizen)
        if self._tables is None:
            return self.predict_offers(pd.DataFrame([citizen.to_dict()]), weights)
        w = _weights_vector(weights)
        x = self._vector.encode(citizen.to_dict())
        allp = self._tables.proba(x)
        prop = self._tables.propensity(x)[None]
        return self._estimates(allp[0][None], allp[1:, None], prop, w)

    def explain(self, citizen: Citizen, offer: str, top: int = 3,
                weights: Mapping[str, float] | None = None) -> tuple[Reason, ...]:
        """The ``top`` inputs that move ``offer``'s score most for this citizen, largest first.

        Each input's effect is exact: the score (and the labour-force log-odds) with the citizen's
        value minus the same with that field at its baseline value, all else unchanged.
        """
        if offer not in OFFER.codes:
            raise RecommenderError(f"offer: expected one of / en af: {OFFER.describe()}; got {offer!r}")
        record, names, variants = self._variants(citizen)
        j = OFFER.codes.index(offer)
        if self._tables is not None:
            p = self._tables.point_proba(self._vector.encode_many(variants))[:, j]
        else:
            p = self._draws(prepare(pd.DataFrame(variants), self.schema), False)[0][:, j]
        return self._reasons(record, names, p, _weights_vector(weights), top)

    def explain_offers(self, citizen: Citizen, top: int = 3,
                       weights: Mapping[str, float] | None = None) -> dict[str, tuple[Reason, ...]]:
        """:meth:`explain` for all four offers at once (one encoding of the variants), by offer code."""
        record, names, variants = self._variants(citizen)
        w = _weights_vector(weights)
        if self._tables is not None:
            p = self._tables.point_proba(self._vector.encode_many(variants))
        else:
            p = self._draws(prepare(pd.DataFrame(variants), self.schema), False)[0]
        return {o: self._reasons(record, names, p[:, j], w, top) for j, o in enumerate(OFFER.codes)}

    def _variants(self, citizen) -> tuple[dict, list[str], list[dict]]:
        """The citizen's record, the fields not at their baseline and one record per such field
        with that field set to its baseline (the record itself first)."""
        if not isinstance(citizen, Citizen):
            citizen = Citizen.from_dict(citizen)
        record = citizen.to_dict()
        variants, names = [record], []
        for name in self.schema.fields:
            base = self._baseline[name]
            if self._canon(name, record.get(name)) != self._canon(name, base):
                variants.append({**record, name: base})
                names.append(name)
        return record, names, variants

    def _reasons(self, record, names, p, w, top) -> tuple[Reason, ...]:
        score = p @ w
        lf = np.log(p[:, _LF].sum(axis=1) + 1e-12) - np.log(p[:, _OTHER] + 1e-12)
        reasons = []
        for i, name in enumerate(names, start=1):
            size = float(score[0] - score[i])
            reasons.append(Reason(name, record.get(name), self._baseline[name], FIELDS[name].da,
                                  FIELDS[name].en, "+" if size >= 0 else "-", abs(size),
                                  float(lf[0] - lf[i])))
        reasons.sort(key=lambda r: -r.size)
        return tuple(reasons[:top])

    def _canon(self, name: str, value: object) -> object:
        if self._vector is not None and name not in self.schema.numeric:
            return self._vector.canonical(name, value)
        return value


def _baseline_values(X: pd.DataFrame, schema: FeatureSchema) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, _ in schema.categorical:
        value = X[name].value_counts().idxmax()
        out[name] = (value == "true") if FIELDS[name].kind == "bool" else value
    for name in schema.numeric:
        out[name] = int(np.median(X[name]))
    return out


def _library_versions() -> dict[str, str]:
    import numpy
    import sklearn
    import skops
    return {"sklearn": sklearn.__version__, "numpy": numpy.__version__, "pandas": pd.__version__,
            "skops": skops.__version__, "python": ".".join(map(str, sys.version_info[:3]))}


def train(cohort, *, seed: int = 0, allow_protected: bool = False, evidence_size: int | None = None,
          n_bootstrap: int = N_BOOTSTRAP, rules=None, support_threshold: float = SUPPORT_THRESHOLD,
          progress: Callable[[str], None] | None = None) -> OutcomeModel:
    """Train the outcome model on a cohort (a ``Cohort``, a CSV path or a DataFrame of codes).

    Rows without a registered offer are left out (counted in ``manifest['n_left_out']``).
    ``evidence_size``: how many citizens the estimates really rest on; each bootstrap refit uses a
    resample of that many rows (default: the rows with an offer). ``rules``: a RuleSet whose version
    is recorded. Protected attributes are features only with ``allow_protected=True``.
    ``progress``: called with a short Danish/English line at each stage (the CLI prints it on a terminal).

    >>> from recommender.synth import generate_cohort
    >>> cohort = generate_cohort(400, seed=1)
    >>> model = train(cohort, n_bootstrap=5)
    >>> model.manifest["n_left_out"] == cohort.n_rows - cohort.n_with_offer
    True
    >>> model.predict_offers(cohort.frame.head(3)).proba.shape
    (3, 4, 4)
    """
    from threadpoolctl import threadpool_limits

    from recommender.cohort import read_cohort

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise RecommenderError(f"seed (--seed): expected a whole number 0–{2**32 - 1:,} / et heltal; got "
                               f"{show_value(seed)}")
    cohort = read_cohort(cohort)
    # One thread: on a shared machine OpenMP/BLAS oversubscription made fits 5-10x slower.
    with threadpool_limits(limits=1):
        return _train(cohort, seed=seed, allow_protected=allow_protected,
                      evidence_size=evidence_size, n_bootstrap=n_bootstrap, rules=rules,
                      support_threshold=support_threshold, progress=progress or (lambda _: None))


def _train(cohort, *, seed, allow_protected, evidence_size, n_bootstrap, rules, support_threshold,
           progress) -> OutcomeModel:
    frame = cohort.frame
    has_offer = frame["offer"].notna().to_numpy()
    n_with_offer = int(has_offer.sum())
    data = frame.loc[has_offer].reset_index(drop=True)
    y = data["outcome"].astype(str).to_numpy()
    if n_with_offer < 20 or len(np.unique(y)) < 2:
        raise CohortError(f"too few rows with an offer to train on: {n_with_offer} rows, "
                          f"{len(np.unique(y))} outcomes (need at least 20 rows and 2 outcomes)")
    if evidence_size is None:
        evidence_size = n_with_offer
    if (isinstance(evidence_size, bool) or not isinstance(evidence_size, (int, np.integer))
            or not 20 <= evidence_size <= n_with_offer):
        # more citizens than had an offer would make the screen claim evidence that never existed
        raise RecommenderError(f"evidence_size (--evidence-size): expected a whole number 20–{n_with_offer:,} "
                               f"(at most the {n_with_offer:,} cases with an offer) / et heltal højst antallet "
                               f"af forløb med tilbud; got {show_value(evidence_size)}")
    schema = build_schema(data, allow_protected=allow_protected)
    X = prepare(data, schema)
    X["offer"] = offer_column(data).to_numpy()
    progress(f"1/4 modelvalg ved krydsvalidering / model selection by cross-validation ({len(y):,} rows)")
    selection = select(X, y, schema, seed=seed)
    progress(f"2/4 tilpasser / fitting {selection.selected}")
    pipeline = candidates(schema, seed)[selection.selected]
    if selection.calibrated:
        estimator = calibrated(pipeline, len(y), seed).fit(X, y)
        fitted = estimator.calibrated_classifiers_[0].estimator
    else:
        estimator = fitted = pipeline.fit(X, y)
    Z = fitted[:-1].transform(X)
    y_fit = np.searchsorted(estimator.classes_, y) if _is_int(fitted[-1].classes_) else y
    boot_clf, boot_C = fitted[-1], None
    if isinstance(boot_clf, LogisticRegression) and evidence_size < n_with_offer / 2:
        boot_C = penalty_at(X, y, schema, int(evidence_size), seed=seed,
                            scale=fitted.named_steps["interact"].scale)
        boot_clf = clone(boot_clf).set_params(C=boot_C)
    progress(f"3/4 usikkerhed / intervals: {n_bootstrap} bootstrap refits")
    boot = bootstrap_refits(boot_clf, Z, y_fit, evidence_size=int(evidence_size),
                            n_bootstrap=n_bootstrap, seed=seed)
    progress("4/4 støtte / support: propensity model")
    propensity = fit_propensity(X.drop(columns="offer"), X["offer"].to_numpy(), schema)
    counts = X["offer"].value_counts()
    evidence = {o: int(round(counts.get(o, 0) / n_with_offer * evidence_size)) for o in OFFER.codes}
    manifest = {
        "schema": schema.to_dict(),
        "training_cohort": {"fingerprint": cohort.fingerprint, "source": cohort.source},
        "n_rows": cohort.n_rows, "n_with_offer": n_with_offer,
        "n_left_out": cohort.n_rows - n_with_offer, "evidence_size": int(evidence_size),
        "n_bootstrap": n_bootstrap, "bootstrap_C": boot_C, "interval_level": INTERVAL_LEVEL,
        "selection": selection.to_dict(),
        "interaction_scale": (fitted.named_steps["interact"].scale
                              if "interact" in fitted.named_steps else None),
        "seed": seed, "allow_protected": bool(allow_protected),
        "support_threshold": float(support_threshold), "offer_evidence": evidence,
        "baseline": _baseline_values(X, schema),
        "outcome_prior": {k: float(np.mean(y == k)) for k in OUTCOME.codes},
        "rules_version": getattr(rules, "version", None) if rules is not None else None,
        "synthetic": str(cohort.source).startswith("<synth"),
        "libraries": _library_versions(),
        "package": package_stamp(),
    }
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest()
    manifest["version"] = f"om-{digest[:12]}"
    manifest["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return OutcomeModel(estimator=estimator, boot=boot, propensity=propensity, manifest=manifest)


def save_model(model: OutcomeModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` atomically (a failed write leaves an existing file untouched)."""
    from recommender.modelling.persist import write_model
    return write_model(model, path)


def load_model(path: str | Path | None = None) -> OutcomeModel:
    """Load a model file (checked before anything is deserialised), or the built-in default (None)."""
    if path is None:
        from recommender.modelling.default import default_model
        return default_model()
    from recommender.modelling.persist import read_model
    return read_model(path)
