"""The service's database tables (SQLAlchemy 2 ORM), one class per table.

Accounts (``users``, ``tokens``), the decision log (``recommendations``, ``decisions``, ``closures``)
and the append-only ``audit_events``. Citizen ids appear only as ``citizen_ref``, their keyed hash.
A recommendation row keeps what a later cohort export and monitoring need: the intake record (spec §3
fields, id pseudonymised), the §8 contract as ``to_dict()`` gave it, the model and rules versions, the
first advised offer, the typology, the municipality and the time. Its integer ``id`` stays inside
the database; everything outside names it by its opaque ``public_id`` (issue 28). The model registry
keeps every registered model file (``models``: its bytes, checksum, manifest, who registered it and
when) and the history of champions (``champion_events``: each promotion and rollback, by whom and why; the
newest row names the model in use, and its id is the version counter the service watches). The
schema is created and changed only by the Alembic migrations in ``migrations/``; a test checks that
they match these classes.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from recommender.cases.public_ids import new_public_id

__all__ = [
    "AuditEvent",
    "Base",
    "ChampionEvent",
    "Closure",
    "Decision",
    "LoginAttempts",
    "RecommendationRow",
    "RegisteredModel",
    "Token",
    "User",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC (SQLite has no time zones) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give timestamps in UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    municipality: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class RecommendationRow(Base):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # internal only: the foreign keys' target
    # issue 28 (migration 0005): the opaque id URLs, the API, pages and the audit trail show
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    citizen_ref: Mapped[str] = mapped_column(String(64), index=True)
    municipality: Mapped[str] = mapped_column(String(64), index=True)
    adviser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    intake: Mapped[dict[str, Any]] = mapped_column(JSON)
    contract: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(128))
    rules_version: Mapped[str] = mapped_column(String(128))
    top_offer: Mapped[str | None] = mapped_column(String(32))
    typology: Mapped[str] = mapped_column(String(32))
    # issue 26 (migration 0004): the rules-only intake fields, and the adviser's typology when she set one
    integration_programme: Mapped[str] = mapped_column(
        String(16), default="unknown", server_default="unknown"
    )
    health_barrier: Mapped[str] = mapped_column(String(16), default="unknown", server_default="unknown")
    work_experience: Mapped[str] = mapped_column(String(16), default="unknown", server_default="unknown")
    typology_rules: Mapped[str | None] = mapped_column(String(32))
    typology_adviser: Mapped[str | None] = mapped_column(String(32))
    typology_reason: Mapped[str | None] = mapped_column(Text)
    typology_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    typology_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    adviser: Mapped[User] = relationship(lazy="joined", foreign_keys=[adviser_id])
    typology_user: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[typology_by])
    decision: Mapped[Decision | None] = relationship(back_populates="recommendation", lazy="selectin")
    closure: Mapped[Closure | None] = relationship(back_populates="recommendation", lazy="selectin")


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), unique=True)
    offer: Mapped[str] = mapped_column(String(32))
    followed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    adviser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[RecommendationRow] = relationship(back_populates="decision")
    adviser: Mapped[User] = relationship(lazy="joined")


class Closure(Base):
    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), unique=True)
    citizen_ref: Mapped[str] = mapped_column(String(64), index=True)
    municipality: Mapped[str] = mapped_column(String(64))
    offer: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    closed: Mapped[date] = mapped_column(Date)
    duration_days: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[RecommendationRow] = relationship(back_populates="closure")
    recorder: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    """One line of the audit trail. Append-only: the database refuses updates, and deletes of
    events younger than the retention floor (triggers created by the migrations)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    resource: Mapped[str | None] = mapped_column(String(128))
    municipality: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str | None] = mapped_column(String(128))
    rules_version: Mapped[str | None] = mapped_column(String(128))
    input_hash: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))


class LoginAttempts(Base):
    """The password checks made for one login name in the current lock-out window (issue 28, migration
        0006): reserved atomically before the check, so every worker on every machine sharing the database
        counts in one place; a successful login deletes the row, and rows whose window is over are pruned
    (``window_start`` is indexed for that). ``name_hash`` is a SHA-256 of the name, so
        the table holds no login names."""

    __tablename__ = "login_attempts"

    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # pruned by it


class RegisteredModel(Base):
    """A model file in the registry: its exact bytes (so every worker loads the same model without a
    shared file system), their sha256, the manifest, where it came from, who registered it and when."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(500))
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChampionEvent(Base):
    """One change of the model in use. ``parent_id`` is the event whose champion this one replaced
    on the stack of champions (a rollback pops to its parent's parent)."""

    __tablename__ = "champion_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id"))
    action: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("champion_events.id"))
    by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    model: Mapped[RegisteredModel] = relationship(lazy="joined")
