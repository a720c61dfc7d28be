"""Issue 28, point 14: the lock-out count in the database, one row per login name.

``login_attempts`` holds, per SHA-256 of a login name, the password checks reserved in the current
window and when that window started (:mod:`recommender.cases.lockout`). Workers on any number of
machines sharing the database reserve a check with one atomic ``INSERT ... ON CONFLICT DO UPDATE``;
every name is counted, known or not, and rows whose window is over are deleted through the index on
``window_start``. No existing row changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("name_hash", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_login_attempts_window_start", "login_attempts", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_window_start", table_name="login_attempts")
    op.drop_table("login_attempts")
