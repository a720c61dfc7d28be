"""What a route is given (FastAPI dependencies): a database session, the served engine, the
pseudonymiser and the authenticated user, taken from ``app.state`` (set by
:func:`recommender.server.create_app`). The web page's routes use the first three too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from recommender.api.errors import ApiError
from recommender.cases import accounts, audit
from recommender.cases.engine import RecommenderEngine
from recommender.cases.keys import Pseudonymiser
from recommender.cases.public_ids import PUBLIC_ID_LENGTH, PUBLIC_ID_PATTERN
from recommender.cases.tables import User

__all__ = [
    "CurrentEngine",
    "DbSession",
    "PageRecommendationId",
    "Pseudonyms",
    "RecommendationId",
    "current_user",
    "require",
]

_bearer = HTTPBearer(auto_error=False, description="`recommender tokens issue NAME` prints a token")


def _session(request: Request) -> Iterator[Session]:
    session = request.app.state.db.sessions()
    try:
        yield session
    finally:
        session.rollback()  # anything a route did not commit is not kept
        session.close()


def _engine(request: Request, session: DbSession) -> RecommenderEngine:
    # a promoted model is swapped in here (never raises), read through the request's own session: a
    # second connection while a dependency holds the first would wait forever on SQLite's pool of one
    fresh = not session.in_transaction()
    request.app.state.champion.check(session)
    if fresh:
        # End the registry read now: a connection held into the next dependency (another worker
        # thread) waited for a free thread while every thread waited for that connection (issue 27).
        # A transaction an earlier dependency began (a page's logged-in user) is left as it was.
        session.rollback()
    return request.app.state.engines.current  # read once per request: one model for the whole request


def _pseudonyms(request: Request) -> Pseudonymiser:
    return request.app.state.pseudonyms


DbSession = Annotated[Session, Depends(_session)]
CurrentEngine = Annotated[RecommenderEngine, Depends(_engine)]
Pseudonyms = Annotated[Pseudonymiser, Depends(_pseudonyms)]
_ID_TEXT = f"the opaque id POST returned ({PUBLIC_ID_LENGTH} characters A-Z a-z 0-9 - _; issue 28)"
#: A recommendation's opaque public id in an API path (issue 28): another shape is a 422 naming
#: ``recommendation_id`` before the route runs (the JSON error handler hides a CPR-shaped value).
RecommendationId = Annotated[str, Path(description=_ID_TEXT, pattern=PUBLIC_ID_PATTERN)]
#: The same in a web page's path: the case logic's look-up checks the shape, so a malformed id gets the
#: page's Danish "findes ikke" (404) as a missing one does, not the API's JSON.
PageRecommendationId = Annotated[str, Path(description=_ID_TEXT)]

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def current_user(
    session: DbSession, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    """The token's user; 401 (and an ``auth.denied`` audit event) without a valid token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, headers=_UNAUTHORIZED)
    user = accounts.authenticate(session, credentials.credentials)
    if user is None:  # anonymous: counted, at most one row a minute (issue 28)
        if audit.record_anonymous(
            session, "auth.denied", status=401, detail="invalid, expired or revoked token"
        ):
            session.commit()
        raise ApiError(401, headers=_UNAUTHORIZED)
    # End the read transaction now: the connection goes back to the pool while the route computes
    # (the user keeps its loaded attributes, detached from the session).
    session.expunge(user)
    session.rollback()
    return user


def require(*roles: str) -> Callable[..., User]:
    """A dependency: the current user, who must have one of ``roles`` (else 403, audited)."""

    def dependency(session: DbSession, user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            audit.record(
                session, "access.denied", status=403, user=user, detail=f"needs role {'|'.join(roles)}"
            )
            session.commit()
            raise ApiError(
                403,
                "forbidden",
                da=f"Kræver rollen {' eller '.join(roles)}.",
                en=f"Requires the role {' or '.join(roles)}.",
            )
        return user

    return dependency
