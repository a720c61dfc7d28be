"""How believable the suggestion is on many citizens: order, ``p_best`` and verdict against each other.

:func:`random_intake` draws intake records uniformly over every answer (what a new user tries, not
what the cohort looks like); :func:`order_figures` scores them with batch scoring (the function
``recommend()`` shares) and counts:

* ``top_p_best_is_rank_1``: share of citizens whose offer with the highest ``p_best`` is ranked first;
* ``rank_1_share`` and ``top_p_best_share``: per offer, the share of citizens for whom it is ranked
  first, and for whom it has the highest ``p_best``;
* ``inversions``: lists in which an advised offer stands above an advised offer whose expected value is
  higher by more than the tie margin;
* ``clear``: share of citizens with a clear first choice;
* ``thin_answers`` and ``thin``: share of citizens with thin data (:mod:`recommender.recommending.sparse`),
  from a rare single answer only, and from a rare answer or a rare combination of an answer with an
  offer the verdict is about that the model relies on for the ranking (what ``sparse_data`` and the
  verdict use); ``thin_every_combination`` counting every rare combination with such an offer;
* ``clear_without_combinations``: the share of clear first choices if only single answers were checked;
  ``clear_every_combination`` if every rare combination with an offer the verdict is about counted.

``scripts/suggestion_figures.py`` prints them, with the documented directions' average signs
(:mod:`recommender.analysis.directions`).

>>> frame = random_intake(3, seed=1)
>>> len(frame), sorted(set(frame.columns) & {"gender", "origin", "nationality"})
(3, [])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from recommender.vocab import FIELDS, MUNICIPALITIES, OFFER

if TYPE_CHECKING:
    from recommender.model import OutcomeModel
    from recommender.typology import RuleSet

__all__ = ["order_figures", "random_intake"]


def random_intake(n: int, seed: int) -> pd.DataFrame:
    """``n`` intake records as codes, every answer drawn uniformly (numbers uniformly over their range,
    yes/no half and half); no protected attribute, no free text."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {
        "citizen_id": [f"R{i:06d}" for i in range(n)],
        "municipality": rng.choice(np.array(MUNICIPALITIES, dtype=object), n),
    }
    for name, spec in FIELDS.items():
        if name in cols or spec.kind == "str" or spec.protected:
            continue
        if spec.kind == "code":
            assert spec.scale is not None
            cols[name] = rng.choice(np.array(spec.scale.codes, dtype=object), n)
        elif spec.kind == "bool":
            cols[name] = rng.random(n) < 0.5
        else:
            assert spec.low is not None and spec.high is not None
            cols[name] = rng.integers(spec.low, spec.high + 1, n)
    return pd.DataFrame(cols)


def order_figures(frame: pd.DataFrame, model: OutcomeModel, rules: RuleSet) -> dict[str, object]:
    """The figures of the module docstring for the citizens of ``frame`` (intake codes)."""
    from recommender.recommending.certainty import CLEAR_P_BEST, verdict_offers
    from recommender.recommending.scoring import score_frame
    from recommender.recommending.sparse import fewest_answers, fewest_combinations, thin_relied

    scored = score_frame(frame, model, rules)
    codes = OFFER.codes
    ranks = scored[[f"{o}_rank" for o in codes]].to_numpy()
    pb = scored[[f"{o}_p_best" for o in codes]].to_numpy(dtype=float)
    score = scored[[f"{o}_score" for o in codes]].to_numpy(dtype=float)
    advised = scored[[f"{o}_advised" for o in codes]].to_numpy(dtype=bool)
    some = advised.any(axis=1)
    first = ranks.argmin(axis=1)
    top = pb.argmax(axis=1)
    order = np.argsort(ranks, axis=1)
    rows = np.arange(len(frame))[:, None]
    s_sorted = np.where(advised[rows, order], score[rows, order], np.nan)
    # a lower value above a higher one: some later advised offer exceeds an earlier one by > tie_margin
    later_max = np.fmax.accumulate(s_sorted[:, ::-1], axis=1)[:, ::-1]
    gap = later_max[:, 1:] - s_sorted[:, :-1]
    inversions = int(np.nan_to_num(gap, nan=-np.inf).max(axis=1).__gt__(rules.tie_margin + 1e-12).sum())
    n = int(some.sum())
    clear = scored["distinguishable"].to_numpy(dtype=bool)
    minimum = rules.sparse_data_min
    single = fewest_answers(frame, model) < minimum
    about = verdict_offers(pb, ranks, advised)
    every = single | ((fewest_combinations(frame, model) < minimum) & about).any(axis=1)
    raw = model.point_scores(frame, rules)
    thin = single | thin_relied(frame, model, rules, raw, advised, about, skip=single)
    confident = some & (pb[np.arange(len(frame)), first] >= CLEAR_P_BEST)
    return {
        "n": n,
        "top_p_best_is_rank_1": float(np.mean(top[some] == first[some])),
        "rank_1_share": {o: float(np.mean(first[some] == j)) for j, o in enumerate(codes)},
        "top_p_best_share": {o: float(np.mean(top[some] == j)) for j, o in enumerate(codes)},
        "inversions": inversions,
        "clear": float(clear[some].mean()),
        "clear_without_combinations": float((confident & ~single)[some].mean()),
        "clear_every_combination": float((confident & ~every)[some].mean()),
        "thin_answers": float(single[some].mean()),
        "thin_every_combination": float(every[some].mean()),
        "thin": float(thin[some].mean()),
    }
