"""What an adviser sends to decide or close a case (pydantic, checked at the boundary): the bodies of
``POST …/decision``, ``POST …/closure`` and ``POST …/typology`` and of the web page's forms.

>>> DecisionIn(offer="internship").reason is None
True
>>> ClosureIn(offer="internship", outcome="job", closed="2026-01-31", duration_days=90).closed
datetime.date(2026, 1, 31)
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

__all__ = ["ClosureIn", "DecisionIn", "TypologyIn"]

_STRICT = ConfigDict(extra="forbid")


class DecisionIn(BaseModel):
    model_config = _STRICT

    offer: str = Field(
        description="offer code (or label): wage_subsidy, internship, clarification, counselling",
        max_length=64,
    )
    reason: str | None = Field(
        None,
        description="required when the offer differs from the first advised "
        "offer: citizen_preference, not_available, "
        "adviser_judgement, other",
        max_length=64,
    )
    comment: str | None = Field(
        None, description="free text (required with reason 'other'); never a CPR number", max_length=2000
    )


class ClosureIn(BaseModel):
    model_config = _STRICT

    offer: str = Field(description="the offer the citizen had", max_length=64)
    outcome: str = Field(description="job, education, active or other", max_length=64)
    closed: date = Field(
        description="the day the case was closed, YYYY-MM-DD (not in the future, not "
        "before the recommendation)"
    )
    duration_days: StrictInt = Field(description="the case's length in days (0–3650), a whole number")

    @field_validator("closed", mode="before")
    @classmethod
    def _iso_day(cls, value: object) -> object:
        """Only a day written YYYY-MM-DD (or a date): never a number read as seconds since 1970."""
        if isinstance(value, date) or (
            isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"
        ):
            return value
        raise ValueError("expected a day written YYYY-MM-DD")


class TypologyIn(BaseModel):
    """The adviser's typology for a recommendation (issue 26): checked further by the case logic (an
    unknown typology or a missing reason is a 422 naming ``typology`` or ``reason``)."""

    model_config = _STRICT

    typology: str | None = Field(
        None,
        description="typology code or Danish label: flexible, ambitious, unrealistic, uncertain, no_goal",
        max_length=64,
    )
    reason: str | None = Field(
        None, description="the adviser's reason (required); never a CPR number", max_length=2000
    )
