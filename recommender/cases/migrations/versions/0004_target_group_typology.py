"""Issue 26: the three rules-only intake fields and the adviser's typology on each recommendation.

``integration_programme``, ``health_barrier`` and ``work_experience`` get columns of their own (an older
row, made before the fields existed, reads ``unknown``, as a cohort file without them does); the
intake JSON of an older row is left as it was (a missing field there also means ``unknown``).
``typology_rules`` is the typology the rules gave (for an older row: its ``typology``);
``typology_adviser``, ``typology_reason``, ``typology_by`` and ``typology_at`` record the adviser's
typology when she set one. Every existing row is kept.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_FIELDS = ("integration_programme", "health_barrier", "work_experience")


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        for name in _FIELDS:
            batch.add_column(sa.Column(name, sa.String(16), nullable=False, server_default="unknown"))
        batch.add_column(sa.Column("typology_rules", sa.String(32), nullable=True))
        batch.add_column(sa.Column("typology_adviser", sa.String(32), nullable=True))
        batch.add_column(sa.Column("typology_reason", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column(
                "typology_by",
                sa.Integer(),
                sa.ForeignKey("users.id", name="fk_recommendations_typology_by"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("typology_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE recommendations SET typology_rules = typology WHERE typology_rules IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        for name in (
            "typology_at",
            "typology_by",
            "typology_reason",
            "typology_adviser",
            "typology_rules",
            *reversed(_FIELDS),
        ):
            batch.drop_column(name)
