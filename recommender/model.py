"""The outcome model: P(outcome | citizen, offer) with intervals and support (spec §7, §10, §12).

``train(cohort)`` selects a model by cross-validated log loss among logistic regressions with
offer × citizen interactions (several penalties) and a regularised gradient-boosted classifier,
calibrates it when that helps, refits it on bootstrap resamples of the real evidence size for the
intervals, and fits a propensity model for the support flag. ``OutcomeModel.predict_offers`` scores
many citizens at once; ``predict_citizen`` scores one through an exact fast path when the selected
model is linear; ``explain`` names the main inputs behind an estimate. ``save_model`` and
``load_model`` persist it in a file that cannot run code when loaded (see
:mod:`recommender.modelling.persist`).

Estimates are associations learnt from earlier citizens, not causal effects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recommender.citizen import Citizen
from recommender.errors import ModelFileError, RecommenderError, show_value
from recommender.modelling.estimates import Assessment, OfferEstimates, Reason
from recommender.modelling.fitted import FittedObjects, reorder
from recommender.modelling.lean_blend import BlendTables, BlendVector
from recommender.modelling.linear import CitizenVector, LinearTables, softmax
from recommender.modelling.manifest import ModelManifest
from recommender.modelling.persist import ModelFile, load_objects, read_model_file, write_model_file
from recommender.modelling.scorers import BlendScorer, CitizenScores, LinearScorer, PipelineScorer, Scorer
from recommender.modelling.uncertainty import centred_interval
from recommender.typology import RuleSet, load_rules
from recommender.vocab import FIELDS, LABOUR_FORCE_OUTCOMES, OFFER, OUTCOME

if TYPE_CHECKING:
    import pandas as pd

    from recommender.cohort import Cohort

__all__ = ["OfferEstimates", "OutcomeModel", "Reason", "load_model", "save_model", "train", "weights_vector"]

SUPPORT_THRESHOLD = 0.10
N_BOOTSTRAP = 40
_LF = [OUTCOME.codes.index(c) for c in LABOUR_FORCE_OUTCOMES]
_OTHER = OUTCOME.codes.index("other")


def weights_vector(weights: Mapping[str, float] | RuleSet | None) -> np.ndarray:
    """The outcome weights as a vector in ``OUTCOME.codes`` order; ``None``: the packaged rules'."""
    if weights is None:
        weights = load_rules()
    if hasattr(weights, "outcome_weights"):
        weights = weights.outcome_weights  # a RuleSet
    missing = [k for k in OUTCOME.codes if k not in weights]
    if missing:
        raise RecommenderError(
            f"weights: expected a weight for each outcome {list(OUTCOME.codes)}; missing {missing}"
        )
    return np.array([float(weights[k]) for k in OUTCOME.codes])


