"""One citizen's history in the adviser's municipality, newest first
(``GET /api/v1/citizens/{citizen_id}/recommendations``, the web page's history), and where one
recommendation stands in it (:func:`earlier_and_latest`, the web page's existing case). The citizen id is
checked like the intake record's ``citizen_id`` (a CPR-shaped id is refused and never echoed) and
looked up by its pseudonym only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from recommender.cases.keys import Pseudonymiser
from recommender.cases.tables import RecommendationRow, User
from recommender.citizen import parse_value
from recommender.errors import InvalidCitizenError
from recommender.vocab import FIELDS

__all__ = ["citizen_ref", "earlier_and_latest", "history"]


def citizen_ref(pseudonyms: Pseudonymiser, citizen_id: str) -> str:
    """The pseudonym of a citizen id from a path, validated like the intake record's field."""
    value, problem = parse_value(FIELDS["citizen_id"], citizen_id)
    if problem is not None:
        raise InvalidCitizenError([problem])
    return pseudonyms.citizen(str(value))


def history(session: Session, user: User, ref: str) -> list[RecommendationRow]:
    """The citizen's recommendations in the adviser's municipality, newest first."""
    query = (
        select(RecommendationRow)
        .where(RecommendationRow.citizen_ref == ref, RecommendationRow.municipality == user.municipality)
        .order_by(RecommendationRow.created_at.desc(), RecommendationRow.id.desc())
    )
    return list(session.scalars(query))


def earlier_and_latest(
    session: Session, user: User, row: RecommendationRow
) -> tuple[RecommendationRow | None, bool]:
    """The citizen's last recommendation before ``row`` (in the adviser's municipality), if any, and
    whether ``row`` is her latest one (the one a closure is recorded on); one query."""
    rows = history(session, user, row.citizen_ref)
    before = next((other for other in rows if (other.created_at, other.id) < (row.created_at, row.id)), None)
    return before, bool(rows) and rows[0].id == row.id
