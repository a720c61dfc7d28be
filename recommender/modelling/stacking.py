"""The stack behind a blend: its members and their weights with the prior (issue 11).

The weights are those whose mixture predicts the held-out folds best (out-of-fold likelihood,
:func:`~recommender.modelling.blend.mixture_weights`). The prior's share shrinks the probabilities
toward the outcome shares and leaves every citizen's ranking unchanged (the prior is the same
vector for every offer); the models' split decides the ranking. :func:`stack` picks the members and
the three weightings :func:`~recommender.modelling.selection.select` chooses between.

On a few hundred rows the fitted weights are noisy: which candidate ranks best cannot be told from
274 cases, and the weights chase noise. So the served weights are a credibility mixture
(Bühlmann): the fitted weighting gets the share ``n / (n + CREDIBILITY_ROWS)`` of ``n`` rows, a
fixed committee with equal weights (:func:`committee`) the rest (:func:`credible`). At 274 rows
the committee leads (0.785), at 1,000 rows they weigh equally, at 10,000 rows the fit leads (0.909).
"""

from __future__ import annotations

import numpy as np

from recommender.modelling.blend import mixture_weights

__all__ = [
    "CREDIBILITY_ROWS",
    "LEAD_ROWS",
    "MAX_LINEAR",
    "MIN_MODEL_SHARE",
    "MIN_SHARE",
    "committee",
    "credibility",
    "credible",
    "floored",
    "mixture",
    "observed",
    "stack",
]

MAX_LINEAR = 3  # at most this many linear candidates in the blend (those the stack weighs most)
MIN_SHARE = 0.02  # a linear candidate with a smaller stack weight is left out of the blend
MIN_MODEL_SHARE = 0.05  # the models' joint share never falls below this (the prior cannot rank)
CREDIBILITY_ROWS = 1000  # the fitted weights' credibility is n / (n + this); see credibility()
LEAD_ROWS = 5000  # above this many rows the best linear candidate alone always leads (see stack())


def observed(proba: np.ndarray, offer_idx: np.ndarray) -> np.ndarray:
    """The (n, outcomes) probabilities under each row's own offer."""
    return proba[np.arange(len(proba)), offer_idx]


def floored(w: np.ndarray) -> np.ndarray:
    """Stack weights (models…, prior) whose models keep at least ``MIN_MODEL_SHARE`` together (in
    their own proportions, equal if all were 0): the prior alone cannot rank the offers.

    >>> floored(np.array([0.01, 0.01, 0.98])).round(3).tolist()
    [0.025, 0.025, 0.95]
    """
    models = w[:-1].sum()
    if models >= MIN_MODEL_SHARE:
        return w
    share = w[:-1] / models if models > 0 else np.full(len(w) - 1, 1.0 / (len(w) - 1))
    return np.append(MIN_MODEL_SHARE * share, 1.0 - MIN_MODEL_SHARE)


def mixture(
    parts: list[str], lik: dict[str, np.ndarray], oof: dict[str, np.ndarray], folds: list
) -> tuple[np.ndarray, np.ndarray]:
    """The stack weights of ``parts`` (the last is ``prior``), fitted on all rows and floored, and
    the mixture's out-of-fold probabilities with cross-fitted weights (each fold's weights from
    the other folds' rows), so its own log loss and policy value are not flattered."""
    L = np.column_stack([lik[n] for n in parts])
    out = np.zeros_like(oof["prior"])
    for train, test in folds:
        w = floored(mixture_weights(L[train]))
        out[test] = sum(wi * oof[n][test] for wi, n in zip(w, parts))
    return floored(mixture_weights(L)), out


