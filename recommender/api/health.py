"""``GET /healthz`` (no authentication): 200 when the service can reach its database, else 503."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from recommender.api.errors import ApiError
from recommender.api.recommendations import ERRORS
from recommender.api.schemas import Health

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get(
    "/healthz", response_model=Health, responses={503: ERRORS[503]}, summary="Sundhedstjek / health check"
)
def healthz(request: Request) -> Health:
    try:
        with request.app.state.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        raise ApiError(503, headers={"Retry-After": "5"}) from None
    return Health(status="ok", database="ok")
