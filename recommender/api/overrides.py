"""``POST /api/v1/recommendations/{id}/typology`` (the adviser's typology) and ``GET
/api/v1/recommendations/{id}/what-if`` (stores and logs nothing), issue 26
(:mod:`recommender.cases.overrides`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from recommender.api.deps import CurrentEngine, DbSession, RecommendationId
from recommender.api.recommendations import ERRORS, Adviser, stored
from recommender.api.schemas import StoredRecommendation
from recommender.cases.inputs import TypologyIn
from recommender.cases.overrides import find_for_what_if, set_typology, stored_what_if

__all__ = ["router"]

router = APIRouter(tags=["recommendations"])


@router.post(
    "/recommendations/{recommendation_id}/typology",
    response_model=StoredRecommendation,
    responses=ERRORS,
    summary="Rådgiverens typologi / the adviser's typology",
)
def post_typology(
    session: DbSession,
    engine: CurrentEngine,
    user: Adviser,
    recommendation_id: RecommendationId,
    body: TypologyIn,
) -> StoredRecommendation:
    return stored(set_typology(session, engine, user, recommendation_id, body))


@router.get(
    "/recommendations/{recommendation_id}/what-if",
    response_model=dict[str, Any],
    responses=ERRORS,
    summary="Hvad kunne ændre anbefalingen? / what could change it (stores nothing)",
)
def get_what_if(
    session: DbSession, engine: CurrentEngine, user: Adviser, recommendation_id: RecommendationId
) -> dict[str, Any]:
    return {"what_if": stored_what_if(engine, find_for_what_if(session, user, recommendation_id))}
