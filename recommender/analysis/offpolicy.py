"""Off-policy value: what following the recommendations would have achieved, from what advisers did.

``offpolicy_value(cohort, recommended)`` estimates, on a cohort of closed cases, the mean value of a
case's closure (value = the §7 weight of its outcome: job 1, education 0.8, active 0.4, other 0) had
every citizen received the recommended offer, and compares it with the value advisers actually
achieved (the observed mean). Two estimators:

* **IPW** (inverse propensity weighting, self-normalised): the cases whose adviser happened to give
  the recommended offer stand in for everyone, each weighted by 1 / P(that offer | citizen);
* **DR** (doubly robust, augmented IPW): an outcome model's prediction of the value under the
  recommended offer for every case, corrected by the weighted residuals of the cases that got it.
  Consistent when *either* the propensity model or the outcome model is right.

Both nuisance models are **cross-fitted** (``n_folds`` folds: each case is predicted by models fitted
without it): the propensity P(offer | intake) by multinomial logistic regression, the outcome
P(outcome | intake, offer) by the project's linear model with offer × citizen interactions. An
already trained :class:`~recommender.model.OutcomeModel` may be given as the outcome model instead
(then it should not have been trained on this cohort). Weights are capped by ``min_propensity``
(a propensity below it counts as ``min_propensity``); the share of capped weights is reported.
Intervals are percentile bootstrap intervals over cases (the nuisance predictions held fixed).

**Assumptions** (the estimate means nothing without them; it is an estimate from observational
data, not a trial):

1. *No unmeasured confounding*: the intake record holds everything that drove both the adviser's
   choice of offer and the outcome. An adviser who saw something the record does not show (health,
   motivation in the conversation) breaks this, and no diagnostic here can detect it.
2. *Positivity / overlap*: every citizen could have received the recommended offer (propensity
   clearly above 0). This is checked: the propensity of the recommended offer (minimum, 5th
   percentile, maximum), the share of cases where the adviser gave it, the effective sample size of
   the weights and the share of capped weights. When overlap is too poor (effective sample size
   under ``min_ess`` or under 5 % of the cases, or fewer than ``min_followed`` cases that received
   the recommended offer) the result has ``status == "poor_overlap"`` and no estimate:
   "overlap for ringe til at sige noget".
3. *No interference*: one citizen's offer does not change another's outcome (no crowding out).
4. *Consistency*: "received the offer" means the same thing in every case and in the
   recommendation.
5. For DR, at least one of the two nuisance models is correctly specified.

>>> from recommender.analysis.offpolicy import OffPolicyResult
>>> OffPolicyResult.__name__
'OffPolicyResult'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from recommender.errors import CohortError, FieldProblem, RecommenderError, did_you_mean
from recommender.vocab import OFFER, OUTCOME

__all__ = ["ASSUMPTIONS_DA", "OffPolicyError", "OffPolicyResult", "Overlap", "offpolicy_value"]

ASSUMPTIONS_DA = (
    "Et skøn ud fra observerede data, ikke et forsøg. Det forudsætter, at indskrivningsoplysningerne "
    "rummer alt, hvad der påvirkede både rådgiverens valg af tilbud og afslutningen (ingen skjulte "
    "forskelle), at alle borgere kunne have fået det anbefalede tilbud (overlap), og at én borgers "
    "tilbud ikke påvirker en andens afslutning."
)
_OUTCOME_MODEL = (0.3, 0.3)  # interaction scale and C of the cross-fitted linear outcome model (a candidate)


class OffPolicyError(RecommenderError):
    """Bad input to :func:`offpolicy_value` (recommendations that do not fit the cohort, bad options)."""


@dataclass(frozen=True)
class Overlap:
    """How well the cases the advisers handled cover the recommended policy."""

    propensity_min: float
    propensity_p05: float
    propensity_max: float
    share_followed: float
    n_followed: int
    effective_sample_size: float
    share_clipped: float
    min_propensity: float


@dataclass(frozen=True)
class OffPolicyResult:
    """Estimates (``None`` when overlap is too poor), intervals (low, high) and diagnostics."""

    status: str  # "ok" or "poor_overlap"
    message_da: str
    n_cases: int
    n_left_out: int
    level: float
    observed: float
    observed_interval: tuple[float, float]
    ipw: float | None
    ipw_interval: tuple[float, float] | None
    dr: float | None
    dr_interval: tuple[float, float] | None
    difference: float | None  # DR − observed
    difference_interval: tuple[float, float] | None
    overlap: Overlap
    outcome_model: str
    weights: dict[str, float]
    assumptions_da: str = ASSUMPTIONS_DA

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """A few Danish/English lines for the terminal or a report."""
        o = self.overlap
        pct = int(round(self.level * 100))

        def show(x: float | None, iv: tuple[float, float] | None) -> str:
            return "–" if x is None or iv is None else f"{x:.3f} [{iv[0]:.3f}; {iv[1]:.3f}]"

        lines = [
            f"Off-policy-skøn / off-policy estimate på {self.n_cases} forløb ({pct} %-intervaller)",
            f"  rådgivernes valg / what advisers did (observeret): "
            f"{show(self.observed, self.observed_interval)}",
            f"  følg anbefalingerne / follow the recommendations, IPW: {show(self.ipw, self.ipw_interval)}",
            f"  følg anbefalingerne / follow the recommendations, DR:  {show(self.dr, self.dr_interval)}",
            f"  forskel / difference DR − observeret: {show(self.difference, self.difference_interval)}",
            f"  overlap: propensity {o.propensity_min:.3f}–{o.propensity_max:.3f} (5 %: "
            f"{o.propensity_p05:.3f}); fulgt i / followed in {100 * o.share_followed:.1f} % "
            f"({o.n_followed}); effektiv stikprøve / ESS {o.effective_sample_size:.0f}; "
            f"afskårne vægte / clipped {100 * o.share_clipped:.1f} %",
            f"  {self.message_da}",
        ]
        return "\n".join(lines)


def _value_weights(weights: Mapping[str, float] | Any | None) -> np.ndarray:
    from recommender.model import weights_vector

    return weights_vector(weights)


def _recommended_index(recommended: Any, n_rows: int) -> np.ndarray:
    """Each row's recommended offer as an index into ``OFFER.codes`` (-1: none recommended)."""
    values = list(recommended.to_numpy(dtype=object) if isinstance(recommended, pd.Series) else recommended)
    if len(values) != n_rows:
        raise OffPolicyError(f"recommended: expected one offer per cohort row ({n_rows}); got {len(values)}")
    out = np.full(n_rows, -1, dtype=int)
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and value != value) or value == "":
            continue
        if value not in OFFER.codes:
            problem = FieldProblem(
                "recommended",
                value,
                f"one of / en af: {OFFER.describe()} or empty",
                "anbefalet tilbud",
                OFFER.codes,
                did_you_mean(str(value), OFFER.codes),
            )
            raise OffPolicyError(f"række/row {i}: {problem.message()}")
        out[i] = OFFER.codes.index(value)
    return out


