"""picture indexes: the programme board's picture reads a year of weekly vacancy snapshots by
week and district; one index holds every column it reads, so the table itself is not read

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 01:00:00
"""
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_vacancy_weeks_picture", "vacancy_weeks",
                    ["week", "district", "role_code", "provider_code", "open", "new", "closed",
                     "readvertised"])


def downgrade() -> None:
    op.drop_index("ix_vacancy_weeks_picture", table_name="vacancy_weeks")
