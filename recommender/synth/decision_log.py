"""Synthetic cases for the service's decision log: what advisers would record for synthetic citizens.

:func:`synthetic_cases` turns a synthetic cohort (:func:`~recommender.synth.generate_cohort`) into
cases to send through the service: the intake record, and, once the service has advised a top offer,
the adviser's decision (the offer the synthetic citizen had; a reason code when it is not the advised
one) and the closure (that offer, the citizen's outcome, a closing date and the duration). The first
``share_first`` of the cases close in ``first`` (one per day, cycling over 60 days), the rest in
``second``, so a training period and a held-out period can be exported separately. Used by the
end-to-end test of the learning loop and by ``scripts/demo_decision_log.py`` (the analyst guide's
practice database). Synthetic: never mistake it for what advisers did.

>>> case = next(iter(synthetic_cases(5, seed=1)))
>>> sorted(case.decision("internship"))[:1], case.closure("internship")["closed"]
(['offer'], '2025-03-01')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np

from recommender.vocab import FIELDS

__all__ = ["FIRST_PERIOD", "SECOND_PERIOD", "SyntheticCase", "synthetic_cases"]

FIRST_PERIOD, SECOND_PERIOD = date(2025, 3, 1), date(2025, 9, 1)
REASONS = ("citizen_preference", "not_available", "adviser_judgement")


@dataclass(frozen=True)
class SyntheticCase:
    """One synthetic citizen's intake, offer had, outcome, closing date and duration."""

    intake: dict[str, Any]
    offer: str | None
    outcome: str
    closed: date
    duration_days: int
    reason: str

    def given(self, top_offer: str | None) -> str:
        """The offer the adviser gives: the citizen's own, else the advised one, else counselling."""
        return self.offer or top_offer or "counselling"

    def decision(self, top_offer: str | None) -> dict[str, Any]:
        """The decision body for a recommendation that advised ``top_offer``."""
        offer = self.given(top_offer)
        return {"offer": offer} if offer == top_offer else {"offer": offer, "reason": self.reason}

    @property
    def recommended_at(self) -> datetime:
        """When the case was recommended: the day it started (``closed`` − ``duration_days``), 09:00 UTC.
        A closure is never dated before its recommendation, so practice data backdates the recommendation
        to this moment before closing it."""
        start = self.closed - timedelta(days=self.duration_days)
        return datetime(start.year, start.month, start.day, 9, tzinfo=timezone.utc)

    def closure(self, top_offer: str | None) -> dict[str, Any]:
        """The closure body (JSON-ready)."""
        return {
            "offer": self.given(top_offer),
            "outcome": self.outcome,
            "closed": self.closed.isoformat(),
            "duration_days": self.duration_days,
        }


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def synthetic_cases(
    n: int, seed: int, *, share_first: float = 2 / 3, first: date = FIRST_PERIOD, second: date = SECOND_PERIOD
) -> Iterator[SyntheticCase]:
    """``n`` synthetic cases (see the module docstring); the same ``n`` and ``seed`` give the same cases."""
    from recommender.synth import generate_cohort

    frame = generate_cohort(n, seed=seed).frame
    rng = np.random.default_rng(seed)
    cut = int(round(n * share_first))
    for i, row in enumerate(frame.to_dict("records")):
        intake = {k: v for k, v in ((name, _plain(row.get(name))) for name in FIELDS) if v is not None}
        duration = _plain(row.get("duration_days"))
        yield SyntheticCase(
            intake=intake,
            offer=row["offer"] if isinstance(row.get("offer"), str) else None,
            outcome=str(row["outcome"]),
            closed=(first if i < cut else second) + timedelta(days=i % 60),
            duration_days=int(duration) if duration is not None else 120,  # type: ignore[call-overload]
            reason=REASONS[int(rng.integers(len(REASONS)))],
        )
