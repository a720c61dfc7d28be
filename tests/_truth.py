"""Known-truth cohorts for judging decision quality (test and benchmark code, not product code).

A *truth* draws citizens and gives the exact P(outcome | citizen, offer) for every offer; cohorts
get a confounded offer (:func:`_dgp.assign_offers`: wage subsidy to the readiest, clarification to
the least ready, every offer possible) and an outcome drawn from the truth. Four structures:

* ``logit`` — tests/_dgp.py: uniform random intake records, a multinomial logit whose offer
  effects are linear in a readiness index (main effects + offer × readiness);
* ``p500`` — citizens from the synthetic Projekt 500 generator (its realistic joint distribution
  of intake fields), outcome probabilities from the generator's own implied outcome model made
  explicit: a multinomial logit with full offer × citizen interactions fitted once on 30,000 rows
  of ``generate_cohort`` (so it follows whatever outcome structure the generator has);
* ``thresholds`` — uniform random records, offer effects that switch on at thresholds and need
  two inputs at once (wage subsidy helps only the ready who also speak Danish well, internship only
  recent arrivals with at most one child, ...): one-hot main effects cannot express them;
* ``municipal`` — held out: added after the credibility mixture (docs/model.md) was chosen on the
  other three, to check it is not tuned to them. Uniform random records; wage subsidy and
  internship work better or worse depending on the municipality that runs them, the job chance
  has a hump in years in Denmark, and clarification helps recent arrivals with an education plan.

>>> frame = simulate(TRUTHS["thresholds"], 50, seed=1)
>>> int(frame["outcome"].notna().sum()), TRUTHS["thresholds"].proba(frame).shape
(50, (50, 4, 4))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from _dgp import _DEGREE_VALUE, WEIGHTS, _draw_citizens, _readiness, assign_offers, draw_outcomes, true_all

from recommender.vocab import OFFER, OUTCOME

__all__ = ["TRUTHS", "Truth", "WEIGHTS", "decision_metrics", "fresh", "plain_peer", "simulate"]


@dataclass(frozen=True)
class Truth:
    """A known-truth generator: ``citizens(n, rng)`` draws intake records, ``proba(frame)`` gives
    the exact (n, offers, outcomes) probabilities in ``OFFER.codes`` × ``OUTCOME.codes`` order."""

    name: str
    citizens: Callable[[int, np.random.Generator], pd.DataFrame]
    proba: Callable[[pd.DataFrame], np.ndarray]


def simulate(truth: Truth, n: int, seed: int, *, no_offer_share: float = 0.0) -> pd.DataFrame:
    """A closed cohort of ``n`` citizens with a confounded offer and an outcome drawn from the truth."""
    rng = np.random.default_rng(seed)
    frame = truth.citizens(n, rng)
    return draw_outcomes(frame, truth.proba(frame), assign_offers(frame, rng), rng, no_offer_share)


def fresh(truth: Truth, n: int, seed: int) -> pd.DataFrame:
    """``n`` new citizens (intake only) to judge models on."""
    return truth.citizens(n, np.random.default_rng(seed))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# --------------------------------------------------------------------------- thresholds
def _threshold_proba(frame: pd.DataFrame) -> np.ndarray:
    n = len(frame)
    r = _readiness(frame)
    lang = frame["language_sufficient"].map(_DEGREE_VALUE).to_numpy(float)
    network = frame["network_use"].map(_DEGREE_VALUE).to_numpy(float)
    years = frame["years_in_denmark"].to_numpy(float)
    kids = frame["children_under_18"].to_numpy(float)
    plan = frame["education_plan"].to_numpy(bool)
    goal = frame["job_goal_level"].to_numpy(object)
    unclear = np.isin(goal, ["none", "unclear"])
    ready = (r > 0.3) & (lang >= 0.7)
    job = -0.7 + 0.8 * (r > 0) + 0.5 * (years >= 10) - 0.3 * (kids >= 3)
    edu = -1.5 + 1.2 * plan
    act = -0.4 + 0.2 * (network >= 0.7)
    other = np.zeros(n)
    out = []
    for offer in OFFER.codes:
        j, e, a, o = job.copy(), edu.copy(), act.copy(), other.copy()
        if offer == "wage_subsidy":  # only the ready who also speak Danish well benefit
            j += np.where(ready, 1.3, -0.5)
            o += np.where(ready, 0.0, 0.4)
        elif offer == "internship":  # recent arrivals without a big family
            j += np.where((years < 8) & (kids <= 1), 0.9, -0.2)
            a += 0.3
        elif offer == "clarification":  # an education plan but no clear job goal
            e += np.where(plan & unclear, 1.6, 0.2)
            j += np.where(unclear & ~plan, 0.5, -0.3)
        else:  # counselling: the unready with a weak network
            a += np.where((r < 0) & (network < 0.5), 0.9, 0.1)
        out.append(_softmax(np.column_stack([j, e, a, o])))
    return np.stack(out, axis=1)


# --------------------------------------------------------------------------- p500
def _p500_citizens(n: int, rng: np.random.Generator) -> pd.DataFrame:
    from recommender.synth import generate_cohort

    frame = generate_cohort(max(n, 20), seed=int(rng.integers(0, 2**31 - 1))).frame.head(n)
    return frame.drop(columns=["offer", "outcome"]).reset_index(drop=True)


@lru_cache(maxsize=1)
def _p500_model():
    """The synthetic generator's implied P(outcome | citizen, offer): a multinomial logit with full
    offer × citizen interactions fitted on 30,000 rows of ``generate_cohort`` (seed 9001)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from recommender.modelling.features import OfferInteractions, build_schema, citizen_encoder, prepare
    from recommender.synth import generate_cohort

    rows = generate_cohort(30_000, seed=9001).frame.dropna(subset=["offer"])
    schema = build_schema()
    X = prepare(rows, schema).assign(offer=rows["offer"].to_numpy())
    pipe = Pipeline(
        [
            ("encode", citizen_encoder(schema, with_offer=True)),
            ("interact", OfferInteractions(scale=1.0)),
            ("clf", LogisticRegression(C=0.3, max_iter=2000)),
        ]
    )
    return schema, pipe.fit(X, rows["outcome"].astype(str).to_numpy())


