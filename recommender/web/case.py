"""What the page knows about the citizen's case beyond one recommendation: her earlier recommendations
(shown as ``[data-existing-case]``), the open recommendation that the same answers gave earlier the
same day (reused, not stored twice), and the citizen id the adviser typed (kept in the signed session;
the database keeps only its pseudonym).

The stored data is searched by the pseudonym, through the API's own
:func:`~recommender.cases.citizens.history` (the adviser's municipality only).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recommender.cases.citizens import history
from recommender.cases.tables import RecommendationRow, User
from recommender.web.pages import LOCAL

__all__ = ["earlier_and_latest", "reusable"]


def _local_day(moment: datetime) -> object:
    return moment.astimezone(LOCAL).date()


def earlier_and_latest(session: Session, user: User,
                       row: RecommendationRow) -> tuple[RecommendationRow | None, bool]:
    """The citizen's last recommendation before ``row`` (in the adviser's municipality), if any, and
    whether ``row`` is her latest one (the one a closure is recorded on); one query."""
    rows = history(session, user, row.citizen_ref)
    before = next((other for other in rows if (other.created_at, other.id) < (row.created_at, row.id)), None)
    return before, bool(rows) and rows[0].id == row.id


def reusable(session: Session, user: User, ref: str, intake: dict[str, object], model_version: str,
             rules_version: str, now: datetime) -> RecommendationRow | None:
    """An open recommendation (no decision yet) made today (local time) from exactly these answers
    with the same model and rules: submitting the same answers again shows it instead of storing a
    second open recommendation."""
    today = _local_day(now)
    for row in history(session, user, ref):
        if _local_day(row.created_at) != today:
            break  # newest first: everything after this is older
        if (row.decision is None and row.intake == intake and row.model_version == model_version
                and row.rules_version == rules_version):
            return row
    return None
