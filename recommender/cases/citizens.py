"""One citizen's history in the adviser's municipality, newest first
(``GET /api/v1/citizens/{citizen_id}/recommendations``, the web page's history). The citizen id is
checked like the intake record's ``citizen_id`` (a CPR-shaped id is refused and never echoed) and
looked up by its pseudonym only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from recommender.errors import InvalidCitizenError
from recommender.vocab import FIELDS
from recommender.citizen import parse_value
from recommender.cases.keys import Pseudonymiser
from recommender.cases.tables import RecommendationRow, User

__all__ = ["citizen_ref", "history"]


def citizen_ref(pseudonyms: Pseudonymiser, citizen_id: str) -> str:
    """The pseudonym of a citizen id from a path, validated like the intake record's field."""
    value, problem = parse_value(FIELDS["citizen_id"], citizen_id)
    if problem is not None:
        raise InvalidCitizenError([problem])
    return pseudonyms.citizen(str(value))


def history(session: Session, user: User, ref: str) -> list[RecommendationRow]:
    """The citizen's recommendations in the adviser's municipality, newest first."""
    query = (select(RecommendationRow)
             .where(RecommendationRow.citizen_ref == ref,
                    RecommendationRow.municipality == user.municipality)
             .order_by(RecommendationRow.created_at.desc(), RecommendationRow.id.desc()))
    return list(session.scalars(query))

