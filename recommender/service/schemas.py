"""Request and response bodies of the API (pydantic), as the OpenAPI schema documents them.

The recommendation itself is the §8 contract exactly as ``Recommendation.to_dict()`` gives it: it is
an open JSON object here, not re-declared field by field, so additions to the contract flow through.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ClosureIn", "ClosureOut", "CitizenHistory", "DecisionIn", "DecisionOut", "ErrorResponse",
           "Health", "ModelOut", "RecommendationCreated", "StoredRecommendation", "TypologyOverrideOut"]

_STRICT = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine code, e.g. invalid_input, not_found, conflict")
    field: str | None = Field(description="the field concerned, named as the CLI names it")
    message_da: str
    message_en: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class RecommendationCreated(BaseModel):
    id: int
    recommendation: dict[str, Any] = Field(description="the §8 contract, identical to recommend()")


class DecisionIn(BaseModel):
    model_config = _STRICT

    offer: str = Field(description="offer code (or label): wage_subsidy, internship, clarification, "
                                   "counselling", max_length=64)
    reason: str | None = Field(None, description="required when the offer differs from the first advised "
                                                 "offer: citizen_preference, not_available, "
                                                 "adviser_judgement, other", max_length=64)
    comment: str | None = Field(None, description="free text (required with reason 'other'); never a "
                                                  "CPR number", max_length=2000)


class DecisionOut(BaseModel):
    recommendation_id: int
    offer: str
    followed: bool = Field(description="true when the offer is the first advised offer")
    reason: str | None
    comment: str | None
    decided_by: str
    decided_at: datetime


class ClosureIn(BaseModel):
    model_config = _STRICT

    offer: str = Field(description="the offer the citizen had", max_length=64)
    outcome: str = Field(description="job, education, active or other", max_length=64)
    closed: date = Field(description="the day the case was closed (not in the future)")
    duration_days: int = Field(description="the case's length in days (0–3650)")


class ClosureOut(BaseModel):
    recommendation_id: int
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
    id: int
    created_at: datetime
    municipality: str
    adviser: str
    model_version: str
    rules_version: str
    top_offer: str | None
    typology: str
    recommendation: dict[str, Any] = Field(
        description="the §8 contract as stored; its citizen_id is the pseudonym (keyed hash)")
    decision: DecisionOut | None
    closure: ClosureOut | None
    typology_override: TypologyOverrideOut | None = Field(
        None, description="the adviser's typology, when she set one (issue 26)")


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
