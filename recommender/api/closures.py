"""``POST /api/v1/citizens/{citizen_id}/closure``: the result of the citizen's case when it closes
(:func:`recommender.cases.closures.close`: 404 without a recommendation, 409 when already closed)."""

from __future__ import annotations

from fastapi import APIRouter

from recommender.api.citizens import CitizenId
from recommender.api.deps import DbSession, Pseudonyms
from recommender.api.recommendations import ERRORS, Adviser
from recommender.api.schemas import ClosureOut
from recommender.cases.closures import close
from recommender.cases.inputs import ClosureIn

__all__ = ["router"]

router = APIRouter(tags=["closures"])


@router.post(
    "/citizens/{citizen_id}/closure",
    status_code=201,
    response_model=ClosureOut,
    responses=ERRORS,
    summary="Sagens afslutning / the case's closure",
)
def post_closure(
    session: DbSession, pseudonyms: Pseudonyms, user: Adviser, citizen_id: CitizenId, body: ClosureIn
) -> ClosureOut:
    c = close(session, pseudonyms, user, citizen_id, body)
    return ClosureOut(
        recommendation_id=c.recommendation.public_id,
        offer=c.offer,
        outcome=c.outcome,
        closed=c.closed,
        duration_days=c.duration_days,
        recorded_by=user.name,
        recorded_at=c.recorded_at,
    )
