"""``POST /api/v1/recommendations/{id}/decision``: the adviser's decision, final once made
(:func:`recommender.cases.decisions.decide`: a reason when departing from the first advised offer,
409 for a second decision)."""

from __future__ import annotations

from fastapi import APIRouter

from recommender.api.deps import DbSession, Pseudonyms, RecommendationId
from recommender.api.recommendations import ERRORS, Adviser
from recommender.api.schemas import DecisionOut
from recommender.cases.decisions import decide
from recommender.cases.inputs import DecisionIn

__all__ = ["router"]

router = APIRouter(tags=["decisions"])


@router.post(
    "/recommendations/{recommendation_id}/decision",
    status_code=201,
    response_model=DecisionOut,
    responses=ERRORS,
    summary="Rådgiverens beslutning / the adviser's decision",
)
def post_decision(
    session: DbSession,
    pseudonyms: Pseudonyms,
    user: Adviser,
    recommendation_id: RecommendationId,
    body: DecisionIn,
) -> DecisionOut:
    d = decide(session, pseudonyms, user, recommendation_id, body)
    return DecisionOut(
        recommendation_id=recommendation_id,
        offer=d.offer,
        followed=d.followed,
        reason=d.reason,
        comment=d.comment,
        decided_by=user.name,
        decided_at=d.decided_at,
    )
