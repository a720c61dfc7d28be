"""The result page (``/recommendations/{id}``) and the decision form on it.

The page shows the stored §8 contract (``recommend(...).to_dict()``, exactly what the API returns) the
way the adviser's screen (:mod:`recommender.recommending.screen`) shows a recommendation, in the same
words. :func:`view` only picks the page language's texts out of the contract; it computes nothing.
Keys that newer contracts add (a ``verdict``, ``p_best`` per offer, the ``provenance`` line shown above
the verdict, the ``order_rule`` sentence above the offers, the ``sparse_data`` warning shown under the
verdict) are shown when present.

The decision is stored by :func:`recommender.cases.decisions.decide`, the function the API calls: the
same checks (a reason when departing from the first advised offer), the same audit event.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from recommender.api.deps import CurrentEngine, DbSession, PageRecommendationId, Pseudonyms
from recommender.cases import audit
from recommender.cases.citizens import citizen_ref, earlier_and_latest, history
from recommender.cases.decisions import decide
from recommender.cases.engine import RecommenderEngine
from recommender.cases.errors import CaseError
from recommender.cases.inputs import DecisionIn
from recommender.cases.recommendations import find
from recommender.cases.tables import RecommendationRow, User
from recommender.citizen import parse_value
from recommender.errors import InvalidCitizenError
from recommender.numbers import decimal
from recommender.phrases import DECISION_REASONS, support_label
from recommender.recommendation import value_label
from recommender.recommending.scope import SCOPE_CODES
from recommender.vocab import FIELDS, OFFER, OUTCOME
from recommender.web.pages import Adviser, error_page, page, redirect
from recommender.web.sentences import decision_sentence, field_sentence
from recommender.web.session import (
    SHOWN_MAX,
    check_csrf,
    language,
    read_form,
    remember_citizen,
    shown_citizen,
)
from recommender.web.text import rule_name, translate
from recommender.web.typology import extra_view

__all__ = ["result_page", "router", "view"]

router = APIRouter(include_in_schema=False)


def _text(message: Any, lang: str) -> str:
    """A ``{"da": …, "en": …}`` message (or a plain string) in ``lang``."""
    if isinstance(message, dict):
        return str(message.get(lang) or message.get("da") or "")
    return "" if message is None else str(message)


def _field(name: str, lang: str) -> str:
    spec = FIELDS.get(name)
    return name if spec is None else (spec.da if lang == "da" else spec.en)


def _offer(o: dict[str, Any], lang: str) -> dict[str, Any]:
    lo, hi = o["score_interval"]
    guard = o.get("guard") or None
    return {
        "rank": o["rank"],
        "code": o["offer"],
        "label": o["label_da"] if lang == "da" else o["label_en"],
        "advised": o["advised"],
        "score": o["score"],
        "low": lo,
        "high": hi,
        "chances": [
            {
                "code": k,
                "label": OUTCOME.label(k, lang),
                "p": p,
                "low": o["intervals"][k][0],
                "high": o["intervals"][k][1],
            }
            for k, p in o["probabilities"].items()
        ],
        "support": o["support"],
        "evidence": o["evidence"],
        "p_best": o.get("p_best"),
        "blocked_reason": _text(guard["reason"], lang) if guard and guard.get("level") == "block" else None,
        "reasons": [_text(r, lang) for r in o["reasons"] if r.get("code") != "blocked"],
        "warnings": [_text(w, lang) for w in o["warnings"]],
    }


def _verdict(contract: dict[str, Any], lang: str, labels: dict[str, str]) -> dict[str, Any]:
    """The verdict line: the contract's own message when it has one, else built from its fields, else
    (older contracts without a verdict) the first advised offer."""
    verdict = contract.get("verdict")
    if isinstance(verdict, dict):
        message = verdict.get("message")
        if message:  # a target-group or no-offer-fits verdict (issue 26) is never shown as a clear choice
            scope = verdict.get("code") in SCOPE_CODES
            state = "unclear" if scope else _state(verdict.get("distinguishable"))
            return {"state": state, "text": _text(message, lang)}
        names = [labels.get(c, c) for c in verdict.get("indistinct") or ()]
        if verdict.get("distinguishable") and verdict.get("first"):
            return {"state": "clear", "key": "clear_first", "offer": labels.get(verdict["first"], "")}
        if names:
            return {"state": "unclear", "key": "no_clear", "offers": names}
    top = contract.get("top_offer")
    if top is None:
        return {"state": "unclear", "key": "none_advised"}
    return {"state": "none", "key": "first_advised", "offer": labels.get(top, top)}


def _state(distinguishable: object) -> str:
    return "clear" if distinguishable else "unclear"


def view(contract: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the result page shows, in ``lang``, taken from the contract."""
    typ, lf = contract["typology"], contract["labour_force"]
    offers = [_offer(o, lang) for o in contract["offers"]]
    labels = {o["code"]: o["label"] for o in offers}
    return {
        "citizen_id": contract["citizen_id"],
        "provenance": _text(contract.get("provenance"), lang) or None,
        "verdict": _verdict(contract, lang, labels),
        "ranking_message": _text((contract.get("verdict") or {}).get("ranking_message"), lang) or None,
        "order_rule": _text(contract.get("order_rule"), lang) or None,
        "top_warnings": [_text(w, lang) for w in contract["warnings"] if w.get("code") == "sparse_data"],
        "typology": {
            "label": typ["label_da"] if lang == "da" else typ["label_en"],
            "rule": rule_name(typ, lang),
            "description": _text(typ["description"], lang),
            "conditions": [
                {
                    "met": c["met"],
                    "field": _field(c["field"], lang),
                    "value": value_label(c["field"], c["value"], lang),
                }
                for c in typ["conditions"]
            ],
            "notes": [_text(n, lang) for n in typ["notes"]],
        },
        "labour_force": {
            "active": lf["active"],
            "met": sum(bool(c["met"]) for c in lf["criteria"].values()),
            "criteria": [
                {"met": c["met"], "field": _field(name, lang), "value": value_label(name, c["value"], lang)}
                for name, c in lf["criteria"].items()
            ],
            "missing": [_field(name, lang) for name, c in lf["criteria"].items() if not c["met"]],
        },
        "offers": sorted(offers, key=lambda o: o["rank"]),
        "advised": [o for o in offers if o["advised"]],
        "blocked": [o for o in offers if not o["advised"]],
        "top_offer": contract.get("top_offer"),
        "weights": ", ".join(
            f"{OUTCOME.label(k, lang).split(' /')[0]} {decimal(w, None, lang)}"
            for k, w in contract["outcome_weights"].items()
        ),
        "notes": [_text(n, lang) for n in contract["notes"]],
        "warnings": [_text(w, lang) for w in contract["warnings"] if w.get("code") != "sparse_data"],
        "model": contract["model"],
        "rules_version": contract["rules_version"],
        "statement": _text(contract["statement"], lang),
    }


