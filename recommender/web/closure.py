"""The closure form on the result page (``form[data-form="closure"]``): after the decision, the adviser
records how the case ended (outcome, day, length in days) through the API's own
:func:`~recommender.cases.closures.close`: the same checks, the same audit event, the same row that
``POST /api/v1/citizens/{id}/closure`` writes. Refusals are shown next to the field as sentences
(:func:`~recommender.web.sentences.closure_sentence`). The citizen id comes from the signed session
(the adviser typed it); the closure is recorded on the citizen's latest recommendation, as the API does.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from recommender.api.deps import DbSession, PageRecommendationId, Pseudonyms
from recommender.cases.closures import MAX_DURATION, close
from recommender.cases.errors import CaseError
from recommender.cases.inputs import ClosureIn
from recommender.cases.recommendations import find
from recommender.web.pages import Adviser, error_page, redirect
from recommender.web.result import result_page
from recommender.web.sentences import closure_sentence
from recommender.web.session import check_csrf, language, read_form, shown_citizen

__all__ = ["closure_body", "router"]

router = APIRouter(include_in_schema=False)


def closure_body(form: dict[str, str]) -> ClosureIn | str:
    """The API's closure body from the form, or the name of the first field that cannot be one.

    >>> closure_body({"offer": "internship", "outcome": "job", "closed": "2026-03-31", "duration_days": "90"})
    ClosureIn(offer='internship', outcome='job', closed=datetime.date(2026, 3, 31), duration_days=90)
    >>> closure_body({"offer": "internship", "outcome": "job", "closed": "31/3", "duration_days": "90"})
    'closed'
    """
    if not form.get("outcome", "").strip():
        return "outcome"
    try:
        closed = date.fromisoformat(form.get("closed", "").strip())
    except ValueError:
        return "closed"
    days = form.get("duration_days", "").strip()
    if not days.isdigit() or len(days) > 6:
        return "duration_days"
    return ClosureIn(
        offer=form.get("offer", "")[:64],
        outcome=form["outcome"].strip()[:64],
        closed=closed,
        duration_days=int(days),
    )


@router.post("/recommendations/{recommendation_id}/closure", response_class=HTMLResponse)
async def record_closure(
    request: Request,
    session: DbSession,
    pseudonyms: Pseudonyms,
    user: Adviser,
    recommendation_id: PageRecommendationId,
) -> Response:
    form = await read_form(request)
    check_csrf(request, form)
    try:
        row = find(session, user, recommendation_id, "closure.create")
    except CaseError as exc:
        return error_page(request, user, exc)
    lang = language(request)
    citizen = shown_citizen(request, row.public_id)
    body = closure_body(form)
    if citizen is None or row.decision is None:  # the page offers the form only with both
        return redirect(f"/recommendations/{row.public_id}#closure")
    if isinstance(body, str):
        return result_page(
            request,
            session,
            user,
            row,
            422,
            closure_form=form,
            closure_errors={body: closure_sentence(body, lang, high=MAX_DURATION)},
        )
    try:
        close(session, pseudonyms, user, citizen, body)
    except CaseError as exc:
        if exc.status == 404:
            return error_page(request, user, exc)
        session.expire_all()
        row = find(session, user, recommendation_id, "closure.create")
        message = (
            closure_sentence(exc.field, lang, high=MAX_DURATION)
            if exc.status == 422
            else exc.da
            if lang == "da"
            else exc.en
        )
        return result_page(
            request,
            session,
            user,
            row,
            exc.status,
            closure_form=form,
            closure_errors={exc.field or "outcome": message},
        )
    return redirect(f"/recommendations/{row.public_id}#closure")
