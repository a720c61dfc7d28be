"""Accounts (users, tokens) and the append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit trail is append-only: no update ever, and no delete of an event younger than the legal
# floor of six months (EU AI Act Art. 26(6)); the retention purge deletes only older events.
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_events_no_early_delete BEFORE DELETE ON audit_events
       WHEN old.at > datetime('now', '-183 days')
       BEGIN SELECT RAISE(ABORT, 'audit events younger than six months cannot be deleted'); END""",
)
_POSTGRES_TRIGGERS = (
    """CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit_events is append-only';
         END IF;
         IF OLD.at > (now() AT TIME ZONE 'UTC') - interval '183 days' THEN
           RAISE EXCEPTION 'audit events younger than six months cannot be deleted';
         END IF;
         RETURN OLD;
       END $$""",
    """CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_guard()""",
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("resource", sa.String(128), nullable=True),
        sa.Column("municipality", sa.String(64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(128), nullable=True),
        sa.Column("rules_version", sa.String(128), nullable=True),
        sa.Column("input_hash", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRES_TRIGGERS}.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_guard ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_guard()")
    op.drop_table("audit_events")
    op.drop_table("tokens")
    op.drop_table("users")
