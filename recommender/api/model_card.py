"""``GET /api/v1/model``: the served model's and rules' versions and the model card summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from recommender.api.deps import CurrentEngine, current_user
from recommender.api.recommendations import ERRORS
from recommender.api.schemas import ModelOut
from recommender.cases.tables import User

__all__ = ["router"]

router = APIRouter(tags=["model"])


@router.get(
    "/model",
    response_model=ModelOut,
    responses=ERRORS,
    summary="Modellen og reglerne / the served model and rules",
)
def get_model(engine: CurrentEngine, _user: Annotated[User, Depends(current_user)]) -> ModelOut:
    return ModelOut(**engine.describe())
