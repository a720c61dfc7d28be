"""The adviser's typology and "Hvad kunne ændre anbefalingen?" on the result page (issue 26).

:func:`extra_view` picks what ``_typology_whatif.html`` shows out of the stored row and contract: the
adviser's typology and the what-if (computed only when asked for; it stores nothing). The form posts to
``/recommendations/{id}/typology``, which calls the API's own function
(:func:`recommender.cases.overrides.set_typology`): the same checks, the same audit event.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from recommender.api.deps import CurrentEngine, DbSession, PageRecommendationId
from recommender.cases.engine import RecommenderEngine
from recommender.cases.errors import CaseError
from recommender.cases.inputs import TypologyIn
from recommender.cases.overrides import set_typology, stored_what_if
from recommender.cases.tables import RecommendationRow
from recommender.recommendation import value_label
from recommender.vocab import FIELDS, TYPOLOGY
from recommender.web.pages import Adviser, error_page, redirect
from recommender.web.session import check_csrf, read_form

__all__ = ["extra_view", "router"]

router = APIRouter(include_in_schema=False)


#: A refused typology form: the field (or the decision already made) and its text key.
ERROR_KEYS = {
    "typology": "typology_error",
    "reason": "typology_reason_error",
    "decided": "typology_decided_error",
}


def extra_view(
    row: RecommendationRow, lang: str, engine: RecommenderEngine | None = None, error: str | None = None
) -> dict[str, Any]:
    """The include's data; ``engine`` given: the what-if too (computed now, stored nowhere);
    ``error``: the refused field of the typology form (a key of :data:`ERROR_KEYS`)."""
    override = None
    if row.typology_adviser:
        override = {
            "code": row.typology_adviser,
            "label": TYPOLOGY.label(row.typology_adviser, lang),
            "rules_label": TYPOLOGY.label(row.typology_rules or row.typology, lang),
            "reason": row.typology_reason or "",
        }
    wi = None
    if engine is not None:
        data = stored_what_if(engine, row)
        wi = {
            "note": data["note"][lang],
            "levers": [
                {
                    "label": getattr(FIELDS[lv["field"]], lang),
                    "current": value_label(lv["field"], lv["current"], lang),
                    "lines": [o["message"][lang] for o in lv["options"]],
                }
                for lv in data["levers"]
            ],
        }
    return {
        "override": override,
        "typologies": [(i.code, i.da if lang == "da" else i.en) for i in TYPOLOGY.items],
        "current": row.typology,
        "what_if": wi,
        "error": ERROR_KEYS.get(error or ""),
    }


@router.post("/recommendations/{recommendation_id}/typology", response_class=HTMLResponse)
async def set_adviser_typology(
    request: Request,
    session: DbSession,
    engine: CurrentEngine,
    user: Adviser,
    recommendation_id: PageRecommendationId,
) -> Response:
    """Set the typology; a refusal goes back to the page, which names the field in a Danish sentence
    (the value typed is not put in the address)."""
    form = await read_form(request)
    check_csrf(request, form)
    body = TypologyIn(typology=form.get("typology") or None, reason=(form.get("reason") or "")[:2000] or None)
    try:
        set_typology(session, engine, user, recommendation_id, body)
    except CaseError as exc:
        if exc.status == 404:
            return error_page(request, user, exc)
        field = exc.field if exc.field in ERROR_KEYS else "decided"
        return redirect(f"/recommendations/{recommendation_id}?fejl={field}#adviser-typology")
    return redirect(f"/recommendations/{recommendation_id}#adviser-typology")