def _p500_proba(frame: pd.DataFrame) -> np.ndarray:
    from recommender.modelling.features import prepare

    schema, pipe = _p500_model()
    X = prepare(frame, schema)
    order = [list(pipe.classes_).index(k) for k in OUTCOME.codes]
    return np.stack([pipe.predict_proba(X.assign(offer=o))[:, order] for o in OFFER.codes], axis=1)


# --------------------------------------------------------------------------- municipal (held out)
# How well wage subsidy and internship work depends on the job centre that runs them: (wage
# subsidy, internship) effects on the job logit per municipality.
_CRAFT = {
    "Frederiksberg": (0.6, -0.2),
    "Hjørring": (-0.3, 0.5),
    "Holstebro": (0.2, 0.3),
    "Lyngby-Taarbæk": (0.5, -0.4),
    "Rødovre": (-0.5, 0.6),
    "Aarhus": (0.0, 0.0),
}


def _municipal_proba(frame: pd.DataFrame) -> np.ndarray:
    n = len(frame)
    r = _readiness(frame)
    years = frame["years_in_denmark"].to_numpy(float)
    kids = frame["children_under_18"].to_numpy(float)
    plan = frame["education_plan"].to_numpy(bool)
    craft = np.array([_CRAFT.get(m, (0.0, 0.0)) for m in frame["municipality"].to_numpy(object)])
    hump = np.exp(-(((years - 12) / 8) ** 2))  # settled, but not for decades: a hump, not a line
    job = -0.8 + 0.7 * r + 0.8 * hump - 0.15 * kids
    edu = -1.5 + 1.3 * plan - 0.03 * years
    act = -0.4 + 0.2 * r
    other = np.zeros(n)
    out = []
    for offer in OFFER.codes:
        j, e, a, o = job.copy(), edu.copy(), act.copy(), other.copy()
        if offer == "wage_subsidy":
            j += 0.3 + craft[:, 0] + 0.5 * r
        elif offer == "internship":
            j += 0.2 + craft[:, 1] + 0.6 * (1 - hump)
            a += 0.3
        elif offer == "clarification":  # an education plan, recently arrived
            e += 0.5 + 0.8 * (plan & (years < 6))
            j -= 0.2
        else:
            a += 0.4 + 0.1 * kids
        out.append(_softmax(np.column_stack([j, e, a, o])))
    return np.stack(out, axis=1)


