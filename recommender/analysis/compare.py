"""Champion vs challenger on the same closed cases, with paired bootstrap intervals and a verdict.

``compare_models(cohort, champion, challenger)`` scores both models on every case with a registered
offer (each under the offer the citizen actually received, the only estimate an outcome can check)
and reports, for both models and their difference (challenger − champion; lower is better):

* the multiclass log loss and Brier score;
* per outcome the Brier score and the expected calibration error (ECE, 10 equal-width bins, as
  :func:`~recommender.analysis.evaluation.expected_calibration_error`);
* per group of ``gender`` and ``origin`` the labour-force Brier score and mean prediction;
* how often each offer is ranked first (§7 ranking with the rules' guards) over all cases.

Every difference has a paired bootstrap interval: the same resampled cases for both models, so the
interval reflects how much the comparison depends on which cases happened to close. The verdict:

* ``better`` / *bedre*: the log-loss interval lies wholly below 0 and the Brier interval not wholly
  above 0;
* ``worse`` / *dårligere*: the log-loss or the Brier interval lies wholly above 0;
* ``no_certain_difference`` / *ingen sikker forskel*: otherwise.

``promote`` is true only for ``better`` with no group served clearly worse (its labour-force Brier
interval wholly above 0). ``evaluate --against``, ``report --against`` and the model registry's
``compare`` all use this function.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.analysis.evaluation import is_training_cohort
from recommender.errors import CohortError, RecommenderError
from recommender.vocab import GENDER, OFFER, ORIGIN, OUTCOME

__all__ = [
    "Comparison",
    "GroupDifference",
    "MetricDifference",
    "compare_models",
    "mean_interval",
    "per_case_losses",
    "top_offer_shares",
    "weighted_ece",
]

_LF = [OUTCOME.codes.index(c) for c in ("job", "education", "active")]
_GROUPS = (("gender", GENDER), ("origin", ORIGIN))
_VERDICT_DA = {"better": "bedre", "worse": "dårligere", "no_certain_difference": "ingen sikker forskel"}
_CHUNK = 100  # bootstrap resamples held in memory at once


def _bins(p: np.ndarray, bins: int = 10) -> np.ndarray:
    return np.minimum((p * bins).astype(int), bins - 1)


def weighted_ece(y: np.ndarray, p: np.ndarray, weights: np.ndarray, bins: int = 10) -> np.ndarray:
    """ECE (equal-width bins) under each row of case weights (B, n); unit weights give the plain ECE.

    ECE = Σ over bins |Σ w·(y − p)| / Σ w, i.e. the share-weighted |observed − predicted| per bin.

    >>> import numpy as np
    >>> from recommender.analysis.evaluation import expected_calibration_error
    >>> y, p = np.array([1, 0, 1, 1, 0]), np.array([0.9, 0.2, 0.35, 0.6, 0.1])
    >>> bool(np.isclose(weighted_ece(y, p, np.ones((1, 5)))[0], expected_calibration_error(y, p)))
    True
    """
    onehot = np.eye(bins)[_bins(np.asarray(p, float), bins)]
    gaps = weights @ (onehot * (np.asarray(y, float) - np.asarray(p, float))[:, None])
    return np.abs(gaps).sum(axis=1) / weights.sum(axis=1)


@dataclass(frozen=True)
class MetricDifference:
    """One figure for both models, the difference (challenger − champion) and its interval."""

    metric: str
    label_da: str
    champion: float
    challenger: float
    difference: float
    low: float
    high: float

    @property
    def certain(self) -> str:
        """``lower`` / ``higher`` when the interval excludes 0, else ``unclear``."""
        return "lower" if self.high < 0 else "higher" if self.low > 0 else "unclear"


@dataclass(frozen=True)
class GroupDifference:
    """Labour-force figures for one group under both models (Brier: lower is better)."""

    attribute: str
    group: str
    n: int
    observed: float
    champion_predicted: float
    challenger_predicted: float
    champion_brier: float
    challenger_brier: float
    difference: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare_models`; ``to_dict()`` is JSON-ready, ``text()`` an aligned table."""

    champion_version: str
    challenger_version: str
    n_rows: int
    n_evaluated: int
    level: float
    n_bootstrap: int
    metrics: tuple[MetricDifference, ...]
    groups: tuple[GroupDifference, ...]
    top_offer_shares: dict[str, dict[str, float]]
    verdict: str
    promote: bool
    worse_groups: tuple[str, ...]
    in_sample: dict[str, bool]

    @property
    def verdict_da(self) -> str:
        return _VERDICT_DA[self.verdict]

    def metric(self, name: str) -> MetricDifference:
        return next(m for m in self.metrics if m.metric == name)

    def verdict_line(self) -> str:
        """One line: the verdict, the log-loss difference with its interval, promote or not."""
        ll = self.metric("log_loss")
        line = (
            f"Dom / verdict: {self.verdict_da} ({self.verdict}) – log loss {_signed(ll.difference)} "
            f"[{_signed(ll.low)}; {_signed(ll.high)}]"
        )
        if self.worse_groups:
            line += f"; klart dårligere for / clearly worse for: {', '.join(self.worse_groups)}"
        line += "; kan forfremmes / promote" if self.promote else "; forfrem ikke / don't promote"
        return line

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["verdict_da"] = self.verdict_da
        out["verdict_line"] = self.verdict_line()
        return out

    def text(self) -> str:
        """A side-by-side table (Danish/English), the top-offer shares and the verdict line."""
        pct = int(round(self.level * 100))
        head = f"{'':<30}{'i brug/champion':>16}{'ny/challenger':>16}{'forskel/diff':>14}  {pct} %-interval"
        lines = [
            f"Sammenligning / comparison på {self.n_evaluated} forløb med tilbud / cases with an "
            f"offer (af/of {self.n_rows}); {self.n_bootstrap} parrede bootstrap-stikprøver / "
            "paired bootstrap resamples; lavere er bedre / lower is better",
            f"{'model':<30}{self.champion_version:>16}{self.challenger_version:>16}",
            head,
        ]
        for m in self.metrics:
            lines.append(
                f"{m.label_da:<30}{m.champion:>16.4f}{m.challenger:>16.4f}"
                f"{m.difference:>+14.4f}  [{m.low:+.4f}; {m.high:+.4f}]"
            )
        lines.append("Brier i arbejdsstyrken pr. gruppe / labour-force Brier per group:")
        for g in self.groups:
            name = f"  {g.attribute}={g.group} (n={g.n})"
            lines.append(
                f"{name:<30}{g.champion_brier:>16.4f}{g.challenger_brier:>16.4f}"
                f"{g.difference:>+14.4f}  [{g.low:+.4f}; {g.high:+.4f}]"
            )
        lines.append("Rangeret først / ranked first (andel af alle forløb / share of all cases):")
        for offer in OFFER.codes:
            a = self.top_offer_shares["champion"].get(offer, 0.0)
            b = self.top_offer_shares["challenger"].get(offer, 0.0)
            lines.append(
                f"  {OFFER.label(offer):<28}{100 * a:>15.1f}%{100 * b:>15.1f}%{100 * (b - a):>+13.1f}pp"
            )
        for role, flag in self.in_sample.items():
            if flag:
                lines.append(
                    f"Advarsel / warning: kohorten er {role}-modellens træningsdata (in-sample); "
                    "dens tal er for optimistiske"
                )
        lines.append(self.verdict_line())
        return "\n".join(lines)