class OutcomeModel:
    """A trained outcome model. Build it with :func:`train` or :func:`load_model` (or the factories
    :meth:`from_fitted` and :meth:`from_file`).

    Attributes: ``manifest`` (:class:`~recommender.modelling.manifest.ModelManifest`: schema,
    training cohort, candidates' CV metrics, selection, library versions, …), ``version`` (str),
    ``schema`` (FeatureSchema), ``is_linear`` (a linear model), ``is_lean`` (exact numpy serving
    tables: linear or blend), ``vector`` and ``tables`` (those tables; ``None`` when the model is not
    linear), and, loaded from the file only when first used, the scikit-learn objects ``estimator``,
    ``boot``, ``propensity``.
    """

    def __init__(
        self,
        manifest: ModelManifest,
        serving: tuple[CitizenVector, LinearTables] | tuple[BlendVector, BlendTables] | None,
        fitted: FittedObjects | Callable[[], FittedObjects],
    ) -> None:
        self.manifest = manifest
        self.schema = manifest.schema
        self._fitted = fitted if isinstance(fitted, FittedObjects) else None
        self._load_fitted = None if isinstance(fitted, FittedObjects) else fitted
        self._lock = threading.Lock()
        self.scorer: Scorer = _scorer(serving, self._sk, manifest.schema)
        self.threshold = manifest.support_threshold
        self.level = manifest.interval_level
        self._evidence = np.array([manifest.offer_evidence[o] for o in OFFER.codes], dtype=int)
        self._baseline: dict[str, object] = dict(manifest.baseline)

    @classmethod
    def from_fitted(
        cls,
        estimator: Any,
        boot: Sequence[Any],
        propensity: Any,
        manifest: ModelManifest,
        *,
        serving_tables: bool = True,
    ) -> OutcomeModel:
        """From fitted scikit-learn objects; a linear model or a blend gets its exact serving tables
        (``serving_tables=False`` keeps every prediction on the scikit-learn pipeline, to compare)."""
        fitted = FittedObjects(estimator, boot, propensity)
        serving = fitted.serving(manifest.schema) if serving_tables and fitted.lean else None
        return cls(manifest, serving, fitted)

    @classmethod
    def from_file(cls, file: ModelFile) -> OutcomeModel:
        """From a checked model file: the serving tables now, the scikit-learn objects on first use."""
        serving: tuple[Any, Any] | None = None
        if file.tables is not None:
            try:
                vector: CitizenVector | BlendVector
                tables: LinearTables | BlendTables
                if "blend_beta" in file.tables:
                    vector, tables = BlendTables.from_arrays(
                        file.manifest.schema,
                        file.tables,
                        n_offers=len(OFFER.codes),
                        n_outcomes=len(OUTCOME.codes),
                    )
                else:
                    vector = CitizenVector.from_arrays(file.manifest.schema, file.tables)
                    tables = LinearTables.from_arrays(
                        file.tables, p=vector.width, n_offers=len(OFFER.codes), n_outcomes=len(OUTCOME.codes)
                    )
            except (KeyError, ValueError) as exc:
                raise ModelFileError(
                    f"serving tables refused ({type(exc).__name__}: {str(exc)[:200]})", path=file.path
                ) from None
            if tables.n_draws != file.manifest.n_bootstrap:
                raise ModelFileError(
                    f"serving tables refused: {tables.n_draws} bootstrap draws, the "
                    f"manifest says {file.manifest.n_bootstrap}",
                    path=file.path,
                )
            serving = (vector, tables)

        def load() -> FittedObjects:
            objects = load_objects(file.payload, file.path)
            try:
                return FittedObjects(objects["estimator"], objects["boot"], objects["propensity"])
            except Exception as exc:  # a payload of the wrong objects: refuse it, do not crash later
                raise ModelFileError(
                    f"payload refused ({type(exc).__name__}: {str(exc)[:200]})", path=file.path
                ) from None

        return cls(file.manifest, serving, load)

    def _sk(self) -> FittedObjects:
        """The scikit-learn objects, deserialised on first use (thread-safe)."""
        with self._lock:
            if self._fitted is None:
                assert self._load_fitted is not None
                self._fitted = self._load_fitted()
            return self._fitted

    @property
    def estimator(self) -> Any:
        """The scikit-learn estimator giving the point estimates."""
        return self._sk().estimator

    @property
    def boot(self) -> list:
        """The bootstrap refits of the final classifier (empty for a blend read from a file: its
        draws are in the serving tables, see :func:`save_model`)."""
        return self._sk().boot

    @property
    def pipeline(self) -> Any:
        """The fitted scikit-learn pipeline (encoding steps, then the classifier) inside ``estimator``
        (the same object when the model is not calibrated)."""
        return self._sk().pipeline

    @property
    def propensity(self) -> Any:
        """The propensity model P(offer | citizen) (a scikit-learn pipeline)."""
        return self._sk().propensity

    @property
    def vector(self) -> CitizenVector | BlendVector | None:
        """The encoder of the serving tables (``None`` when served by the pipeline)."""
        return getattr(self.scorer, "vector", None)

    @property
    def tables(self) -> LinearTables | BlendTables | None:
        """The exact serving tables (``None`` when served by the pipeline)."""
        return getattr(self.scorer, "tables", None)

    @property
    def is_linear(self) -> bool:
        return isinstance(self.scorer, LinearScorer)

    @property
    def is_lean(self) -> bool:
        """Whether one citizen is served from exact numpy tables (a linear model or a blend),
        without scikit-learn or pandas."""
        return self.scorer.lean

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def summary(self) -> dict[str, object]:
        """The training summary: sizes, rows left out, candidates' CV log loss, the selection."""
        m = self.manifest
        return {
            "n_rows": m.n_rows,
            "n_with_offer": m.n_with_offer,
            "n_left_out": m.n_left_out,
            "evidence_size": m.evidence_size,
            "selection": dict(m.selection),
        }

    def serving_arrays(self) -> dict[str, np.ndarray] | None:
        """The serving tables as plain arrays (what a model file stores), ``None`` if not lean."""
        arrays = getattr(self.scorer, "arrays", None)
        return arrays() if arrays is not None else None

    def __repr__(self) -> str:
        m = self.manifest
        return (
            f"OutcomeModel(version={self.version!r}, selected={m.selected!r}, "
            f"calibrated={m.calibrated}, n_with_offer={m.n_with_offer}, "
            f"evidence_size={m.evidence_size}, allow_protected={m.allow_protected})"
        )

    # ------------------------------------------------------------------ batch path
    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """(n, 4) P(outcome | citizen, offer) for rows that carry their ``offer`` (point estimate,
        outcomes in ``OUTCOME.codes`` order), e.g. to evaluate the model on a closed cohort."""
        from recommender.modelling.features import offer_column, prepare

        sk = self._sk()
        X = prepare(frame, self.schema)
        X["offer"] = offer_column(frame).to_numpy()
        p = softmax(sk.beta * np.asarray(sk.clf.decision_function(sk.encode.transform(X))))
        return reorder(p, sk.perm)

    def predict_offers(
        self,
        frame: pd.DataFrame,
        weights: Mapping[str, float] | RuleSet | None = None,
        *,
        intervals: bool = True,
    ) -> OfferEstimates:
        """Estimates for every citizen (row of ``frame``) under each of the four offers.

        ``frame``: intake fields as codes (as in ``Cohort.frame``; ``offer``/``outcome`` ignored).
        ``weights``: outcome code → weight for the score (spec §7), or a RuleSet; default the
        packaged rules' weights. ``intervals=False`` skips the bootstrap draws (for scoring many
        citizens): ``proba_low``, ``proba_high``, ``score_low`` and ``score_high`` are then NaN (not
        computed), everything else is identical. Bad values raise
        :class:`~recommender.errors.InvalidCitizenError` naming field and value.
        """
        from recommender.modelling.features import prepare

        w = weights_vector(weights)
        rows = self.scorer.rows(prepare(frame, self.schema))
        if intervals:
            allp = self.scorer.draws(rows)
            point, draws = allp[0], allp[1:]
        else:
            point, draws = self.scorer.point(rows), None
        return self._estimates(point, draws, self.scorer.propensity(rows), w)

    def predict_batch(
        self, frame: pd.DataFrame, weights: Mapping[str, float] | RuleSet | None = None, *, block: int = 5_000
    ) -> tuple[OfferEstimates, np.ndarray]:
        """:meth:`predict_offers` without intervals and :meth:`score_draws` of the same frame in one
        pass (each block of ``block`` citizens encoded once, its draws computed once): what batch
        scoring needs for the scores, probabilities, support and ``p_best``."""
        from recommender.modelling.features import prepare

        w = weights_vector(weights)
        X = prepare(frame, self.schema)
        n, n_off = len(X), len(OFFER.codes)
        point = np.empty((n, n_off, len(OUTCOME.codes)))
        prop = np.empty((n, n_off))
        scores: np.ndarray | None = None
        for start in range(0, n, block):
            rows = self.scorer.rows(X.iloc[start : start + block])
            allp = self.scorer.draws(rows)
            if scores is None:
                scores = np.empty((len(allp) - 1, n, n_off))
            point[start : start + block] = allp[0]
            scores[:, start : start + block] = allp[1:] @ w
            prop[start : start + block] = self.scorer.propensity(rows)
        if scores is None:
            scores = np.empty((self.manifest.n_bootstrap, 0, n_off))
        return self._estimates(point, None, prop, w), scores

    def point_scores(
        self, frame: pd.DataFrame, weights: Mapping[str, float] | RuleSet | None = None
    ) -> np.ndarray:
        """(n, offers) the point model's expected value Σ weight·P of each offer for each row of
        ``frame`` (as in :meth:`predict_offers`), without the draws or the propensity: what an input
        variant needs (e.g. a field set to its baseline, :mod:`recommender.recommending.sparse`)."""
        from recommender.modelling.features import prepare

        return self.scorer.point(self.scorer.rows(prepare(frame, self.schema))) @ weights_vector(weights)

    def _estimates(
        self, point: np.ndarray, draws: np.ndarray | None, prop: np.ndarray, w: np.ndarray
    ) -> OfferEstimates:
        score = point @ w
        if draws is None:
            p_lo = p_hi = np.full_like(point, np.nan)
            s_lo = s_hi = np.full_like(score, np.nan)
        else:
            p_lo, p_hi = centred_interval(point, draws, level=self.level)
            s_lo, s_hi = centred_interval(score, draws @ w, high=float(w.max()), level=self.level)
        support = np.where(prop < self.threshold, "low", "ok")
        return OfferEstimates(
            point, p_lo, p_hi, score, s_lo, s_hi, prop, support, self._evidence.copy(), self.level
        )

    # ------------------------------------------------------------------ one citizen
    def _citizen(
        self, citizen: Citizen | Mapping[str, object], variants: bool
    ) -> tuple[dict, list[str], CitizenScores]:
        """The citizen's record, the fields not at their baseline (when ``variants``) and the
        scorer's figures for the record and one variant per such field (that field at its
        baseline), all from one encoding and one evaluation."""
        if not isinstance(citizen, Citizen):
            citizen = Citizen.from_dict(citizen)
        record = citizen.to_dict()
        names = [
            n
            for n in self.schema.fields
            if variants
            and self.scorer.canonical(n, record.get(n)) != self.scorer.canonical(n, self._baseline[n])
        ]
        rows = self.scorer.citizen_rows(record, [(n, self._baseline[n]) for n in names])
        return record, names, self.scorer.citizen(rows)

    def citizen_draws(self, citizen: Citizen | Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
        """One citizen's point probabilities (offers, outcomes) and the bootstrap refits'
        probabilities (B, offers, outcomes), offers in ``OFFER.codes`` and outcomes in
        ``OUTCOME.codes`` order: the draws the intervals are computed from (e.g. for the chance that
        an offer is the best). Served from the tables, without scikit-learn, for a linear model or a blend."""
        draws = self._citizen(citizen, False)[2].draws
        return draws[0], draws[1:]

    def predict_citizen(
        self, citizen: Citizen | Mapping[str, object], weights: Mapping[str, float] | RuleSet | None = None
    ) -> OfferEstimates:
        """Estimates for one validated citizen (n = 1); exact fast path for a linear model or a blend."""
        return self._citizen_estimates(self._citizen(citizen, False)[2], weights_vector(weights))

    def _citizen_estimates(self, scores: CitizenScores, w: np.ndarray) -> OfferEstimates:
        return self._estimates(scores.points[:1], scores.draws[1:, None], scores.propensity[None], w)

    def assess(
        self,
        citizen: Citizen | Mapping[str, object],
        weights: Mapping[str, float] | RuleSet | None = None,
        top: int = 3,
    ) -> Assessment:
        """:meth:`predict_citizen`, :meth:`score_draws` and :meth:`explain_offers` of one citizen at
        once, from one encoding and one evaluation of the citizen and its input variants (what
        ``recommend()`` needs)."""
        w = weights_vector(weights)
        record, names, scores = self._citizen(citizen, True)
        reasons = {
            o: self._reasons(record, names, scores.points[:, j], w, top) for j, o in enumerate(OFFER.codes)
        }
        score = scores.points @ w  # (1 + variants, offers): the record, then one variant per field
        deltas = {name: score[0] - score[i] for i, name in enumerate(names, start=1)}
        return Assessment(self._citizen_estimates(scores, w), scores.draws[1:, None] @ w, reasons, deltas)

    def score_draws(
        self,
        citizens: Citizen | Mapping[str, object] | pd.DataFrame,
        weights: Mapping[str, float] | RuleSet | None = None,
        *,
        block: int = 5_000,
    ) -> np.ndarray:
        """(B, n, offers) expected value Σ weight·P of each offer under each bootstrap refit: for one
        citizen (n = 1, through :meth:`citizen_draws`, without scikit-learn for a linear model or a
        blend) or a frame of citizens (as in :meth:`predict_offers`, ``block`` rows at a time to keep
        memory flat).
        These are the draws behind the score intervals; ``p_best`` is computed from them."""
        if isinstance(citizens, (Citizen, Mapping)):
            return self.citizen_draws(citizens)[1][:, None] @ weights_vector(weights)
        return self.predict_batch(citizens, weights, block=block)[1]

    def explain(
        self,
        citizen: Citizen | Mapping[str, object],
        offer: str,
        top: int = 3,
        weights: Mapping[str, float] | RuleSet | None = None,
    ) -> tuple[Reason, ...]:
        """The ``top`` inputs that move ``offer``'s score most for this citizen, largest first.

        Each input's effect is exact: the score (and the labour-force log-odds) with the citizen's
        value minus the same with that field at its baseline value, all else unchanged.
        """
        if offer not in OFFER.codes:
            raise RecommenderError(f"offer: expected one of / en af: {OFFER.describe()}; got {offer!r}")
        record, names, scores = self._citizen(citizen, True)
        return self._reasons(
            record, names, scores.points[:, OFFER.codes.index(offer)], weights_vector(weights), top
        )

    def explain_offers(
        self,
        citizen: Citizen | Mapping[str, object],
        top: int = 3,
        weights: Mapping[str, float] | RuleSet | None = None,
    ) -> dict[str, tuple[Reason, ...]]:
        """:meth:`explain` for all four offers at once (one encoding of the variants), by offer code."""
        return self.assess(citizen, weights, top).reasons

    def _reasons(
        self, record: dict, names: list[str], p: np.ndarray, w: np.ndarray, top: int
    ) -> tuple[Reason, ...]:
        score = p @ w
        lf = np.log(p[:, _LF].sum(axis=1) + 1e-12) - np.log(p[:, _OTHER] + 1e-12)
        reasons = []
        for i, name in enumerate(names, start=1):
            size = float(score[0] - score[i])
            reasons.append(
                Reason(
                    name,
                    record.get(name),
                    self._baseline[name],
                    FIELDS[name].da,
                    FIELDS[name].en,
                    "+" if size >= 0 else "-",
                    abs(size),
                    float(lf[0] - lf[i]),
                )
            )
        reasons.sort(key=lambda r: -r.size)
        return tuple(reasons[:top])


def _scorer(serving: tuple[Any, Any] | None, fitted: Callable[[], FittedObjects], schema: Any) -> Scorer:
    """The scorer of a model's family: its exact tables when it has them, else its pipeline."""
    if serving is None:
        return PipelineScorer(fitted, schema)
    vector, tables = serving
    if isinstance(tables, BlendTables):
        return BlendScorer(vector, tables)
    return LinearScorer(vector, tables)


def train(
    cohort: Cohort | str | Path | pd.DataFrame,
    *,
    seed: int = 0,
    allow_protected: bool = False,
    evidence_size: int | None = None,
    n_bootstrap: int = N_BOOTSTRAP,
    rules: RuleSet | None = None,
    support_threshold: float = SUPPORT_THRESHOLD,
    n_jobs: int | None = 1,
    progress: Callable[[str], None] | None = None,
) -> OutcomeModel:
    """Train the outcome model on a cohort (a ``Cohort``, a CSV path or a DataFrame of codes).

    Rows without a registered offer are left out (counted in ``manifest.n_left_out``).
    ``evidence_size``: how many citizens the estimates really rest on; each bootstrap refit uses a
    resample of that many rows (default: the rows with an offer). ``rules``: a RuleSet whose version
    is recorded. Protected attributes are features only with ``allow_protected=True``. ``n_jobs``:
    processes for the bootstrap refits (``-1`` every core); the model is the same for any value.
    The settings are checked before anything is fitted, as loading checks them: a model that trains
    also saves and loads. ``progress``: called with a short Danish/English line at each stage (the
    command line prints it when stderr is a terminal).

    >>> from recommender.synth import generate_cohort
    >>> cohort = generate_cohort(400, seed=1)
    >>> model = train(cohort, n_bootstrap=5)
    >>> model.manifest.n_left_out == cohort.n_rows - cohort.n_with_offer
    True
    >>> model.predict_offers(cohort.frame.head(3)).proba.shape
    (3, 4, 4)
    """
    from threadpoolctl import threadpool_limits

    from recommender.cohort import read_cohort
    from recommender.modelling.training import fit

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise RecommenderError(
            f"seed (--seed): expected a whole number 0–{2**32 - 1:,} / et heltal; got {show_value(seed)}"
        )
    cohort = read_cohort(cohort)
    # One thread: on a shared machine OpenMP/BLAS oversubscription made fits 5-10x slower.
    with threadpool_limits(limits=1):
        parts = fit(
            cohort,
            seed=seed,
            allow_protected=allow_protected,
            evidence_size=evidence_size,
            n_bootstrap=n_bootstrap,
            support_threshold=support_threshold,
            n_jobs=n_jobs,
            rules_version=rules.version if rules is not None else None,
            weights=weights_vector(rules),
            progress=progress or (lambda _: None),
        )
    return OutcomeModel.from_fitted(parts.estimator, parts.boot, parts.propensity, parts.manifest)


def save_model(model: OutcomeModel, path: str | Path, *, inputs: tuple = ()) -> Path:
    """Write ``model`` to ``path`` atomically (a failed write leaves an existing file untouched):
    the manifest, the exact serving tables and the scikit-learn objects (see
    :mod:`recommender.modelling.persist`). ``path`` must be a new path or a regular file that is none
    of ``inputs`` (:func:`recommender.files.check_output`)."""
    # A blend's bootstrap draws are served from its tables (exact, checked when loaded); pickling
    # its ~40 refits as well made the file 4 times larger and the save about 50 times slower.
    boot = [] if isinstance(model.scorer, BlendScorer) else list(model.boot)
    objects = {"estimator": model.estimator, "boot": boot, "propensity": model.propensity}
    return write_model_file(path, model.manifest, model.serving_arrays(), objects, inputs=inputs)


def load_model(path: str | Path | None = None) -> OutcomeModel:
    """Load a model file (checked before anything is deserialised), or the built-in default (None).

    The built-in default comes from the provider the package front wires
    (:func:`recommender.process_cache.provided`: :func:`recommender.modelling.default.default_model`),
    so this module and ``modelling.default``, which builds it with ``train``, never import each other.
    Serving a recommendation from the loaded model needs neither scikit-learn nor pandas when the
    model is linear; its scikit-learn objects are deserialised when first needed.
    """
    if path is None:
        from recommender.process_cache import provided

        return provided("default_model")  # type: ignore[return-value]
    return OutcomeModel.from_file(read_model_file(path))