def _cross_fit(
    frame: pd.DataFrame,
    X: pd.DataFrame,
    offers: np.ndarray,
    outcomes: np.ndarray,
    w: np.ndarray,
    *,
    model: Any,
    n_folds: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold propensities (n, offers) and values under each offer (n, offers)."""
    from recommender.modelling.candidates import candidates, logit_name
    from recommender.modelling.features import build_schema
    from recommender.modelling.uncertainty import fit_propensity

    schema = build_schema()
    n, k = len(X), len(OFFER.codes)
    prop, mu = np.zeros((n, k)), np.zeros((n, k))
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for train, test in folds.split(X, offers):
        p = fit_propensity(X.iloc[train], offers[train], schema)
        classes = list(p[-1].classes_)
        got = p.predict_proba(X.iloc[test])
        for j, offer in enumerate(OFFER.codes):
            prop[test, j] = got[:, classes.index(offer)] if offer in classes else 0.0
        if model is None:  # the outcome model, fitted on the same folds
            outcome = candidates(schema, seed)[logit_name(*_OUTCOME_MODEL)]
            Xo = X.iloc[train].assign(offer=offers[train])
            outcome.fit(Xo, outcomes[train])
            labels = list(outcome.classes_)
            order = [labels.index(c) if c in labels else None for c in OUTCOME.codes]
            for j, offer in enumerate(OFFER.codes):
                q = outcome.predict_proba(X.iloc[test].assign(offer=offer))
                full = np.column_stack([q[:, c] if c is not None else np.zeros(len(test)) for c in order])
                mu[test, j] = full @ w
    if model is not None:
        mu = model.predict_offers(frame, dict(zip(OUTCOME.codes, w)), intervals=False).score
    return prop, mu


def _interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    a = (1 - level) / 2
    return float(np.quantile(draws, a)), float(np.quantile(draws, 1 - a))


def offpolicy_value(
    cohort: Any,
    recommended: Sequence[str | None] | pd.Series,
    *,
    weights: Mapping[str, float] | Any | None = None,
    model: Any = None,
    n_folds: int = 5,
    min_propensity: float = 0.02,
    n_bootstrap: int = 500,
    level: float = 0.95,
    min_ess: float = 30.0,
    min_followed: int = 20,
    seed: int = 0,
) -> OffPolicyResult:
    """Estimate the value of giving every citizen ``recommended[i]`` instead of what advisers gave.

    ``cohort``: a Cohort, CSV path or frame of closed cases (intake fields, ``offer``, ``outcome``).
    ``recommended``: the recommended top offer per cohort row (codes; empty/None where nothing was
    recommended — such rows are left out, like rows without a registered offer). ``weights``: the
    value of each outcome (default §7 weights, or a RuleSet's). ``model``: a trained OutcomeModel
    to use as the outcome model instead of the cross-fitted one. See the module docstring for the
    estimators, the overlap rule and the assumptions.
    """
    from recommender.cohort import read_cohort
    from recommender.modelling.features import build_schema, prepare

    if not isinstance(n_folds, int) or n_folds < 2:
        raise OffPolicyError(f"n_folds: expected a whole number ≥ 2; got {n_folds!r}")
    if not 0 < min_propensity < 1:
        raise OffPolicyError(f"min_propensity: expected a number in (0, 1); got {min_propensity!r}")
    if not isinstance(n_bootstrap, int) or n_bootstrap < 50:
        raise OffPolicyError(f"n_bootstrap: expected a whole number ≥ 50; got {n_bootstrap!r}")
    if not 0.5 <= level < 1:
        raise OffPolicyError(f"level: expected a number in [0.5, 1); got {level!r}")
    cohort = read_cohort(cohort)
    target = _recommended_index(recommended, cohort.n_rows)
    w = _value_weights(weights)
    keep = cohort.frame["offer"].notna().to_numpy() & (target >= 0)
    frame = cohort.frame[keep].reset_index(drop=True)
    target = target[keep]
    n = len(frame)
    if n < 2 * n_folds or frame["offer"].nunique() < 2:
        raise CohortError(
            f"off-policy: expected at least {2 * n_folds} cases with a registered offer and "
            f"a recommendation, and at least two different offers given; got {n} cases"
        )
    offers = frame["offer"].astype(str).to_numpy()
    outcomes = frame["outcome"].astype(str).to_numpy()
    given = np.array([OFFER.codes.index(o) for o in offers])
    value = np.array([w[OUTCOME.codes.index(o)] for o in outcomes])
    X = prepare(frame, build_schema())
    prop, mu = _cross_fit(frame, X, offers, outcomes, w, model=model, n_folds=n_folds, seed=seed)

    rows = np.arange(n)
    e = prop[rows, target]
    followed = given == target
    e_capped = np.maximum(e, min_propensity)
    ipw_w = np.where(followed, 1.0 / e_capped, 0.0)
    ess = float(ipw_w.sum() ** 2 / (ipw_w**2).sum()) if followed.any() else 0.0
    overlap = Overlap(
        float(e.min()),
        float(np.quantile(e, 0.05)),
        float(e.max()),
        float(followed.mean()),
        int(followed.sum()),
        ess,
        float(np.mean(e[followed] < min_propensity)) if followed.any() else 0.0,
        float(min_propensity),
    )
    rng = np.random.default_rng(seed)
    boot = rng.multinomial(n, np.full(n, 1.0 / n), size=n_bootstrap).astype(float)
    observed = float(value.mean())
    observed_iv = _interval(boot @ value / n, level)
    poor = ess < min_ess or ess < 0.05 * n or overlap.n_followed < min_followed
    name = (
        "given OutcomeModel " + model.version
        if model is not None
        else f"cross-fitted logit (scale {_OUTCOME_MODEL[0]}, C {_OUTCOME_MODEL[1]}), {n_folds} folds"
    )
    common = dict(
        n_cases=n,
        n_left_out=cohort.n_rows - n,
        level=level,
        observed=observed,
        observed_interval=observed_iv,
        overlap=overlap,
        outcome_model=name,
        weights=dict(zip(OUTCOME.codes, map(float, w))),
    )
    if poor:
        return OffPolicyResult(
            status="poor_overlap",
            message_da=(
                f"Overlap for ringe til at sige noget / overlap too poor to say anything: "
                f"effektiv stikprøve {ess:.0f} af {n}, {overlap.n_followed} forløb fik det "
                "anbefalede tilbud. Intet skøn."
            ),
            ipw=None,
            ipw_interval=None,
            dr=None,
            dr_interval=None,
            difference=None,
            difference_interval=None,
            **common,
        )
    ipw = float((ipw_w * value).sum() / ipw_w.sum())
    ipw_draws = (boot @ (ipw_w * value)) / np.maximum(boot @ ipw_w, 1e-12)
    m = mu[rows, target]
    dr_terms = m + ipw_w * (value - m)
    dr = float(dr_terms.mean())
    dr_draws = boot @ dr_terms / n
    diff_draws = boot @ (dr_terms - value) / n
    return OffPolicyResult(
        status="ok",
        message_da=(
            "Et skøn ud fra observerede data, ikke et forsøg; se forudsætningerne. / An "
            "estimate from observational data, not a trial."
        ),
        ipw=ipw,
        ipw_interval=_interval(ipw_draws, level),
        dr=dr,
        dr_interval=_interval(dr_draws, level),
        difference=dr - observed,
        difference_interval=_interval(diff_draws, level),
        **common,
    )