def _signed(x: float) -> str:
    return f"{x:+.4f}"


def _per_case(proba: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    onehot = np.eye(len(OUTCOME.codes))[y]
    return {
        "log_loss": -np.log(np.clip(proba[np.arange(len(y)), y], 1e-15, 1.0)),
        "brier": ((proba - onehot) ** 2).sum(axis=1),
    }


def top_offer_shares(frame: pd.DataFrame, model: Any, rules: Any) -> dict[str, float]:
    """How often each offer is ranked first (§7 ranking, guards applied) among ``frame``'s citizens;
    citizens for whom every offer is blocked count for none."""
    from recommender.recommending.scoring import score_frame

    top = score_frame(frame, model, rules)["top_offer"].astype(str)
    return {o: float((top == o).mean()) for o in OFFER.codes}


def _interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    a = (1 - level) / 2
    return float(np.quantile(draws, a)), float(np.quantile(draws, 1 - a))


def _resample_weights(n: int, n_bootstrap: int, rng: np.random.Generator):
    """Case weights of ``n_bootstrap`` bootstrap resamples of ``n`` cases, in chunks of rows (B, n)."""
    for start in range(0, n_bootstrap, _CHUNK):
        size = min(_CHUNK, n_bootstrap - start)
        yield rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)


def mean_interval(
    per_case: np.ndarray, *, n_bootstrap: int = 500, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-case values (e.g. each case's log loss).

    >>> lo, hi = mean_interval(np.array([0.0, 1.0] * 50), n_bootstrap=200)
    >>> bool(0.35 < lo < 0.5 < hi < 0.65)
    True
    """
    values = np.asarray(per_case, float)
    rng = np.random.default_rng(seed)
    draws = np.concatenate(
        [w @ values / len(values) for w in _resample_weights(len(values), n_bootstrap, rng)]
    )
    return _interval(draws, level)


def per_case_losses(proba: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Each case's log loss and multiclass Brier score (their means are the metrics)."""
    return _per_case(proba, y)


def compare_models(
    cohort: Any,
    champion: Any,
    challenger: Any,
    *,
    rules: Any = None,
    n_bootstrap: int = 500,
    level: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Compare ``challenger`` with ``champion`` (models or model file paths) on ``cohort``.

    ``cohort``: a Cohort, a CSV path or a frame of closed cases; only cases with a registered offer
    are scored. ``rules``: for the top-offer shares (default: the built-in rules). Raises
    :class:`~recommender.errors.CohortError` when no case has an offer.
    """
    from recommender.cohort import read_cohort
    from recommender.model import OutcomeModel, load_model
    from recommender.typology import load_rules

    if not isinstance(n_bootstrap, int) or n_bootstrap < 50:
        raise RecommenderError(f"n_bootstrap: expected a whole number ≥ 50; got {n_bootstrap!r}")
    if not 0.5 <= level < 1:
        raise RecommenderError(f"level: expected a number in [0.5, 1); got {level!r}")
    cohort = read_cohort(cohort)
    champion = champion if isinstance(champion, OutcomeModel) else load_model(champion)
    challenger = challenger if isinstance(challenger, OutcomeModel) else load_model(challenger)
    rules = load_rules() if rules is None else rules
    frame = cohort.frame[cohort.frame["offer"].notna()].reset_index(drop=True)
    if frame.empty:
        raise CohortError("no rows with a registered offer to compare on / ingen forløb med tilbud")
    n = len(frame)
    y = frame["outcome"].astype(str).map(OUTCOME.codes.index).to_numpy()
    onehot = np.eye(len(OUTCOME.codes))[y]
    probas = {"champion": champion.predict_proba(frame), "challenger": challenger.predict_proba(frame)}
    cases = {r: _per_case(p, y) for r, p in probas.items()}

    # Per-case quantities whose (weighted) mean is the metric; ECE handled separately.
    names = [("log_loss", "log loss"), ("brier", "Brier")]
    names += [(f"brier_{k}", f"Brier {k}") for k in OUTCOME.codes]
    names += [(f"ece_{k}", f"ECE {k}") for k in OUTCOME.codes]
    lf_y = onehot[:, _LF].sum(axis=1)
    group_masks = []
    for attr, _scale in _GROUPS:
        raw = frame[attr] if attr in frame.columns else pd.Series([None] * n)
        labels = raw.astype(object).where(raw.notna(), "unknown").astype(str).to_numpy()
        for g in sorted(set(labels)):
            group_masks.append((attr, g, labels == g))

    def stats(weights: np.ndarray) -> dict[str, np.ndarray]:
        total = weights.sum(axis=1)
        out: dict[str, np.ndarray] = {}
        for role, p in probas.items():
            c = cases[role]
            out[f"{role}:log_loss"] = weights @ c["log_loss"] / total
            out[f"{role}:brier"] = weights @ c["brier"] / total
            for k, code in enumerate(OUTCOME.codes):
                out[f"{role}:brier_{code}"] = weights @ ((p[:, k] - onehot[:, k]) ** 2) / total
                out[f"{role}:ece_{code}"] = weighted_ece(onehot[:, k], p[:, k], weights)
            lf_b = (p[:, _LF].sum(axis=1) - lf_y) ** 2
            for attr, g, mask in group_masks:
                wg = weights[:, mask]
                out[f"{role}:group:{attr}:{g}"] = wg @ lf_b[mask] / np.maximum(wg.sum(axis=1), 1e-12)
        return out

    point = stats(np.ones((1, n)))
    rng = np.random.default_rng(seed)
    draws: dict[str, list[np.ndarray]] = {}
    for weights in _resample_weights(n, n_bootstrap, rng):
        for key, value in stats(weights).items():
            draws.setdefault(key, []).append(value)
    boot = {k: np.concatenate(v) for k, v in draws.items()}

    def diff(key: str) -> tuple[float, float, float, float, float]:
        a, b = float(point[f"champion:{key}"][0]), float(point[f"challenger:{key}"][0])
        lo, hi = _interval(boot[f"challenger:{key}"] - boot[f"champion:{key}"], level)
        return a, b, b - a, lo, hi

    metrics = tuple(MetricDifference(key, label, *diff(key)) for key, label in names)
    groups = []
    for attr, g, mask in group_masks:
        a, b, d, lo, hi = diff(f"group:{attr}:{g}")
        groups.append(
            GroupDifference(
                attr,
                g,
                int(mask.sum()),
                float(lf_y[mask].mean()),
                float(probas["champion"][mask][:, _LF].sum(axis=1).mean()),
                float(probas["challenger"][mask][:, _LF].sum(axis=1).mean()),
                a,
                b,
                d,
                lo,
                hi,
            )
        )
    ll, brier = metrics[0], metrics[1]
    if ll.low > 0 or brier.low > 0:
        verdict = "worse"
    elif ll.high < 0:
        verdict = "better"
    else:
        verdict = "no_certain_difference"
    worse_groups = tuple(f"{g.attribute}={g.group}" for g in groups if g.low > 0)
    in_sample = {
        role: is_training_cohort(model, cohort)
        for role, model in (("champion", champion), ("challenger", challenger))
    }
    return Comparison(
        champion.version,
        challenger.version,
        cohort.n_rows,
        n,
        level,
        n_bootstrap,
        metrics,
        tuple(groups),
        {
            "champion": top_offer_shares(cohort.frame, champion, rules),
            "challenger": top_offer_shares(cohort.frame, challenger, rules),
        },
        verdict,
        verdict == "better" and not worse_groups,
        worse_groups,
        in_sample,
    )
