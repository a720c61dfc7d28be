"""The web page's session: a signed cookie, CSRF tokens for every form, and the page language.

The session cookie (``p500_session``) is signed with the service's session secret, HttpOnly,
SameSite=Lax and valid for :data:`MAX_AGE` seconds. It is marked ``Secure`` unless the page is served
on the loopback address (``127.0.0.1``, ``::1``, ``localhost``: an adviser trying the tool on her own
machine over plain http); the setting ``RECOMMENDER_COOKIE_SECURE=true|false`` overrides that choice.
Every form carries ``csrf_token``, a random value kept in the session and compared in constant time.

The cookie alone does not keep a session alive (issue 28): a login gives the session a random id
(``sid``) and its start (``iat``). Logout records the id's hash in the audit trail (``logout``), and a
session whose id was logged out is refused, so a cookie copied before logout no longer works. A session
ends :data:`MAX_AGE` seconds after login whatever it does since (the cookie's own age restarts each time
it is re-signed; ``iat`` does not).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qsl

from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from recommender.web.text import LANGUAGES

__all__ = [
    "COOKIE",
    "MAX_AGE",
    "CsrfError",
    "WebSession",
    "check_csrf",
    "csrf_token",
    "language",
    "SHOWN_MAX",
    "read_form",
    "remember_citizen",
    "session_key",
    "shown_citizen",
    "start_session",
]

COOKIE = "p500_session"
MAX_AGE = 8 * 3600  # one working day
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class CsrfError(Exception):
    """A form without the session's CSRF token (forged, or the session expired)."""


class WebSession:
    """Starlette's signed-cookie session, ``Secure`` per request: on unless served on loopback, or as
    the ``secure`` setting says when it is given."""

    def __init__(self, app: ASGIApp, secret: str, secure: bool | None = None):
        common = dict(secret_key=secret, session_cookie=COOKIE, max_age=MAX_AGE, same_site="lax")
        self._secure = SessionMiddleware(app, https_only=True, **common)  # type: ignore[arg-type]
        self._plain = SessionMiddleware(app, https_only=False, **common)  # type: ignore[arg-type]
        self.secure = secure

    def is_secure(self, scope: Scope) -> bool:
        """Whether the cookie gets the ``Secure`` flag for this connection."""
        if self.secure is not None:
            return self.secure
        if scope.get("scheme") in ("https", "wss"):
            return True
        server = scope.get("server") or ("", None)
        return str(server[0]) not in LOOPBACK

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        middleware = self._secure if self.is_secure(scope) else self._plain
        await middleware(scope, receive, send)


def start_session(request: Request, uid: int) -> None:
    """A fresh session for the user who just logged in: a new id, its start, a new CSRF token."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update(
        {
            "uid": uid,
            "sid": secrets.token_urlsafe(24),
            "iat": int(time.time()),
            **({"lang": lang} if lang else {}),
        }
    )


def session_key(request: Request) -> str | None:
    """What the audit trail records for this session at logout (a hash of its id), or ``None`` when
    the session has no id or is older than :data:`MAX_AGE` (then it is no session at all)."""
    sid, iat = request.session.get("sid"), request.session.get("iat")
    if not isinstance(sid, str) or not isinstance(iat, int) or not 0 <= time.time() - iat <= MAX_AGE:
        return None
    return "session:" + hashlib.sha256(sid.encode()).hexdigest()[:32]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: dict[str, str]) -> None:
    """Raise :class:`CsrfError` unless the form's ``csrf_token`` is the session's."""
    expected = request.session.get("csrf")
    given = form.get("csrf_token", "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfError


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body as a dict (first value of a repeated name wins;
    blank values kept, so a cleared field reads as empty, not as missing)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    form: dict[str, str] = {}
    try:
        pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=200)
    except ValueError:  # more fields than any form of the page has: nothing usable (not a crash)
        pairs = []
    for name, value in pairs:
        form.setdefault(name, value)
    return form


SHOWN_MAX = 20  # citizen ids remembered per session (newest kept)


def remember_citizen(request: Request, recommendation_ids: list[str], citizen_id: str) -> None:
    """Remember the citizen id the adviser typed for these recommendations (the database keeps only
    its pseudonym), so their pages show it; at most :data:`SHOWN_MAX`, the newest kept."""
    shown = {
        k: v for k, v in (request.session.get("shown") or {}).items() if k not in map(str, recommendation_ids)
    }
    shown.update({str(i): citizen_id for i in recommendation_ids})
    request.session["shown"] = dict(list(shown.items())[-SHOWN_MAX:])


def shown_citizen(request: Request, recommendation_id: str) -> str | None:
    """The citizen id typed in this session for the recommendation, if any."""
    value = (request.session.get("shown") or {}).get(str(recommendation_id))
    return value if isinstance(value, str) else None


def language(request: Request) -> str:
    """The page language: the session's choice, else Danish."""
    lang = request.session.get("lang")
    return lang if lang in LANGUAGES else "da"
