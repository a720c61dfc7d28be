"""The blend's members (issue 27): on many rows the best linear candidate alone leads them."""

import numpy as np

from recommender.modelling.stacking import (
    LEAD_ROWS,
    MAX_LINEAR,
    MIN_SHARE,
    observed,
    stack,
)


def _oof(n: int, seed: int = 1) -> tuple[dict[str, np.ndarray], list[str], np.ndarray, np.ndarray, list]:
    """Out-of-fold probabilities on ``n`` rows whose outcomes are drawn from a known truth: ``a``
    (the truth with noise), three ``b`` (part citizen-only probabilities, part the truth with
    other noise), ``hgb`` (the offer contrasts exact, the levels off) and the prior. With these
    settings the stack weighs ``a`` most, while ``b1`` predicts best on its own."""
    rng = np.random.default_rng(seed)
    truth = rng.dirichlet(np.ones(4) * 2, size=(n, 4))
    offer_idx = rng.integers(0, 4, n)
    y_idx = (truth[np.arange(n), offer_idx].cumsum(1) > rng.random(n)[:, None]).argmax(1)

    def noisy(scale: float, shape: tuple[int, ...] = truth.shape) -> np.ndarray:
        p = truth * np.exp(rng.normal(0, scale, shape))
        return p / p.sum(-1, keepdims=True)

    levels = truth.mean(axis=1, keepdims=True).repeat(4, axis=1)  # no offer contrast at all
    oof = {
        "a": noisy(0.45),
        "hgb": noisy(0.2, (n, 1, 4)),
        "prior": np.broadcast_to(np.bincount(y_idx, minlength=4) / n, (n, 4, 4)).copy(),
    }
    for k in range(3):
        oof[f"b{k}"] = 0.6 * levels + 0.4 * noisy(0.3)
    folds = [(np.flatnonzero(np.arange(n) % 3 != k), np.flatnonzero(np.arange(n) % 3 == k)) for k in range(3)]
    return oof, ["b0", "b1", "b2", "a"], offer_idx, y_idx, folds


def _alone(oof, linear, offer_idx, y_idx) -> dict[str, float]:
    rows = np.arange(len(y_idx))
    return {m: float(np.mean(np.log(observed(oof[m], offer_idx)[rows, y_idx]))) for m in linear}


def test_on_many_rows_the_best_linear_candidate_alone_leads_the_members():
    oof, linear, offer_idx, y_idx, folds = _oof(LEAD_ROWS + 1000)
    members, full, weightings = stack(oof, linear, offer_idx, y_idx, folds)
    alone = _alone(oof, linear, offer_idx, y_idx)
    best, heaviest = max(alone, key=alone.get), linear[int(np.argmax(full[: len(linear)]))]
    assert best != heaviest  # the case the rule is for: the stack's favourite is not the best alone
    assert members[0] == best
    assert members[-1] == "hgb" and 2 <= len(members) <= MAX_LINEAR + 1
    weight = dict(zip([*linear, "hgb", "prior"], full))
    assert all(weight[m] >= MIN_SHARE for m in members[1:-1])
    for label in ("stack", "linear", "hgb"):
        assert abs(weightings[label][0].sum() - 1.0) < 1e-9


def test_on_fewer_rows_the_members_are_those_the_stack_weighs_most():
    oof, linear, offer_idx, y_idx, folds = _oof(LEAD_ROWS)
    members, full, _ = stack(oof, linear, offer_idx, y_idx, folds)
    order = np.argsort(-full[: len(linear)], kind="stable")[:MAX_LINEAR]
    assert members[:-1] == [linear[j] for j in order if full[j] >= MIN_SHARE]
