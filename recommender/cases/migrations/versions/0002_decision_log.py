"""The decision log: recommendations, the adviser's decisions and the cases' closures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("citizen_ref", sa.String(64), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("adviser_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("intake", sa.JSON(), nullable=False),
        sa.Column("contract", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(128), nullable=False),
        sa.Column("rules_version", sa.String(128), nullable=False),
        sa.Column("top_offer", sa.String(32), nullable=True),
        sa.Column("typology", sa.String(32), nullable=False),
    )
    op.create_index("ix_recommendations_citizen_ref", "recommendations", ["citizen_ref"])
    op.create_index("ix_recommendations_municipality", "recommendations", ["municipality"])
    op.create_index("ix_recommendations_created_at", "recommendations", ["created_at"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "recommendation_id",
            sa.Integer(),
            sa.ForeignKey("recommendations.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("offer", sa.String(32), nullable=False),
        sa.Column("followed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("adviser_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "recommendation_id",
            sa.Integer(),
            sa.ForeignKey("recommendations.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("citizen_ref", sa.String(64), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("offer", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("closed", sa.Date(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_closures_citizen_ref", "closures", ["citizen_ref"])


def downgrade() -> None:
    op.drop_index("ix_closures_citizen_ref", "closures")
    op.drop_table("closures")
    op.drop_table("decisions")
    op.drop_index("ix_recommendations_created_at", "recommendations")
    op.drop_index("ix_recommendations_municipality", "recommendations")
    op.drop_index("ix_recommendations_citizen_ref", "recommendations")
    op.drop_table("recommendations")
