"""Login, logout and the language switch.

A login checks the password with :func:`recommender.cases.accounts.verify_password` (Argon2id) and
records ``login.ok`` or ``login.failed`` in the audit trail. Before the check, the check is counted for
the login name in the database, atomically (:mod:`recommender.cases.lockout`), whether an account has
that name or not (so the answers do not tell): of the checks in one :data:`WINDOW` only the first
:data:`MAX_FAILURES` are made, whichever worker process or machine serves them; the name is then
locked until the window ends, the password is not even checked, and ``login.locked`` is counted
anonymously (at most one row a minute per process). A successful login starts the count again.

The password check (Argon2id: about a core and 64 MiB for a fraction of a second) and its database
calls run in a worker thread, never on the event loop, so a flood of logins does not stop other
requests (issue 28). At most :data:`LOGIN_WORKERS` logins are checked at once in a process, and at most
:data:`LOGIN_QUEUE` wait for their turn; a login beyond that is answered 503 at once, without work.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from recommender.api.deps import DbSession
from recommender.cases import accounts, audit, lockout
from recommender.cases.lockout import MAX_FAILURES, WINDOW, locked_until
from recommender.cases.tables import User, utcnow
from recommender.text import has_cpr
from recommender.web.pages import WEB_ROLES, home, page, redirect
from recommender.web.session import check_csrf, read_form, session_key, start_session
from recommender.web.text import LANGUAGES

__all__ = [
    "LOGIN_QUEUE",
    "LOGIN_WORKERS",
    "MAX_FAILURES",
    "WINDOW",
    "locked_until",
    "login_url",
    "router",
    "safe_next",
]

router = APIRouter(include_in_schema=False)
LOGIN_WORKERS = 1  # one core for password checks; the other serves everything else
LOGIN_QUEUE = 16


def _resource(name: str) -> str:
    """The audit resource for a login name (a CPR-shaped name typed by mistake is never stored)."""
    return "user:<skjult/hidden>" if has_cpr(name) else f"user:{name[:64]}"


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (never another host).

    >>> safe_next("/recommendations/3"), safe_next("//evil.example/x"), safe_next("https://x.dk")
    ('/recommendations/3', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return page(request, "login.html", next=safe_next(next), error=None, username="")


@dataclass(frozen=True)
class _Outcome:
    """What the password check found (computed in a worker thread)."""

    status: int
    user_id: int | None = None
    role: str | None = None
    minutes: int = 0


class _Gate:
    """The bound on login work in this process: LOGIN_WORKERS slots and a count of the
    logins waiting for one (made in the event loop on first use)."""

    slots: asyncio.Semaphore | None = None
    loop: asyncio.AbstractEventLoop | None = None
    waiting = 0


def _check_login(db, name: str, password: str) -> _Outcome:  # type: ignore[no-untyped-def]
    """The lock-out count, the password check and the audit event (in a worker thread). The check is
    counted in the database before it is made (:func:`recommender.cases.lockout.reserve`), so parallel
    guesses on any number of processes and machines get :data:`MAX_FAILURES` checks in all. The
    database is held only for the two short transactions around the hash, never while it is computed."""
    with db.session() as session:
        found = session.scalar(select(User).where(User.name == name)) if name and password else None
        user_id = found.id if found is not None and found.active else None
        stored = found.password_hash if user_id is not None else None  # type: ignore[union-attr]
        if name and password:  # every name counts, an account's or not: a 429 tells nothing about it
            reservation = lockout.reserve(session, name)
            if not reservation.allowed:  # anonymous, counted, at most one row a minute per process
                audit.record_anonymous(
                    session,
                    "login.locked",
                    status=429,
                    detail="web login refused: too many failures",
                    resource=f"name-sha256:{lockout.name_hash(name)}",
                )
                seconds = (reservation.until - utcnow()).total_seconds()
                return _Outcome(429, minutes=max(1, math.ceil(seconds / 60)))
    ok = accounts.password_matches(stored, password) if name and password else False
    with db.session() as session:
        user = session.get(User, user_id) if ok and user_id is not None else None
        if user_id is None and not ok:  # no such (active) account: anonymous, counted, not one row each
            audit.record_anonymous(session, "login.failed", status=401, detail="web login: no such account")
            return _Outcome(401)
        if user is None or not user.active:
            audit.record(session, "login.failed", status=401, resource=_resource(name), detail="web login")
            return _Outcome(401)
        if user.role not in WEB_ROLES:
            audit.record(
                session,
                "login.failed",
                status=403,
                user=user,
                resource=_resource(name),
                detail="web login: not an adviser or analyst",
            )
            return _Outcome(403, role=user.role)
        lockout.reset(session, name)
        audit.record(session, "login.ok", status=200, user=user, resource=_resource(name), detail="web login")
        return _Outcome(200, user.id, user.role)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await read_form(request)
    target = safe_next(form.get("next"))
    name = form.get("username", "").strip()[:200]
    password = form.get("password", "")
    check_csrf(request, form)
    if _Gate.loop is not asyncio.get_running_loop():  # one gate per event loop (a test client has its own)
        _Gate.slots, _Gate.loop, _Gate.waiting = (
            asyncio.Semaphore(LOGIN_WORKERS),
            asyncio.get_running_loop(),
            0,
        )
    if _Gate.waiting >= LOGIN_QUEUE:  # bounded work: refuse at once, without hashing or writing
        response = page(request, "login.html", 503, next=target, username=name, error=("login_busy", {}))
        response.headers["Retry-After"] = "5"
        return response
    _Gate.waiting += 1
    try:
        assert _Gate.slots is not None
        async with _Gate.slots:
            outcome = await asyncio.to_thread(_check_login, request.app.state.db, name, password)
    finally:
        _Gate.waiting -= 1
    if outcome.status == 429:
        return page(
            request,
            "login.html",
            429,
            next=target,
            username=name,
            error=("login_locked", {"m": outcome.minutes}),
        )
    if outcome.status == 401:
        return page(request, "login.html", 401, next=target, username=name, error=("login_failed", {}))
    if outcome.status == 403:
        return page(
            request,
            "login.html",
            403,
            next=target,
            username=name,
            error=("login_role", {"role": outcome.role}),
        )
    assert outcome.user_id is not None and outcome.role is not None
    start_session(request, outcome.user_id)  # a fresh session id, start and CSRF token
    return redirect(home(outcome.role) if target == "/" else target)


@router.post("/logout")
async def logout(request: Request, session: DbSession) -> Response:
    form = await read_form(request)
    check_csrf(request, form)
    uid = request.session.get("uid")
    user = session.get(User, uid) if isinstance(uid, int) else None
    key = session_key(request)
    if user is not None:  # the session's id is recorded: a copy of this cookie no longer works
        audit.record(
            session,
            "logout",
            status=200,
            user=user,
            resource=_resource(user.name),
            detail=f"web {key}" if key else "web",
        )
        session.commit()
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return redirect("/login")


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> RedirectResponse:
    """Switch the page language (a plain link: works without JavaScript)."""
    if code in LANGUAGES:
        request.session["lang"] = code
    return RedirectResponse(safe_next(next), status_code=303)


def login_url(request: Request) -> str:
    """The login page, coming back to the page asked for."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(safe_next(target), safe='/')}"
