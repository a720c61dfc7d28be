"""Rendering a page: the Jinja2 templates, the logged-in adviser, the error pages.

Every page gets ``t`` (the phrase in the page language), ``lang``, ``csrf`` (the form token) and
``user``. Responses carry a strict Content-Security-Policy (only this site's own files: no CDN, no
inline script); the service marks every response ``no-store`` (they show personal data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select

from recommender.api.deps import DbSession
from recommender.cases.tables import AuditEvent, User
from recommender.numbers import decimal, percent
from recommender.text import redact
from recommender.web.session import csrf_token, language, session_key
from recommender.web.text import translate

__all__ = [
    "HEADERS",
    "LOCAL",
    "STATIC",
    "Adviser",
    "Analyst",
    "LoginRequired",
    "Visitor",
    "WEB_ROLES",
    "WrongRole",
    "adviser",
    "analyst",
    "error_page",
    "home",
    "local_day",
    "local_time",
    "page",
    "redirect",
]

WEB_ROLES = ("adviser", "analyst")  # who may log in to the page; each role has its own pages

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "Referrer-Policy": "same-origin",
}  # Cache-Control: no-store and nosniff come from the service's NoStore middleware for every response

_NUMBER_SPACE = re.compile(r"(?<=\d) (?=%)")


def _unbroken(value: Any) -> Any:
    """Every printed value with a no-break space between a number and its "%" ("8 %" never breaks
    across lines, as Danish typesetting wants), and with every CPR-shaped run hidden
    (:func:`recommender.text.redact`: the one place every page passes through, so no refilled box, error
    or name shows a CPR number back). Markup stays Markup, so it is not escaped twice."""
    if not isinstance(value, str):
        return value
    return type(value)(redact(_NUMBER_SPACE.sub("\u00a0", value)))


_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_unbroken,
)


_env.filters["pct"] = percent  # "46 %", printed with a no-break space by ``_unbroken``


def _decimal(x: float, lang: str) -> str:  # the templates' ``num(lang)``
    return decimal(x, 2, lang)


LOCAL = ZoneInfo("Europe/Copenhagen")  # every time on the page and the printouts is Danish local time
_MONTHS = {
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def local_time(moment: datetime) -> str:
    """A stored (UTC) moment as Danish local time, ``YYYY-MM-DD HH:MM`` (summer time included).

    >>> local_time(datetime(2026, 7, 1, 22, 5, tzinfo=timezone.utc)), local_time(datetime(2026, 1, 5, 8, 0))
    ('2026-07-02 00:05', '2026-01-05 09:00')
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def local_day(moment: datetime | date, lang: str) -> str:
    """The local day written out, for a letter: ``7. december 2026`` / ``7 December 2026``.

    >>> local_day(datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc), "da")
    '7. december 2026'
    """
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
        moment = aware.astimezone(LOCAL).date()
    month = _MONTHS["da" if lang == "da" else "en"][moment.month - 1]
    return f"{moment.day}. {month} {moment.year}" if lang == "da" else f"{moment.day} {month} {moment.year}"


_env.filters["num"] = _decimal
_env.filters["local"] = local_time
_env.filters["day"] = local_day


class LoginRequired(Exception):
    """The page needs a logged-in user (answered with a redirect to the login page)."""


@dataclass(frozen=True)
class Visitor:
    """What the page header shows of a logged-in user (read while her database session is open)."""

    name: str
    role: str
    municipality: str | None


class WrongRole(Exception):
    """A logged-in user asked for a page of the other role (answered with a 403 page)."""

    def __init__(self, user: User):
        super().__init__(user.role)
        self.user = Visitor(user.name, user.role, user.municipality)


def home(role: str) -> str:
    """Where a role lands after login: the intake form (advisers) or the monitoring page (analysts).

    >>> home("adviser"), home("analyst")
    ('/', '/monitor')
    """
    return "/monitor" if role == "analyst" else "/"


def _revoked(session: DbSession, key: str, since: int) -> bool:
    """Whether the session ``key`` was logged out (the audit trail's ``logout`` events since it began)."""
    start = datetime.fromtimestamp(since, timezone.utc)
    return (
        session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.action == "logout", AuditEvent.at >= start, AuditEvent.detail == f"web {key}")
            .limit(1)
        )
        is not None
    )


def _logged_in(request: Request, session: DbSession, role: str) -> User:
    uid = request.session.get("uid")
    key = session_key(request)  # None: no session id, or older than the absolute lifetime
    user = session.get(User, uid) if isinstance(uid, int) and key is not None else None
    if (
        user is None
        or not user.active
        or user.role not in WEB_ROLES
        or _revoked(session, key or "", request.session.get("iat", 0))
    ):
        request.session.clear()
        raise LoginRequired
    if user.role != role:
        raise WrongRole(user)
    return user


def adviser(request: Request, session: DbSession) -> User:
    """The logged-in, active adviser of this session, else :class:`LoginRequired` (:class:`WrongRole`
    for a logged-in analyst)."""
    return _logged_in(request, session, "adviser")


def analyst(request: Request, session: DbSession) -> User:
    """The logged-in, active analyst of this session, else :class:`LoginRequired` (:class:`WrongRole`
    for a logged-in adviser)."""
    return _logged_in(request, session, "analyst")


Adviser = Annotated[User, Depends(adviser)]
Analyst = Annotated[User, Depends(analyst)]


def page(
    request: Request, template: str, status: int = 200, user: User | Visitor | None = None, **context: Any
) -> HTMLResponse:
    """Render ``template`` in the session's language."""
    lang = language(request)

    def t(key: str, **values: object) -> str:
        text = translate(key, lang)
        return text.format(**values) if values else text

    html = _env.get_template(template).render(
        t=t, lang=lang, csrf=csrf_token(request), user=user, path=request.url.path, **context
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def error_page(request: Request, user: User | None, error: Any) -> HTMLResponse:
    """An error the API would answer in JSON (404, 403, 503), as a page in the session's language."""
    lang = language(request)
    message = getattr(error, "da" if lang == "da" else "en", None) or str(error)
    return page(request, "error.html", getattr(error, "status", 500), user=user, message=message, key=None)


def redirect(url: str) -> RedirectResponse:
    """A 303 (see other): after a POST the browser GETs ``url``."""
    return RedirectResponse(url, status_code=303)