TRUTHS: dict[str, Truth] = {
    "logit": Truth("logit", _draw_citizens, true_all),
    "p500": Truth("p500", _p500_citizens, _p500_proba),
    "thresholds": Truth("thresholds", _draw_citizens, _threshold_proba),
    "municipal": Truth("municipal", _draw_citizens, _municipal_proba),
}


# --------------------------------------------------------------------------- peers and metrics
W = np.array([WEIGHTS[k] for k in OUTCOME.codes])


def _rows(frame: pd.DataFrame):
    from recommender.modelling.features import build_schema, prepare

    rows = frame[frame["offer"].notna()]
    schema = build_schema()
    X = prepare(rows, schema).assign(offer=rows["offer"].to_numpy())
    return schema, X, rows["outcome"].astype(str).to_numpy()


def _all_offers(fitted, X: pd.DataFrame) -> np.ndarray:
    order = [list(fitted.classes_).index(k) if k in fitted.classes_ else None for k in OUTCOME.codes]
    out = []
    for offer in OFFER.codes:
        p = fitted.predict_proba(X.assign(offer=offer))
        out.append(np.column_stack([p[:, j] if j is not None else np.zeros(len(X)) for j in order]))
    return np.stack(out, axis=1)


def plain_peer(kind: str, frame: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """(n_test, offers, outcomes) from a plain scikit-learn peer trained on ``frame``'s rows with an
    offer: ``logit`` = ``LogisticRegression()`` on one-hot features with the offer one-hot,
    ``hgb`` = default ``HistGradientBoostingClassifier`` on ordinal codes, ``marginals`` =
    P(outcome | offer) (the same ranking for everyone, tabel 38 style), ``prior`` = P(outcome)."""
    import warnings

    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    from recommender.modelling.features import prepare

    schema, X, y = _rows(frame)
    X_test = prepare(test, schema)
    onehot = (y[:, None] == np.array(OUTCOME.codes)[None]).astype(float)
    if kind == "prior":
        return np.broadcast_to(onehot.mean(axis=0), (len(test), len(OFFER.codes), 4)).copy()
    if kind == "marginals":
        offer = X["offer"].to_numpy()
        m = np.stack(
            [
                onehot[offer == o].mean(axis=0) if (offer == o).any() else onehot.mean(axis=0)
                for o in OFFER.codes
            ]
        )
        return np.broadcast_to(m, (len(test), len(OFFER.codes), 4)).copy()
    cats = [name for name, _ in schema.categorical] + ["offer"]
    if kind == "logit":
        enc = ColumnTransformer(
            [
                ("c", OneHotEncoder(handle_unknown="ignore"), cats),
                ("n", StandardScaler(), list(schema.numeric)),
            ]
        )
        pipe = make_pipeline(enc, LogisticRegression(max_iter=2000))
    elif kind == "hgb":
        enc = ColumnTransformer(
            [
                ("c", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), cats),
                ("n", "passthrough", list(schema.numeric)),
            ]
        )
        pipe = make_pipeline(enc, HistGradientBoostingClassifier(random_state=0))
    else:
        raise ValueError(f"kind: expected logit, hgb, marginals or prior; got {kind!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _all_offers(pipe.fit(X, y), X_test)


def decision_metrics(proba: np.ndarray, truth: np.ndarray, weights: np.ndarray = W) -> dict[str, float]:
    """Against the truth (both (n, offers, outcomes)): mean absolute probability error, regret
    (true score of the truly best offer minus that of the estimated top offer, outcome weights
    1/0.8/0.4/0 as in rules.yaml), top-offer agreement and policy value (mean true score of the
    estimated top offer). Ties go to the first offer code."""
    true_score = truth @ weights
    picked = (proba @ weights).argmax(axis=1)
    value = true_score[np.arange(len(truth)), picked]
    return {
        "mae": float(np.abs(proba - truth).mean()),
        "regret": float(np.mean(true_score.max(axis=1) - value)),
        "agreement": float(np.mean(picked == true_score.argmax(axis=1))),
        "value": float(np.mean(value)),
    }
