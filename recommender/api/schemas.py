"""Response bodies of the API (pydantic), as the OpenAPI schema documents them; the request bodies of a
decision and a closure are the case logic's inputs (:mod:`recommender.cases.inputs`).

The recommendation itself is the §8 contract exactly as ``Recommendation.to_dict()`` gives it: it is
an open JSON object here, not re-declared field by field, so additions to the contract flow through.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "ClosureOut",
    "CitizenHistory",
    "DecisionOut",
    "ErrorResponse",
    "Health",
    "ModelOut",
    "RecommendationCreated",
    "StoredRecommendation",
    "TypologyOverrideOut",
]


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine code, e.g. invalid_input, not_found, conflict")
    field: str | None = Field(description="the field concerned, named as the CLI names it")
    message_da: str
    message_en: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


_ID = "the recommendation's opaque public id (22 characters; issue 28: no longer an integer)"


class RecommendationCreated(BaseModel):
    id: str = Field(description=_ID)
    recommendation: dict[str, Any] = Field(description="the §8 contract, identical to recommend()")


class DecisionOut(BaseModel):
    recommendation_id: str = Field(description=_ID)
    offer: str
    followed: bool = Field(description="true when the offer is the first advised offer")
    reason: str | None
    comment: str | None
    decided_by: str
    decided_at: datetime


class ClosureOut(BaseModel):
    recommendation_id: str = Field(description=_ID)
    offer: str
    outcome: str
    closed: date
    duration_days: int
    recorded_by: str
    recorded_at: datetime


class TypologyOverrideOut(BaseModel):
    typology: str = Field(description="the typology the adviser set (issue 26)")
    rules_typology: str = Field(description="the typology the rules gave")
    reason: str
    set_by: str
    set_at: datetime | None


class StoredRecommendation(BaseModel):
    id: str = Field(description=_ID)
    created_at: datetime
    municipality: str
    adviser: str
    model_version: str
    rules_version: str
    top_offer: str | None
    typology: str
    recommendation: dict[str, Any] = Field(
        description="the §8 contract as stored; its citizen_id is the pseudonym (keyed hash)"
    )
    decision: DecisionOut | None
    closure: ClosureOut | None
    typology_override: TypologyOverrideOut | None = Field(
        None, description="the adviser's typology, when she set one (issue 26)"
    )


class CitizenHistory(BaseModel):
    citizen_id: str
    recommendations: list[StoredRecommendation]


class ModelOut(BaseModel):
    model: dict[str, Any]
    rules_version: str
    outcome_weights: dict[str, float]
    summary: dict[str, Any]
    loaded_at: str


class Health(BaseModel):
    status: str
    database: str
