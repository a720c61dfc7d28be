"""``GET /api/v1/citizens/{citizen_id}/recommendations``: one citizen's history in the adviser's
municipality (newest first). The id in the path is checked like the intake record's ``citizen_id``
(a CPR-shaped id is refused and never echoed) and looked up by its pseudonym only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select
from sqlalchemy.orm import Session

from recommender.errors import InvalidCitizenError
from recommender.vocab import FIELDS
from recommender.citizen import parse_value
from recommender.service import audit
from recommender.service.deps import DbSession, Pseudonyms
from recommender.service.keys import Pseudonymiser
from recommender.service.recommendations import ERRORS, Adviser, stored
from recommender.service.schemas import CitizenHistory
from recommender.service.tables import RecommendationRow, User

__all__ = ["citizen_ref", "history", "router"]

router = APIRouter(tags=["citizens"])
CitizenId = Annotated[str, Path(description="the case system's pseudonymous citizen id (never a CPR "
                                            "number)", max_length=200)]


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


@router.get("/citizens/{citizen_id}/recommendations", response_model=CitizenHistory, responses=ERRORS,
            summary="Borgerens historik / the citizen's history")
def get_history(session: DbSession, pseudonyms: Pseudonyms, user: Adviser,
                citizen_id: CitizenId) -> CitizenHistory:
    ref = citizen_ref(pseudonyms, citizen_id)
    rows = history(session, user, ref)
    audit.record(session, "citizen.history", status=200, user=user, resource=f"citizen:{ref[:16]}",
                 detail=f"{len(rows)} recommendations")
    session.commit()
    return CitizenHistory(citizen_id=citizen_id.strip(), recommendations=[stored(r) for r in rows])
