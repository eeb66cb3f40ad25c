"""values check: a check under way, results kept with consent, anonymous counts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 16:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "values_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.String(length=64), nullable=False),
        sa.Column("asking_consent", sa.Boolean(), nullable=False),
        sa.Column("under_16", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id"),
    )
    op.create_index("ix_values_checks_updated_at", "values_checks", ["updated_at"])
    op.create_table(
        "values_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("answers", sa.String(length=64), nullable=False),
        sa.Column("strengths", sa.JSON(), nullable=False),
        sa.Column("paths", sa.JSON(), nullable=False),
        sa.Column("consent_wording", sa.Text(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id"),
    )
    op.create_index("ix_values_results_consented_at", "values_results", ["consented_at"])
    op.create_table(
        "values_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("situation", sa.String(length=32), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("best", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "situation", "choice", name="uq_values_tallies_cell"),
    )
    op.create_table(
        "values_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_values_completions_campaign_id", "values_completions", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_values_completions_campaign_id", table_name="values_completions")
    op.drop_table("values_completions")
    op.drop_table("values_tallies")
    op.drop_index("ix_values_results_consented_at", table_name="values_results")
    op.drop_table("values_results")
    op.drop_index("ix_values_checks_updated_at", table_name="values_checks")
    op.drop_table("values_checks")
