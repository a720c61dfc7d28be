"""``/api/v1/recommendations``: make, store and read recommendations.

``create`` calls the same function as ``recommender recommend`` (``recommend(Citizen.from_dict(...))``
with the served model and rules) and stores the intake record (spec §3 fields, id pseudonymised), the
§8 contract, both versions, the first advised offer and the typology with an audit event, in one
transaction. The response's ``recommendation`` is ``recommend(...).to_dict()`` unchanged.
The case logic's :func:`recommender.cases.recommendations.create` does it (the web page's form too).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from recommender.api.deps import CurrentEngine, DbSession, Pseudonyms, RecommendationId, require
from recommender.api.schemas import (
    ClosureOut,
    DecisionOut,
    ErrorResponse,
    RecommendationCreated,
    StoredRecommendation,
    TypologyOverrideOut,
)
from recommender.cases import audit
from recommender.cases.recommendations import create, find
from recommender.cases.tables import RecommendationRow, User

__all__ = ["ERRORS", "Adviser", "router", "stored"]

router = APIRouter(tags=["recommendations"])
Adviser = Annotated[User, Depends(require("adviser"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 422, 503)
}


EXAMPLE = {
    "citizen_id": "P500-0001",
    "municipality": "Aarhus",
    "years_in_denmark": 4,
    "children_under_18": 2,
    "danish_course": "du2",
    "education_home": "primary",
    "education_dk": "none",
    "contact_route": "outreach",
    "active_job_seeker": "partly",
    "geographically_mobile": "yes",
    "searches_broadly": "yes",
    "can_start_within_14_days": "yes",
    "wants_employment": "yes",
    "language_sufficient": "some",
    "spouse_support": "high",
    "network_use": "low",
    "job_goal_level": "unskilled",
    "education_plan": False,
}


def stored(row: RecommendationRow) -> StoredRecommendation:
    """The API view of a stored recommendation with its decision and closure."""
    d, c = row.decision, row.closure
    return StoredRecommendation(
        id=row.public_id,
        created_at=row.created_at,
        municipality=row.municipality,
        adviser=row.adviser.name,
        model_version=row.model_version,
        rules_version=row.rules_version,
        top_offer=row.top_offer,
        typology=row.typology,
        recommendation=row.contract,
        typology_override=None
        if row.typology_adviser is None
        else TypologyOverrideOut(
            typology=row.typology_adviser,
            rules_typology=row.typology_rules or row.typology,
            reason=row.typology_reason or "",
            set_by=row.typology_user.name if row.typology_user else "",
            set_at=row.typology_at,
        ),
        decision=None
        if d is None
        else DecisionOut(
            recommendation_id=row.public_id,
            offer=d.offer,
            followed=d.followed,
            reason=d.reason,
            comment=d.comment,
            decided_by=d.adviser.name,
            decided_at=d.decided_at,
        ),
        closure=None
        if c is None
        else ClosureOut(
            recommendation_id=row.public_id,
            offer=c.offer,
            outcome=c.outcome,
            closed=c.closed,
            duration_days=c.duration_days,
            recorded_by=c.recorder.name,
            recorded_at=c.recorded_at,
        ),
    )


@router.post(
    "/recommendations",
    status_code=201,
    response_model=RecommendationCreated,
    responses=ERRORS,
    summary="Anbefaling for én borger / recommend for one citizen",
)
def post_recommendation(
    session: DbSession,
    engine: CurrentEngine,
    pseudonyms: Pseudonyms,
    user: Adviser,
    body: Annotated[
        dict[str, Any], Body(description="the intake record of spec §3 (codes or labels)", examples=[EXAMPLE])
    ],
) -> RecommendationCreated:
    new_id, contract = create(session, engine, pseudonyms, user, body)
    return RecommendationCreated(id=new_id, recommendation=contract)


@router.get(
    "/recommendations/{recommendation_id}",
    response_model=StoredRecommendation,
    responses=ERRORS,
    summary="En gemt anbefaling og beslutning / a stored recommendation",
)
def get_recommendation(
    session: DbSession, user: Adviser, recommendation_id: RecommendationId
) -> StoredRecommendation:
    row = find(session, user, recommendation_id, "recommendation.read")
    audit.record(
        session, "recommendation.read", status=200, user=user, resource=f"recommendation:{row.public_id}"
    )
    session.commit()
    return stored(row)
