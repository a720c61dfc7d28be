"""Does a model agree with the report's documented directions? (:mod:`recommender.recommending.directions`)

For a field direction, every pair of answers the report ranks (a higher and a lower level) is compared
on the same citizens: each citizen's record with the higher answer, then with the lower one, all else
unchanged; the model's share of the direction's measure (labour force, or job or education) is averaged
over the four offers and over the citizens. The direction's **average sign** is the sign of the mean
difference over its pairs; ``min_pair`` is the least favourable pair's mean difference.

For an offer direction (tabel 38 counts the citizens who had the offer): within the offer, the mean
over the citizens who had it in the cohort of P(more) − P(less); for the ``recipients`` order, the mean
P(labour force | offer) over the citizens who had that offer, and the smallest step down the order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from recommender.recommending.directions import field_directions, offer_directions
from recommender.vocab import LABOUR_FORCE_OUTCOMES, OFFER, OUTCOME

if TYPE_CHECKING:
    from recommender.model import OutcomeModel

__all__ = ["MEASURES", "direction_signs"]

#: Outcome codes of each closure measure.
MEASURES: dict[str, tuple[str, ...]] = {
    "labour_force": tuple(LABOUR_FORCE_OUTCOMES),
    "job_or_education": ("job", "education"),
}


def _share(proba: np.ndarray, measure: str) -> np.ndarray:
    cols = [OUTCOME.codes.index(c) for c in MEASURES[measure]]
    return proba[..., cols].sum(axis=-1)


def direction_signs(model: OutcomeModel, frame: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Per documented direction (by name): ``mean`` difference, ``sign`` (+1/-1), ``min_pair`` and the
    ``pairs`` compared, on the citizens of ``frame`` (a cohort frame: intake codes, and ``offer`` for
    the recipients' order)."""
    out: dict[str, dict[str, object]] = {}
    intake = frame.drop(columns=[c for c in ("offer", "outcome") if c in frame.columns])
    for d in field_directions():
        levels = dict(d.levels)
        share = {
            value: float(
                _share(
                    model.predict_offers(intake.assign(**{d.field: value}), intervals=False).proba, d.measure
                ).mean()
            )
            for value in levels
        }
        pairs = {
            f"{hi}>{lo}": share[hi] - share[lo] for hi in levels for lo in levels if levels[hi] > levels[lo]
        }
        mean = float(np.mean(list(pairs.values())))
        out[d.name] = {
            "source": d.source,
            "mean": mean,
            "sign": 1 if mean > 0 else -1,
            "min_pair": min(pairs.values()),
            "pairs": pairs,
        }
    est = model.predict_offers(intake, intervals=False)
    offers = frame["offer"].astype(object).to_numpy()
    for o in offer_directions():
        if o.recipients:
            means = [
                float(_share(est.proba[offers == code, OFFER.codes.index(code)], "labour_force").mean())
                for code in o.recipients
            ]
            steps = {
                f"{a}>{b}": x - y for a, b, x, y in zip(o.recipients, o.recipients[1:], means, means[1:])
            }
            mean = float(np.mean(list(steps.values())))
            out[o.name] = {
                "source": o.source,
                "mean": mean,
                "sign": 1 if mean > 0 else -1,
                "min_pair": min(steps.values()),
                "pairs": steps,
            }
            continue
        assert o.offer is not None and o.more is not None and o.less is not None
        p = est.proba[offers == o.offer, OFFER.codes.index(o.offer)]
        diff = float((p[:, OUTCOME.codes.index(o.more)] - p[:, OUTCOME.codes.index(o.less)]).mean())
        out[o.name] = {
            "source": o.source,
            "mean": diff,
            "sign": 1 if diff > 0 else -1,
            "min_pair": diff,
            "pairs": {f"{o.more}>{o.less}": diff},
        }
    return out
