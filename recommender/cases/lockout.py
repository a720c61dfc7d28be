"""The lock-out on failed logins, counted in the database (issue 28, point 14).

Before a password is checked, :func:`reserve` counts the check for the login name with one atomic
statement, ``INSERT ... ON CONFLICT (name_hash) DO UPDATE SET failures = failures + 1 ... RETURNING``
(SQLite and PostgreSQL alike): the database serialises the statements on the name's row, so of any
number of parallel guesses from any number of worker processes on any number of machines sharing the
database, exactly :data:`MAX_FAILURES` get a number up to :data:`MAX_FAILURES` and reach the password
check; the rest are refused without it. A window starts with the first check after the last one ended
and lasts :data:`WINDOW`; the name is locked from the check past :data:`MAX_FAILURES` until the window
ends. A successful login deletes the name's row (:func:`reset`), so the count is of the failures since.

Only names of active accounts are counted (the caller reserves after finding the account): a flood of
made-up names adds no rows, and the table has at most one row per account.

>>> import shutil, tempfile
>>> from recommender.cases.db import open_database
>>> folder = tempfile.mkdtemp()
>>> db = open_database(f"sqlite:///{folder}/lockout.sqlite3")
>>> with db.session() as session:
...     [reserve(session, "anna").allowed for _ in range(MAX_FAILURES + 1)]
[True, True, True, True, True, False]
>>> with db.session() as session:
...     reset(session, "anna")
...     reserve(session, "anna").allowed, locked_until(session, "anna") is None
(True, True)
>>> db.dispose(); shutil.rmtree(folder)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from recommender.cases.tables import LoginAttempts, UTCDateTime, utcnow

__all__ = ["MAX_FAILURES", "WINDOW", "Reservation", "locked_until", "name_hash", "reserve", "reset"]

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Reservation:
    """A reserved password check: ``allowed`` when it is one of the window's first
    :data:`MAX_FAILURES`, else refused until ``until``."""

    number: int
    until: datetime

    @property
    def allowed(self) -> bool:
        return self.number <= MAX_FAILURES


def name_hash(name: str) -> str:
    """The key of a login name: its SHA-256 (the table holds no names).

    >>> len(name_hash("anna")), name_hash("anna") == name_hash("Anna")
    (64, False)
    """
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def reserve(session: Session, name: str, now: datetime | None = None) -> Reservation:
    """Count one password check for ``name``, atomically, and say whether it may be made."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - the service runs on these two only
        raise NotImplementedError(f"login lock-out: no atomic upsert for {dialect}")
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(LoginAttempts)
    stale = LoginAttempts.window_start <= now - WINDOW  # the last window is over: a new one starts now
    statement = (
        insert.values(name_hash=name_hash(name), failures=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[LoginAttempts.name_hash],
            set_={
                "failures": case((stale, 1), else_=LoginAttempts.failures + 1),
                "window_start": case((stale, literal(now, UTCDateTime())), else_=LoginAttempts.window_start),
            },
        )
        .returning(LoginAttempts.failures, LoginAttempts.window_start)
    )
    number, start = session.execute(statement).one()
    return Reservation(int(number), start + WINDOW)


def reset(session: Session, name: str) -> None:
    """A successful login: the name's count starts again."""
    session.execute(delete(LoginAttempts).where(LoginAttempts.name_hash == name_hash(name)))


def locked_until(session: Session, name: str, now: datetime | None = None) -> datetime | None:
    """When the lock on ``name`` ends, or ``None`` when it may try to log in."""
    now = now or utcnow()
    row = session.scalar(select(LoginAttempts).where(LoginAttempts.name_hash == name_hash(name)))
    if row is None or row.failures < MAX_FAILURES or row.window_start + WINDOW <= now:
        return None
    return row.window_start + WINDOW
