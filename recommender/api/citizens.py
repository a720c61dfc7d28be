"""``GET /api/v1/citizens/{citizen_id}/recommendations``: one citizen's history in the adviser's
municipality (newest first). The id in the path is checked like the intake record's ``citizen_id``
(a CPR-shaped id is refused and never echoed) and looked up by its pseudonym only.
The case logic's :func:`recommender.cases.citizens.history` finds them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from recommender.api.deps import DbSession, Pseudonyms
from recommender.api.recommendations import ERRORS, Adviser, stored
from recommender.api.schemas import CitizenHistory
from recommender.cases import audit
from recommender.cases.citizens import citizen_ref, history

__all__ = ["CitizenId", "router"]

router = APIRouter(tags=["citizens"])
CitizenId = Annotated[
    str, Path(description="the case system's pseudonymous citizen id (never a CPR number)", max_length=200)
]


@router.get(
    "/citizens/{citizen_id}/recommendations",
    response_model=CitizenHistory,
    responses=ERRORS,
    summary="Borgerens historik / the citizen's history",
)
def get_history(
    session: DbSession, pseudonyms: Pseudonyms, user: Adviser, citizen_id: CitizenId
) -> CitizenHistory:
    ref = citizen_ref(pseudonyms, citizen_id)
    rows = history(session, user, ref)
    audit.record(
        session,
        "citizen.history",
        status=200,
        user=user,
        resource=f"citizen:{ref[:16]}",
        detail=f"{len(rows)} recommendations",
    )
    session.commit()
    return CitizenHistory(citizen_id=citizen_id.strip(), recommendations=[stored(r) for r in rows])
