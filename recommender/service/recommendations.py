"""``/api/v1/recommendations``: make, store and read recommendations.

``create`` calls the same function as ``recommender recommend`` (``recommend(Citizen.from_dict(...))``
with the served model and rules) and stores the intake record (spec §3 fields, id pseudonymised), the
§8 contract, both versions, the first advised offer and the typology with an audit event, in one
transaction. The response's ``recommendation`` is ``recommend(...).to_dict()`` unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from sqlalchemy import insert
from sqlalchemy.orm import Session

from recommender import Citizen
from recommender.service import audit
from recommender.service.deps import CurrentEngine, DbSession, Pseudonyms, deny, require
from recommender.service.engine import RecommenderEngine
from recommender.service.errors import ApiError
from recommender.service.keys import Pseudonymiser
from recommender.service.schemas import (ClosureOut, DecisionOut, ErrorResponse, RecommendationCreated,
                                         StoredRecommendation, TypologyOverrideOut)
from recommender.service.tables import RecommendationRow, User, utcnow
from recommender.vocab import RULE_ONLY

__all__ = ["create", "find", "router", "stored"]

router = APIRouter(tags=["recommendations"])
Adviser = Annotated[User, Depends(require("adviser"))]
RecommendationId = Annotated[int, Path(ge=1, le=2**62, description="the id POST returned")]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 422, 503)}

EXAMPLE = {
    "citizen_id": "P500-0001", "municipality": "Aarhus", "years_in_denmark": 4, "children_under_18": 2,
    "danish_course": "du2", "education_home": "primary", "education_dk": "none",
    "contact_route": "outreach", "active_job_seeker": "partly", "geographically_mobile": "yes",
    "searches_broadly": "yes", "can_start_within_14_days": "yes", "wants_employment": "yes",
    "language_sufficient": "some", "spouse_support": "high", "network_use": "low",
    "job_goal_level": "unskilled", "education_plan": False,
}


def create(session: Session, engine: RecommenderEngine, pseudonyms: Pseudonymiser, user: User,
           body: object) -> tuple[int, dict[str, Any]]:
    """Validate, recommend, store and audit (one transaction, committed); return the new id and the
    §8 contract exactly as ``recommend(...).to_dict()`` gave it."""
    citizen = Citizen.from_dict(body)  # type: ignore[arg-type]  # InvalidCitizenError → 422 by field
    if citizen.municipality.casefold() != (user.municipality or "").casefold():
        raise deny(session, ApiError(
            403, "other_municipality", field="municipality",
            da=f"municipality (kommune): du kan kun oprette anbefalinger for {user.municipality}",
            en=f"municipality: you can only create recommendations for {user.municipality}"),
            "recommendation.create", user, input_hash=pseudonyms.input_hash(body))
    rec = engine.recommend(citizen)
    contract = rec.to_dict()
    ref = pseudonyms.citizen(citizen.citizen_id)
    result = session.execute(insert(RecommendationRow).values(  # a plain INSERT: the hot path
        citizen_ref=ref, municipality=citizen.municipality, adviser_id=user.id, created_at=utcnow(),
        intake={**citizen.to_dict(), "citizen_id": ref}, contract={**contract, "citizen_id": ref},
        model_version=engine.model_version, rules_version=engine.rules_version,
        top_offer=rec.top_offer, typology=rec.typology.code, typology_rules=rec.typology.code,
        **{name: getattr(citizen, name) for name in RULE_ONLY}))
    new_id = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
    audit.record(session, "recommendation.create", status=201, user=user,
                 resource=f"recommendation:{new_id}", model_version=engine.model_version,
                 rules_version=engine.rules_version, input_hash=pseudonyms.input_hash(body))
    session.commit()
    return new_id, contract


def find(session: Session, user: User, recommendation_id: int, action: str) -> RecommendationRow:
    """The recommendation if it belongs to the adviser's municipality, else 404 (audited)."""
    row = session.get(RecommendationRow, recommendation_id)
    if row is None or row.municipality.casefold() != (user.municipality or "").casefold():
        raise deny(session, ApiError(404), action, user, f"recommendation:{recommendation_id}")
    return row


def stored(row: RecommendationRow) -> StoredRecommendation:
    """The API view of a stored recommendation with its decision and closure."""
    d, c = row.decision, row.closure
    return StoredRecommendation(
        id=row.id, created_at=row.created_at, municipality=row.municipality, adviser=row.adviser.name,
        model_version=row.model_version, rules_version=row.rules_version, top_offer=row.top_offer,
        typology=row.typology, recommendation=row.contract,
        typology_override=None if row.typology_adviser is None else TypologyOverrideOut(
            typology=row.typology_adviser, rules_typology=row.typology_rules or row.typology,
            reason=row.typology_reason or "", set_by=row.typology_user.name if row.typology_user else "",
            set_at=row.typology_at),
        decision=None if d is None else DecisionOut(
            recommendation_id=row.id, offer=d.offer, followed=d.followed, reason=d.reason,
            comment=d.comment, decided_by=d.adviser.name, decided_at=d.decided_at),
        closure=None if c is None else ClosureOut(
            recommendation_id=row.id, offer=c.offer, outcome=c.outcome, closed=c.closed,
            duration_days=c.duration_days, recorded_by=c.recorder.name, recorded_at=c.recorded_at),
    )


@router.post("/recommendations", status_code=201, response_model=RecommendationCreated,
             responses=ERRORS, summary="Anbefaling for én borger / recommend for one citizen")
def post_recommendation(
    session: DbSession, engine: CurrentEngine, pseudonyms: Pseudonyms, user: Adviser,
    body: Annotated[dict[str, Any], Body(description="the intake record of spec §3 (codes or labels)",
                                         examples=[EXAMPLE])],
) -> RecommendationCreated:
    new_id, contract = create(session, engine, pseudonyms, user, body)
    return RecommendationCreated(id=new_id, recommendation=contract)


@router.get("/recommendations/{recommendation_id}", response_model=StoredRecommendation,
            responses=ERRORS, summary="En gemt anbefaling og beslutning / a stored recommendation")
def get_recommendation(session: DbSession, user: Adviser,
                       recommendation_id: RecommendationId) -> StoredRecommendation:
    row = find(session, user, recommendation_id, "recommendation.read")
    audit.record(session, "recommendation.read", status=200, user=user,
                 resource=f"recommendation:{row.id}")
    session.commit()
    return stored(row)