def stack(
    oof: dict[str, np.ndarray], linear: list[str], offer_idx: np.ndarray, y_idx: np.ndarray, folds: list
) -> tuple[list[str], np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The blend's members (the linear candidates the full stack weighs most, then ``hgb``), every
    candidate's weight in the full stack, and three weightings of the members with the prior —
    ``stack`` (all members), ``linear`` (the linear members only) and ``hgb`` (the trees only) —
    each as (weights over members + prior, cross-fitted out-of-fold probabilities).

    On more than ``LEAD_ROWS`` rows the linear candidate with the highest out-of-fold likelihood
    on its own leads the linear members (then up to ``MAX_LINEAR - 1`` more by stack weight). The
    twelve linear candidates are near copies of each other, so the full stack spreads its weight
    thinly over them (0.02–0.08 each) and its top three can all be main-effects models (``s = 0``)
    that leave every offer × citizen contrast to ``hgb``, whose contrasts rank worse (issue 27,
    docs/model.md). The best linear candidate alone has to carry those contrasts itself."""
    rows = np.arange(len(y_idx))
    lik = {n: observed(oof[n], offer_idx)[rows, y_idx] for n in [*linear, "hgb", "prior"]}
    full = mixture_weights(np.column_stack([lik[n] for n in [*linear, "hgb", "prior"]]))
    order = sorted(range(len(linear)), key=lambda j: -full[j])
    if len(y_idx) > LEAD_ROWS:
        lead = max(
            range(len(linear)), key=lambda j: float(np.mean(np.log(np.clip(lik[linear[j]], 1e-15, None))))
        )
        order = [lead] + [j for j in order if j != lead and full[j] >= MIN_SHARE]
        kept = [linear[j] for j in order[:MAX_LINEAR]]
    else:
        kept = [linear[j] for j in order[:MAX_LINEAR] if full[j] >= MIN_SHARE] or [linear[order[0]]]
    members = [*kept, "hgb"]
    out = {}
    for label, used in (("stack", members), ("linear", kept), ("hgb", ["hgb"])):
        w, proba = mixture([*used, "prior"], lik, oof, folds)
        weights = np.array([w[used.index(m)] if m in used else 0.0 for m in members] + [w[-1]])
        out[label] = (weights, proba)
    return members, full, out


def credibility(n_rows: int) -> float:
    """The share of the fitted stack weighting on ``n_rows`` rows, ``n / (n + CREDIBILITY_ROWS)``;
    the equal-weight committee gets the rest.

    >>> round(credibility(274), 3), credibility(1000), round(credibility(10_000), 3)
    (0.215, 0.5, 0.909)
    """
    return n_rows / (n_rows + CREDIBILITY_ROWS)


def committee(
    names: list[str], oof: dict[str, np.ndarray], offer_idx: np.ndarray, y_idx: np.ndarray, folds: list
) -> tuple[np.ndarray, np.ndarray]:
    """Equal weights on ``names`` with the prior share that predicts the held-out folds best: the
    weights (names…, prior), fitted on all rows and floored, and the committee's cross-fitted
    out-of-fold probabilities (each fold's prior share from the other folds' rows).

    Only the prior share is estimated: one number, which cannot change the ranking."""
    rows = np.arange(len(y_idx))
    mean = np.mean([oof[n] for n in names], axis=0)
    L = np.column_stack(
        [observed(mean, offer_idx)[rows, y_idx], observed(oof["prior"], offer_idx)[rows, y_idx]]
    )
    out = np.zeros_like(oof["prior"])
    for train, test in folds:
        w = floored(mixture_weights(L[train]))
        out[test] = w[0] * mean[test] + w[1] * oof["prior"][test]
    w = floored(mixture_weights(L))
    return np.append(np.full(len(names), w[0] / len(names)), w[1]), out


def credible(
    fitted: tuple[list[str], np.ndarray], equal: tuple[list[str], np.ndarray], share: float
) -> tuple[list[str], np.ndarray]:
    """The mixture ``share · fitted + (1 - share) · equal`` of two weightings, each (members with
    ``hgb`` last, weights over members + prior): the union of the members (the linear ones by
    weight, heaviest first, ``hgb`` last) and their weights. A linear member left under ``MIN_SHARE``
    is dropped (the heaviest linear one always stays) and the other models keep the models' joint
    share in their proportions.

    >>> names, w = credible((["a", "hgb"], np.array([0.6, 0.2, 0.2])),
    ...                     (["b", "hgb"], np.array([0.4, 0.4, 0.2])), 0.5)
    >>> names, w.round(2).tolist()
    (['a', 'b', 'hgb'], [0.3, 0.2, 0.3, 0.2])
    >>> credible((["a", "hgb"], np.array([0.6, 0.2, 0.2])),
    ...          (["b", "hgb"], np.array([0.4, 0.4, 0.2])), 0.99)[0]
    ['a', 'hgb']
    """
    linear = list(dict.fromkeys([*fitted[0][:-1], *equal[0][:-1]]))
    names = [*linear, "hgb"]
    w = np.zeros(len(names) + 1)
    for (members, weights), part in ((fitted, share), (equal, 1.0 - share)):
        for m, v in zip([*members, "prior"], weights):
            w[names.index(m) if m != "prior" else -1] += part * v
    top = int(np.argmax(w[: len(linear)]))  # at least one linear member, as in stack()
    keep = sorted((j for j in range(len(linear)) if w[j] >= MIN_SHARE or j == top), key=lambda j: -w[j]) + [
        len(linear)
    ]
    models = w[:-1].sum()
    kept = w[keep] * (models / w[keep].sum()) if w[keep].sum() > 0 else w[keep]
    return [names[j] for j in keep], np.append(kept, w[-1])