def _decision_body(form: dict[str, str]) -> DecisionIn:
    """The API's decision body from the form (a too-long text is the API's 422)."""
    try:
        return DecisionIn(
            offer=form.get("offer", ""),
            reason=form.get("reason") or None,
            comment=form.get("comment") or None,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "comment"
        raise CaseError(
            422, "invalid_input", field=field, da=f"{field}: {err['msg']}", en=f"{field}: {err['msg']}"
        ) from None


def result_page(
    request: Request, session: Session, user: User, row: RecommendationRow, status: int = 200, **context: Any
) -> Response:
    """The result page for ``row``; ``context`` carries a refused form's values and errors
    (``form``/``errors`` for the decision, ``closure_form``/``closure_errors``, ``id_error``) and,
    for the what-if of issue 26, ``engine``."""
    lang = language(request)
    shown = shown_citizen(request, row.public_id)
    before, newest = earlier_and_latest(session, user, row)
    engine: RecommenderEngine | None = context.pop("engine", None)
    rec = view(row.contract, lang)
    rec["extra"] = extra_view(row, lang, engine, request.query_params.get("fejl"))
    return page(
        request,
        "result.html",
        status,
        user=user,
        rec=rec,
        row=row,
        citizen_shown=shown or translate("unknown_id", lang),
        citizen_known=shown is not None,
        existing=before,
        decision=row.decision,
        closure_latest=newest,
        offers=[(i.code, i.da if lang == "da" else i.en) for i in OFFER.items],
        outcome_codes=OUTCOME.codes,
        offer_label=lambda code: OFFER.label(code, lang),
        outcome_label=lambda code: OUTCOME.label(code, lang),
        support_label=lambda support: support_label(support, lang),
        reasons=[(code, da if lang == "da" else en) for code, (da, en) in DECISION_REASONS.items()],
        reused=context.pop("reused", None),
        form=context.pop("form", None) or {"offer": row.top_offer or ""},
        errors=context.pop("errors", None) or {},
        closure_form=context.pop("closure_form", None),
        closure_errors=context.pop("closure_errors", None),
        id_error=context.pop("id_error", None),
    )


@router.get("/recommendations/{recommendation_id}", response_class=HTMLResponse)
def result(
    request: Request,
    session: DbSession,
    user: Adviser,
    engine: CurrentEngine,
    recommendation_id: PageRecommendationId,
    hvad: bool = False,
) -> Response:
    try:
        row = find(session, user, recommendation_id, "recommendation.read")
    except CaseError as exc:
        return error_page(request, user, exc)
    audit.record(
        session, "recommendation.read", status=200, user=user, resource=f"recommendation:{row.public_id}"
    )
    session.commit()
    reused = request.session.pop("reused", None)
    moment = row.created_at if reused == row.public_id else None
    return result_page(request, session, user, row, reused=moment, engine=engine if hvad else None)


@router.post("/recommendations/{recommendation_id}/decision", response_class=HTMLResponse)
async def record_decision(
    request: Request,
    session: DbSession,
    pseudonyms: Pseudonyms,
    user: Adviser,
    recommendation_id: PageRecommendationId,
) -> Response:
    form = await read_form(request)
    check_csrf(request, form)
    try:
        decide(session, pseudonyms, user, recommendation_id, _decision_body(form))
    except CaseError as exc:
        if exc.status == 404:
            return error_page(request, user, exc)
        row = find(session, user, recommendation_id, "decision.create")
        lang = language(request)
        message = (
            decision_sentence(exc.field, form, lang)
            if exc.status == 422
            else (exc.da if lang == "da" else exc.en)
        )
        return result_page(
            request, session, user, row, exc.status, form=form, errors={exc.field or "offer": message}
        )
    return redirect(f"/recommendations/{recommendation_id}#decision")


@router.post("/recommendations/{recommendation_id}/citizen", response_class=HTMLResponse)
async def type_citizen(
    request: Request,
    session: DbSession,
    pseudonyms: Pseudonyms,
    user: Adviser,
    recommendation_id: PageRecommendationId,
) -> Response:
    """The adviser types the citizen id again (a new session): checked against the stored pseudonym,
    then kept in the signed session for this recommendation and the citizen's others."""
    form = await read_form(request)
    check_csrf(request, form)
    try:
        row = find(session, user, recommendation_id, "recommendation.read")
    except CaseError as exc:
        return error_page(request, user, exc)
    lang = language(request)
    typed = form.get("citizen_id", "")[:200]
    try:
        ref = citizen_ref(pseudonyms, typed)
    except InvalidCitizenError as exc:
        return result_page(request, session, user, row, 422, id_error=field_sentence(exc.problems[0], lang))
    if ref != row.citizen_ref:
        return result_page(request, session, user, row, 422, id_error=translate("ask_id_wrong", lang))
    rows = history(session, user, ref)
    shown = str(parse_value(FIELDS["citizen_id"], typed)[0])
    remember_citizen(request, [r.public_id for r in rows[:SHOWN_MAX]], shown)
    return redirect(f"/recommendations/{row.public_id}")
