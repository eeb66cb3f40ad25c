"""picture counts: the programme picture's anonymous counts of people by month, made now and
then from the topics' tables, and when they were made

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 15:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "picture_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_picture_counts_scope_month", "picture_counts",
                    ["scope", "month", "measure"])
    counted = op.create_table(
        "picture_counted",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_month", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(counted, [{"id": 1, "counted_at": None, "first_month": None}])


def downgrade() -> None:
    op.drop_table("picture_counted")
    op.drop_index("ix_picture_counts_scope_month", table_name="picture_counts")
    op.drop_table("picture_counts")
