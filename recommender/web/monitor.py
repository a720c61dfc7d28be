"""The analysts' monitoring page (``/monitor``, optional ``?since=YYYY-MM-DD``): the figures of
``GET /api/v1/monitor``, from the same function (:func:`recommender.cases.monitor.monitor`, without
the slow off-policy estimate), as tables. Cells under the report's ``min_cell`` citizens arrive
suppressed (``".."`` or ``null``) and are shown as such, with the reason."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from recommender.analysis.drift import MIN_INTAKES, THRESHOLDS
from recommender.api.deps import CurrentEngine, DbSession
from recommender.cases import audit
from recommender.cases.monitor import monitor
from recommender.phrases import reason_label
from recommender.vocab import FIELDS, OUTCOME, TYPOLOGY
from recommender.web.pages import Analyst, page
from recommender.web.session import language

__all__ = ["parse_since", "router"]

router = APIRouter(include_in_schema=False)


def parse_since(text: str) -> date | None:
    """The ``since`` field: empty (all recommendations) or a day as ``YYYY-MM-DD``; else ``ValueError``.

    >>> parse_since(""), parse_since("2026-01-31")
    (None, datetime.date(2026, 1, 31))
    """
    text = text.strip()
    return date.fromisoformat(text) if text else None


@router.get("/monitor", response_class=HTMLResponse)
def monitoring_page(
    request: Request, session: DbSession, engine: CurrentEngine, user: Analyst, since: str = ""
) -> Response:
    lang = language(request)
    shown = since.strip()[:40]
    try:
        day = parse_since(shown)
    except ValueError:
        return page(
            request,
            "monitor.html",
            422,
            user=user,
            since=shown,
            report=None,
            error=("since_invalid", {"value": shown}),
        )
    report = monitor(session, since=day, model=engine.model, offpolicy=False)
    audit.record(
        session,
        "monitor.read",
        status=200,
        user=user,
        detail=f"since={day.isoformat() if day else 'all'} (web)",
    )
    session.commit()
    return page(
        request,
        "monitor.html",
        user=user,
        since=shown,
        report=report,
        error=None,
        thresholds=THRESHOLDS,
        min_intakes=MIN_INTAKES,
        outcome_codes=OUTCOME.codes,
        field_label=lambda name: getattr(FIELDS[name], lang) if name in FIELDS else name,
        typology_label=lambda code: TYPOLOGY.label(code, lang) if code in TYPOLOGY.codes else code,
        outcome_label=lambda code: OUTCOME.label(code, lang),
        reason_label=lambda code: reason_label(code, lang),
    )
