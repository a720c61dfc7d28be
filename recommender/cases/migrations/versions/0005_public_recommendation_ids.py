"""Issue 28: an opaque public id for every recommendation.

The integer primary key is global and sequential: the gap between two of an adviser's own ids told how
many recommendations other municipalities made. ``public_id`` (22 URL-safe characters, 128 random bits,
unique) is what URLs, the API, pages and the audit trail show from now on; the integer key stays the
decisions' and closures' foreign key, inside the database. Every existing row gets a fresh random id
here (in batches; the ids are drawn by this migration, not by the application, so it never changes).
Audit events written before this migration keep the integer ``recommendation:N`` they were written
with (the audit trail is append-only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 1000
# ten digits in a row (a CPR-number shape, separators allowed as recommender.text reads them): redrawn
_DIGITS = re.compile(r"\d(?:-{0,3}\d){9}")


def _new_id() -> str:
    while True:
        candidate = secrets.token_urlsafe(16)
        if _DIGITS.search(candidate) is None:
            return candidate


def upgrade() -> None:
    conn = op.get_bind()
    # A database an earlier version of this migration left half-done on SQLite (its driver committed
    # the ALTER TABLE and the batch copy's CREATE TABLE on their own before a failure rolled the rest
    # back; the upgrade now runs in one transaction): the column is kept, the stale copy dropped.
    inspector = sa.inspect(conn)
    if "_alembic_tmp_recommendations" in inspector.get_table_names():
        op.drop_table("_alembic_tmp_recommendations")
    if "public_id" not in {c["name"] for c in inspector.get_columns("recommendations")}:
        with op.batch_alter_table("recommendations") as batch:
            batch.add_column(sa.Column("public_id", sa.String(32), nullable=True))
    table = sa.table("recommendations", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    while True:
        ids = (
            conn.execute(
                sa.select(table.c.id).where(table.c.public_id.is_(None)).order_by(table.c.id).limit(_BATCH)
            )
            .scalars()
            .all()
        )
        if not ids:
            break
        conn.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")).values(public_id=sa.bindparam("pid")),
            [{"row_id": i, "pid": _new_id()} for i in ids],
        )
    with op.batch_alter_table("recommendations") as batch:
        batch.alter_column("public_id", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint("uq_recommendations_public_id", ["public_id"])


def downgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        batch.drop_constraint("uq_recommendations_public_id", type_="unique")
        batch.drop_column("public_id")
