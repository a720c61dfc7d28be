"""The two print views of a recommendation, each one A4 page when printed from the browser:

* ``/recommendations/{id}/summary`` (``a[data-print="summary"]``), the **Sagsresumé** for the case
  file: the citizen id, the date, the adviser, typology, criteria, the suggested offers with their
  values, the decision and its reason, the model and rules versions.
* ``/recommendations/{id}/letter`` (``a[data-print="letter"]``), the **Brev til borgeren**
  (:mod:`recommender.web.letter`).

Both show the citizen id the adviser typed (kept in the signed session), never the pseudonym; times
are Danish local time.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from recommender.api.deps import DbSession, PageRecommendationId
from recommender.cases import audit
from recommender.cases.decisions import REASONS
from recommender.cases.errors import CaseError
from recommender.cases.recommendations import find
from recommender.cases.tables import RecommendationRow, User
from recommender.phrases import support_label
from recommender.vocab import OFFER, OUTCOME
from recommender.web.letter import paragraphs
from recommender.web.pages import Adviser, error_page, page
from recommender.web.result import view
from recommender.web.session import language, shown_citizen
from recommender.web.text import translate

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _load(
    request: Request, session: Session, user: User, recommendation_id: str, kind: str
) -> tuple[RecommendationRow, str, str, bool]:
    """The recommendation (404 as the API's), its read audited; the page language; the citizen id to
    show and whether it was typed in this session."""
    row = find(session, user, recommendation_id, "recommendation.read")
    audit.record(
        session,
        "recommendation.read",
        status=200,
        user=user,
        resource=f"recommendation:{row.public_id}",
        detail=f"{kind} printout (web)",
    )
    session.commit()
    lang = language(request)
    shown = shown_citizen(request, row.public_id)
    return row, lang, shown or translate("unknown_id", lang), shown is not None


@router.get("/recommendations/{recommendation_id}/summary", response_class=HTMLResponse)
def summary(
    request: Request, session: DbSession, user: Adviser, recommendation_id: PageRecommendationId
) -> Response:
    try:
        row, lang, citizen, known = _load(request, session, user, recommendation_id, "summary")
    except CaseError as exc:
        return error_page(request, user, exc)
    decision = row.decision
    return page(
        request,
        "summary.html",
        user=user,
        row=row,
        rec=view(row.contract, lang),
        citizen=citizen,
        citizen_known=known,
        decision=decision,
        offer_label=lambda code: OFFER.label(code, lang),
        outcome_label=lambda code: OUTCOME.label(code, lang),
        support_label=lambda support: support_label(support, lang),
        reason_label=lambda code: REASONS[code][0 if lang == "da" else 1] if code in REASONS else "",
    )


@router.get("/recommendations/{recommendation_id}/letter", response_class=HTMLResponse)
def letter(
    request: Request, session: DbSession, user: Adviser, recommendation_id: PageRecommendationId
) -> Response:
    try:
        row, lang, citizen, known = _load(request, session, user, recommendation_id, "letter")
    except CaseError as exc:
        return error_page(request, user, exc)
    settings = request.app.state.settings
    decision = row.decision
    missing = tuple(name for name, c in row.contract["labour_force"]["criteria"].items() if not c["met"])
    adviser = (decision.adviser if decision else row.adviser).name
    text = paragraphs(
        offer=decision.offer if decision else None,
        reason=decision.reason if decision else None,
        followed=bool(decision and decision.followed),
        missing=missing,
        contact=settings.letter_contact,
        complaints=settings.letter_complaints,
        adviser=adviser,
        lang=lang,
    )
    return page(
        request,
        "letter.html",
        user=user,
        row=row,
        citizen=citizen,
        citizen_known=known,
        paragraphs=text,
        adviser=adviser,
        municipality=row.municipality,
    )
