"""staff stories: a provider's staff on their work, with their consent and an admin's approval

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 20:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("outcode", sa.String(length=8), nullable=True),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("day", sa.JSON(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(length=32), nullable=True),
        sa.Column("photo_alt", sa.String(length=250), nullable=True),
        sa.Column("consent_given_by", sa.String(length=100), nullable=False),
        sa.Column("consent_wording", sa.Text(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_recorded_by", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_by", sa.String(length=254), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_stories_provider_id", "staff_stories", ["provider_id"])
    op.create_index("ix_staff_stories_role", "staff_stories", ["role"])
    op.create_index("ix_staff_stories_status", "staff_stories", ["status"])


def downgrade() -> None:
    op.drop_index("ix_staff_stories_status", table_name="staff_stories")
    op.drop_index("ix_staff_stories_role", table_name="staff_stories")
    op.drop_index("ix_staff_stories_provider_id", table_name="staff_stories")
    op.drop_table("staff_stories")
