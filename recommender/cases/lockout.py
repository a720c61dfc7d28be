"""The lock-out on failed logins, counted in the database (issue 28, point 14).

Before a password is checked, :func:`reserve` counts the check for the login name with one atomic
statement, ``INSERT ... ON CONFLICT (name_hash) DO UPDATE SET failures = failures + 1 ... RETURNING``
(SQLite and PostgreSQL alike): the database serialises the statements on the name's row, so of any
number of parallel guesses from any number of worker processes on any number of machines sharing the
database, exactly :data:`MAX_FAILURES` get a number up to :data:`MAX_FAILURES` and reach the password
check; the rest are refused without it. A window starts with the first check after the last one ended
and lasts :data:`WINDOW`; the name is locked from the check past :data:`MAX_FAILURES` until the window
ends. A successful login deletes the name's row (:func:`reset`), so the count is of the failures since.

Every login name is counted the same way, whether an account has it or not (issue 28, review): a
made-up name is refused after :data:`MAX_FAILURES` checks exactly like a real one, so the answers do not
tell whether an account exists. The table is kept bounded by :func:`prune`, which deletes the rows whose
window is over; :func:`reserve` runs it at most once per :data:`PRUNE_INTERVAL` per process and database
(one indexed ``DELETE`` on ``window_start``). A row therefore lives at most :data:`WINDOW` plus
:data:`PRUNE_INTERVAL` (or until the next login after that), and since each new name costs one Argon2
check, the table holds at most about that span divided by the time of one check, per login worker.

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
>>> with db.session() as session:  # a window later, the expired row is deleted
...     prune(session, now=utcnow() + WINDOW + timedelta(seconds=1))
1
>>> db.dispose(); shutil.rmtree(folder)
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from recommender.cases.tables import LoginAttempts, UTCDateTime, utcnow

__all__ = [
    "MAX_FAILURES",
    "PRUNE_INTERVAL",
    "WINDOW",
    "Reservation",
    "locked_until",
    "name_hash",
    "prune",
    "reserve",
    "reset",
]

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
PRUNE_INTERVAL = 60.0  # seconds between two prunes by one process of one database
# per database engine: time.monotonic() of this process's last prune
_pruned: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_pruned_lock = threading.Lock()


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
    if _prune_due(session.get_bind().engine):
        prune(session, now)
    return Reservation(int(number), start + WINDOW)


def _prune_due(engine: Engine) -> bool:
    """Whether this process last pruned this database :data:`PRUNE_INTERVAL` or more ago (and it is
    now its turn: one thread at a time)."""
    now = time.monotonic()
    with _pruned_lock:
        if now - _pruned.get(engine, -PRUNE_INTERVAL) < PRUNE_INTERVAL:
            return False
        _pruned[engine] = now
        return True


def prune(session: Session, now: datetime | None = None) -> int:
    """Delete the rows whose window is over (their next check starts a new window anyway), so names
    nobody uses again, made-up ones included, do not stay. How many rows were deleted."""
    now = now or utcnow()
    result = session.execute(delete(LoginAttempts).where(LoginAttempts.window_start <= now - WINDOW))
    return int(result.rowcount)  # type: ignore[attr-defined]


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
