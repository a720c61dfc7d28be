"""What a route is given (FastAPI dependencies): a database session, the served engine, the
pseudonymiser and the authenticated user, taken from ``app.state`` (set by
:func:`recommender.server.create_app`). The web page's routes use the first three too."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from recommender.api.errors import ApiError
from recommender.cases import accounts, audit
from recommender.cases.champion import ChampionWatcher
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


async def _session(request: Request) -> AsyncIterator[Session]:
    # Dependencies that do no I/O are async (issue 27): each sync one cost a hop to a worker thread
    # and back, which under load was a tenth of the service's CPU. Creating a session opens nothing.
    session = request.app.state.db.sessions()
    try:
        yield session
    finally:
        if session.in_transaction():  # anything a route did not commit is not kept (database I/O)
            # Not the shared thread pool: when its threads all wait for a database connection, the
            # request holding one must still get a thread to give it back (FastAPI's own teardown of
            # a sync dependency does the same); shielded, so a cancelled request still gives it back.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_end, session, limiter=anyio.CapacityLimiter(1))
        else:
            session.close()  # nothing held: no I/O


def _end(session: Session) -> None:
    session.rollback()
    session.close()


async def _engine(request: Request, session: DbSession) -> RecommenderEngine:
    champion = request.app.state.champion
    if champion.due():  # the registry is looked at every registry_check_seconds, in a worker thread
        await run_in_threadpool(_look_at_registry, champion, session)
    return request.app.state.engines.current  # read once per request: one model for the whole request


def _look_at_registry(champion: ChampionWatcher, session: Session) -> None:
    # a promoted model is swapped in here (never raises), read through the request's own session: a
    # second connection while a dependency holds the first would wait forever on SQLite's pool of one
    fresh = not session.in_transaction()
    champion.check(session)
    if fresh:
        # End the registry read now: a connection held into the next dependency (another worker
        # thread) waited for a free thread while every thread waited for that connection (issue 27).
        # A transaction an earlier dependency began (a page's logged-in user) is left as it was.
        session.rollback()


async def _pseudonyms(request: Request) -> Pseudonymiser:
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
    _outside_a_transaction(session)
    user = accounts.authenticate(session, credentials.credentials)
    if user is None:  # anonymous: counted, at most one row a minute (issue 28)
        session.rollback()  # the row, if any, is written in a transaction of its own
        if audit.record_anonymous(
            session, "auth.denied", status=401, detail="invalid, expired or revoked token"
        ):
            session.commit()
        raise ApiError(401, headers=_UNAUTHORIZED)
    # End the read transaction now: the connection goes back to the pool while the route computes
    # (the user keeps its loaded attributes, detached from the session). On PostgreSQL this also
    # ends the autocommit of the token check: the route's writes run in a transaction again
    # (tests/api/test_service_transactions.py fails if this rollback goes).
    session.expunge(user)
    session.rollback()
    return user


def _outside_a_transaction(session: Session) -> None:
    """On PostgreSQL the token check is one SELECT in autocommit (issue 27): no ``BEGIN`` and
    ``ROLLBACK`` round trips around it, and psycopg keeps its prepared statements, which every
    ``ROLLBACK`` discards (so the hot statements were parsed and planned again on every request). The
    connection's isolation level is restored when it goes back to the pool, so the route's writes run
    in a transaction as before. SQLite keeps its own transaction handling (one file, one connection).
    """
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def require(*roles: str) -> Callable[..., Awaitable[User]]:
    """A dependency: the current user, who must have one of ``roles`` (else 403, audited)."""

    async def dependency(session: DbSession, user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            await run_in_threadpool(_record_denial, session, user, roles)
            raise ApiError(
                403,
                "forbidden",
                da=f"Kræver rollen {' eller '.join(roles)}.",
                en=f"Requires the role {' or '.join(roles)}.",
            )
        return user

    return dependency


def _record_denial(session: Session, user: User, roles: tuple[str, ...]) -> None:
    audit.record(session, "access.denied", status=403, user=user, detail=f"needs role {'|'.join(roles)}")
    session.commit()
