"""event bookings: a confirmation link for bookings made with an email address

Anyone can type any email address, so a place booked with one is pending until the link
emailed there is followed; the link's token is kept on the booking until then.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event_bookings", sa.Column("confirm_token", sa.String(length=64),
                                              nullable=True))
    op.create_index("ix_event_bookings_confirm_token", "event_bookings", ["confirm_token"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_event_bookings_confirm_token", table_name="event_bookings")
    with op.batch_alter_table("event_bookings") as batch:
        batch.drop_column("confirm_token")
