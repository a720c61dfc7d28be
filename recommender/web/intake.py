"""The intake form (``/``): every field of spec §3, posted to the case logic's ``create`` (the API's too).

Controls follow the vocabulary (:data:`recommender.vocab.FIELDS`): a field's ``name`` is its code, an
option's ``value`` is the code, labels are the vocabulary's Danish (or English) labels. Bad input is
shown next to the field as a sentence in the page language
(:func:`~recommender.web.sentences.field_sentence`), with the values typed kept. The same answers
submitted again the same day show the open recommendation they gave
(:func:`~recommender.cases.recommendations.open_same`) instead of storing a second one.

>>> [c.name for c in CONTROLS][:3]
['citizen_id', 'municipality', 'years_in_denmark']
>>> sorted(c.name for c in CONTROLS) == sorted(FIELDS)
True
>>> next(c for c in CONTROLS if c.name == "active_job_seeker").kind
'radio'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from recommender.api.deps import CurrentEngine, DbSession, Pseudonyms
from recommender.cases.engine import RecommenderEngine
from recommender.cases.errors import CaseError
from recommender.cases.keys import Pseudonymiser
from recommender.cases.recommendations import create, open_same
from recommender.cases.tables import RecommendationRow, User
from recommender.citizen import parse_value
from recommender.errors import InvalidCitizenError
from recommender.vocab import BOOLEAN, FIELDS, MUNICIPALITIES, FieldSpec
from recommender.web.pages import LOCAL, Adviser, page, redirect
from recommender.web.sentences import field_sentence
from recommender.web.session import check_csrf, language, read_form, remember_citizen
from recommender.web.text import HELP, translate

__all__ = ["CONTROLS", "GROUPS", "Control", "record_from_form", "router"]

router = APIRouter(include_in_schema=False)

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "group_person",
        ("citizen_id", "municipality", "years_in_denmark", "children_under_18", "contact_route"),
    ),
    ("group_education", ("danish_course", "education_home", "education_dk", "language_sufficient")),
    (
        "group_criteria",
        (
            "active_job_seeker",
            "geographically_mobile",
            "searches_broadly",
            "can_start_within_14_days",
            "wants_employment",
        ),
    ),
    (
        "group_resources",
        (
            "spouse_support",
            "network_use",
            "job_goal_level",
            "job_goal",
            "education_plan",
            "entrepreneurship_interest",
        ),
    ),
    ("group_situation", ("integration_programme", "health_barrier", "work_experience")),
    ("group_audit", ("gender", "origin", "nationality")),
)
_WHOLE = re.compile(r"^\s*-?[0-9]{1,6}\s*$")
RADIO_MAX = 3  # required choices of up to three options are radio buttons (one click each)


@dataclass(frozen=True)
class Control:
    """How one intake field is asked: ``radio``, ``select``, ``number`` or ``text``."""

    name: str
    kind: str
    spec: FieldSpec
    options: tuple[tuple[str, str, str], ...] = ()  # (code, Danish label, English label)

    def label(self, lang: str) -> str:
        return self.spec.da if lang == "da" else self.spec.en


def _control(spec: FieldSpec) -> Control:
    if spec.kind == "int":
        return Control(spec.name, "number", spec)
    if spec.kind == "str":
        return Control(spec.name, "text", spec)
    scale = BOOLEAN if spec.kind == "bool" else spec.scale
    assert scale is not None
    options = tuple((i.code, i.da, i.en) for i in scale.items)
    kind = "radio" if spec.required and len(options) <= RADIO_MAX else "select"
    return Control(spec.name, kind, spec, options)


CONTROLS: tuple[Control, ...] = tuple(_control(FIELDS[name]) for _, names in GROUPS for name in names)
_GROUPED = tuple((key, tuple(c for c in CONTROLS if c.name in names)) for key, names in GROUPS)


def record_from_form(form: dict[str, str]) -> dict[str, object]:
    """The intake record from the posted form: every field the page has, blank optional fields left
    out (their defaults apply), blank required fields left out (refused as missing, not guessed). A
    count typed as a whole number is sent as a number, so an error reads as the CLI's for JSON.

    >>> record_from_form({"citizen_id": " A1 ", "job_goal": "", "years_in_denmark": "120", "csrf_token": "x"})
    {'citizen_id': ' A1 ', 'years_in_denmark': 120}
    """
    record: dict[str, object] = {}
    for c in CONTROLS:
        text = form.get(c.name, "")
        if text.strip():
            record[c.name] = int(text) if c.kind == "number" and _WHOLE.match(text) else text
    return record


def _form_page(
    request: Request, user: User, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return page(
        request,
        "intake.html",
        status,
        user=user,
        groups=_GROUPED,
        values=values,
        errors=errors,
        municipalities=MUNICIPALITIES,
        help=HELP,
    )


@router.get("/", response_class=HTMLResponse)
def intake_form(request: Request, user: Adviser) -> Response:
    return _form_page(request, user, {"municipality": user.municipality or ""}, {})


@router.post("/", response_class=HTMLResponse)
async def submit_intake(
    request: Request, session: DbSession, engine: CurrentEngine, pseudonyms: Pseudonyms, user: Adviser
) -> Response:
    form = await read_form(request)
    check_csrf(request, form)
    values = {c.name: form.get(c.name, "") for c in CONTROLS}
    lang = language(request)
    record = record_from_form(form)
    try:
        # the database and recommend() in a worker thread, not on the event loop every request shares
        new_id, same = await run_in_threadpool(_store, session, engine, pseudonyms, user, record)
    except InvalidCitizenError as exc:
        errors: dict[str, str] = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, field_sentence(problem, lang))
            if not problem.show and problem.field in values:  # a CPR-shaped value is not sent back
                values[problem.field] = ""
        return _form_page(request, user, values, errors, 422)
    except CaseError as exc:  # another municipality's citizen (403), refused and audited by create()
        message = translate("other_municipality", lang).format(m=user.municipality or "")
        return _form_page(request, user, values, {exc.field or "municipality": message}, exc.status)
    typed = str(parse_value(FIELDS["citizen_id"], form["citizen_id"])[0])
    remember_citizen(request, [new_id], typed)
    if same is not None:
        request.session["reused"] = same.public_id
    return redirect(f"/recommendations/{new_id}")


def _store(
    session: Session,
    engine: RecommenderEngine,
    pseudonyms: Pseudonymiser,
    user: User,
    record: dict[str, object],
) -> tuple[str, RecommendationRow | None]:
    """The open recommendation the same answers gave today, or a new one: its public id (and the row
    when it was already there)."""
    same = open_same(session, engine, pseudonyms, user, record, _start_of_today())
    if same is not None:
        return same.public_id, same
    return create(session, engine, pseudonyms, user, record)[0], None


def _start_of_today() -> datetime:
    """Midnight today, Danish local time (the day a re-submission is compared within)."""
    return datetime.now(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
