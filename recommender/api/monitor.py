"""``GET /api/v1/monitor``: the monitoring report of :func:`recommender.cases.monitor.monitor`
(the same function as ``recommender monitor``), for analysts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from recommender.api.deps import CurrentEngine, DbSession, require
from recommender.api.recommendations import ERRORS
from recommender.cases import audit
from recommender.cases.monitor import monitor
from recommender.cases.tables import User

__all__ = ["router"]

router = APIRouter(tags=["monitoring"])


@router.get(
    "/monitor",
    response_model=dict[str, Any],
    responses=ERRORS,
    summary="Overvågning for analytikere / monitoring for analysts",
)
def get_monitor(
    session: DbSession,
    engine: CurrentEngine,
    user: Annotated[User, Depends(require("analyst"))],
    since: Annotated[date | None, Query(description="recommendations from this day on")] = None,
    offpolicy: Annotated[
        bool, Query(description="include the off-policy estimate (cross-fits models: seconds to a minute)")
    ] = False,
) -> dict[str, Any]:
    """Follow rates, departure reasons, outcomes by followed (associations), intake drift (PSI),
    low-evidence share and the off-policy estimate; no cell under 5 citizens."""
    report = monitor(session, since=since, model=engine.model, offpolicy=offpolicy)
    audit.record(
        session,
        "monitor.read",
        status=200,
        user=user,
        detail=f"since={since.isoformat() if since else 'all'}",
    )
    session.commit()
    return report
