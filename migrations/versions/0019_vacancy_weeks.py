"""vacancy weeks: a weekly snapshot of vacancies by role, postcode district and publisher,
kept after the vacancies close, for the programme board's whole-system picture

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vacancy_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("role_code", sa.String(length=64), nullable=False),
        sa.Column("outcode", sa.String(length=8), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("provider_code", sa.String(length=64), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("readvertised", sa.Integer(), nullable=False),
        sa.Column("long_open", sa.Integer(), nullable=False),
        sa.Column("pay_known", sa.Integer(), nullable=False),
        sa.Column("pay_hourly_total", sa.Float(), nullable=False),
        sa.Column("pay_below_floor", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "role_code", "outcode", "provider_code",
                            name="uq_vacancy_weeks_week"),
    )
    op.create_index("ix_vacancy_weeks_week", "vacancy_weeks", ["week"])
    op.create_index("ix_vacancy_weeks_district", "vacancy_weeks", ["district"])


def downgrade() -> None:
    op.drop_index("ix_vacancy_weeks_district", table_name="vacancy_weeks")
    op.drop_index("ix_vacancy_weeks_week", table_name="vacancy_weeks")
    op.drop_table("vacancy_weeks")
