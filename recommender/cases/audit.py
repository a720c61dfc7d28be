"""The audit trail: who did what, when, with which model and rules, and a keyed hash of the input.

Every request that reads or writes personal data, every recommendation, decision and closure, every
refused login and every account change adds one :class:`~recommender.cases.tables.AuditEvent`.
Nothing edits or deletes events, except :func:`purge`, which removes events older than the retention
(default 24 months, never under 6; the database itself refuses updates and younger deletes).
:func:`export` gives the data protection officer the events since a date as JSON lines;
:func:`deny` records a refused request before the refusal is raised.

Failures by no one in particular (a bad bearer token, a login with a name no account has, a login
refused by the lock-out) are not one row each: :func:`record_anonymous` writes at most one row per
action per :data:`ANONYMOUS_INTERVAL` seconds in each process, counting the failures since the last one
(issue 28: ~150 bad-token requests a second had written 150 rows a second that may not be deleted for
six months).
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypedDict, cast

from sqlalchemy import Engine, Table, delete, insert, select
from sqlalchemy.orm import Session

from recommender.cases.errors import CaseError
from recommender.cases.settings import MIN_RETENTION_MONTHS
from recommender.cases.tables import AuditEvent, User, utcnow

if TYPE_CHECKING:  # the kwargs form of Unpack is typing's from Python 3.12
    from typing_extensions import Unpack

__all__ = [
    "ANONYMOUS_INTERVAL",
    "deny",
    "event_values",
    "export",
    "purge",
    "record",
    "record_anonymous",
    "retention_cutoff",
    "write_event",
]

ANONYMOUS_INTERVAL = 60.0
# (database, action) → (when its last row was written, failures since)
# per database engine (one per process and database in the service; a test's fresh database is a fresh
# engine even when its URL is the same), then per action: when the last row was written, failures since
_anonymous: weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, int]]] = weakref.WeakKeyDictionary()
_anonymous_lock = threading.Lock()


# Core, compiled once: no per-call ORM value coercion or cache key of the values
_INSERT = insert(cast(Table, AuditEvent.__table__))


class EventFacts(TypedDict, total=False):
    """What an event may say besides its action and status (see :func:`event_values`)."""

    user: User | None
    actor: str | None
    resource: str | None
    municipality: str | None
    model_version: str | None
    rules_version: str | None
    input_hash: str | None
    detail: str | None


def record(session: Session, action: str, *, status: int, **facts: Unpack[EventFacts]) -> None:
    """Insert one event in ``session``'s transaction (committed with the change it records, or alone
    for a read). A plain INSERT, not the ORM's unit of work: it is on every request's path; one
    statement compiled once, the values passed as parameters (issue 27)."""
    write_event(session, event_values(action, status=status, **facts))


def write_event(session: Session, values: dict[str, Any]) -> None:
    """Insert one event of :func:`event_values` in ``session``'s transaction."""
    session.execute(_INSERT, values)


def event_values(
    action: str,
    *,
    status: int,
    user: User | None = None,
    actor: str | None = None,
    resource: str | None = None,
    municipality: str | None = None,
    model_version: str | None = None,
    rules_version: str | None = None,
    input_hash: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """The column values of one event, as :func:`record` inserts them (for a statement that writes the
    event together with the change it records)."""
    return {
        "at": utcnow(),
        "actor": user.name if user is not None else actor,
        "role": user.role if user is not None else None,
        "action": action,
        "resource": resource,
        "municipality": municipality if municipality is not None else (user.municipality if user else None),
        "status": status,
        "model_version": model_version,
        "rules_version": rules_version,
        "input_hash": input_hash,
        "detail": detail[:500] if detail else None,
    }


def record_anonymous(
    session: Session, action: str, *, status: int, detail: str, resource: str | None = None
) -> bool:
    """Count an anonymous failure; write a row (with the count since the last row) at most once per
    :data:`ANONYMOUS_INTERVAL` seconds per action in this process. Whether a row was written. A
    ``resource`` is that of the failure that writes the row (the others are only counted)."""
    now, engine = time.monotonic(), session.get_bind().engine
    with _anonymous_lock:
        seen = _anonymous.setdefault(engine, {})
        last, count = seen.get(action, (-ANONYMOUS_INTERVAL, 0))
        count += 1
        if now - last < ANONYMOUS_INTERVAL:
            seen[action] = (last, count)
            return False
        seen[action] = (now, 0)
    record(
        session,
        action,
        status=status,
        resource=resource,
        detail=f"{detail}; {count} since the last row of this kind (at most one a minute per process)",
    )
    return True


def deny(
    session: Session,
    error: CaseError,
    action: str,
    user: User,
    resource: str | None = None,
    **facts: str | None,
) -> CaseError:
    """Record a refused request in the audit trail (committed) and return the error to raise."""
    session.rollback()
    record(session, action, status=error.status, user=user, resource=resource, detail=error.code, **facts)  # type: ignore[arg-type]
    session.commit()
    return error


def _as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "resource": event.resource,
        "municipality": event.municipality,
        "status": event.status,
        "model_version": event.model_version,
        "rules_version": event.rules_version,
        "input_hash": event.input_hash,
        "detail": event.detail,
    }


def export(session: Session, since: date) -> Iterator[str]:
    """The events from ``since`` (a date, UTC midnight) on, oldest first, one JSON object per line."""
    start = datetime(since.year, since.month, since.day, tzinfo=timezone.utc)
    query = select(AuditEvent).where(AuditEvent.at >= start).order_by(AuditEvent.id)
    for event in session.scalars(query.execution_options(yield_per=1000)):
        yield json.dumps(_as_dict(event), ensure_ascii=False)


def retention_cutoff(months: int, now: datetime | None = None) -> datetime:
    """The instant before which events may be purged (months counted as 30.44 days)."""
    months = max(int(months), MIN_RETENTION_MONTHS)
    return (now or utcnow()) - timedelta(days=round(months * 30.44))


def purge(session: Session, months: int) -> int:
    """Delete events older than the retention; record the purge itself. Returns how many went."""
    cutoff = retention_cutoff(months)
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        record(
            session,
            "audit.purge",
            status=200,
            actor="system",
            detail=f"{count} events before {cutoff.date().isoformat()} ({months} months)",
        )
    return count
