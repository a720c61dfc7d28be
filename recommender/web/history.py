"""The citizen's history (``/history?citizen_id=…``): earlier recommendations and decisions, newest
first, in the adviser's own municipality only; the case logic's :func:`~recommender.cases.citizens.history`
finds them by the citizen id's pseudonym."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from recommender.api.deps import DbSession, Pseudonyms
from recommender.cases import audit
from recommender.cases.citizens import citizen_ref, history
from recommender.citizen import parse_value
from recommender.errors import InvalidCitizenError
from recommender.phrases import reason_label
from recommender.vocab import FIELDS, OFFER, OUTCOME, TYPOLOGY
from recommender.web.pages import Adviser, page
from recommender.web.sentences import field_sentence
from recommender.web.session import SHOWN_MAX, language, remember_citizen

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/history", response_class=HTMLResponse)
def citizen_history(
    request: Request, session: DbSession, pseudonyms: Pseudonyms, user: Adviser, citizen_id: str = ""
) -> Response:
    lang = language(request)
    shown = citizen_id.strip()[:200]
    if not shown:
        return page(request, "history.html", user=user, citizen_id="", rows=None, error=None)
    try:
        ref = citizen_ref(pseudonyms, shown)
    except InvalidCitizenError as exc:  # a CPR-shaped id is refused and not echoed back
        problem = exc.problems[0]
        return page(
            request,
            "history.html",
            422,
            user=user,
            rows=None,
            error=field_sentence(problem, lang),
            citizen_id="" if not problem.show else shown,
        )
    rows = history(session, user, ref)
    remember_citizen(
        request, [r.public_id for r in rows[:SHOWN_MAX]], str(parse_value(FIELDS["citizen_id"], shown)[0])
    )
    audit.record(
        session,
        "citizen.history",
        status=200,
        user=user,
        resource=f"citizen:{ref[:16]}",
        detail=f"{len(rows)} recommendations (web)",
    )
    session.commit()
    return page(
        request,
        "history.html",
        user=user,
        citizen_id=shown,
        rows=rows,
        error=None,
        offer_label=lambda code: OFFER.label(code, lang) if code else "–",
        outcome_label=lambda code: OUTCOME.label(code, lang),
        typology_label=lambda code: TYPOLOGY.label(code, lang),
        reason_label=lambda code: reason_label(code, lang),
    )
