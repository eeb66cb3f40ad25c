"""lead routes: the outcome each provider records, with its day and a private reason, and
when the person was told that nobody had been in touch

Routes that were already followed up start from their status: contacted stays contacted;
a closed route is "started" when the lead was closed as started work or training, else
"not taken forward" (reason "other"); their day is not known.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_routes") as batch:
        batch.add_column(sa.Column("outcome", sa.String(length=24), nullable=False,
                                   server_default="not_contacted"))
        batch.add_column(sa.Column("outcome_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("outcome_reason", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("outcome_recorded_at", sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("overdue_told_at", sa.DateTime(timezone=True),
                                   nullable=True))
    op.execute("UPDATE lead_routes SET outcome = 'contacted' WHERE status = 'contacted'")
    op.execute(
        "UPDATE lead_routes SET outcome = 'started' WHERE status = 'closed' AND lead_id IN "
        "(SELECT lead_id FROM follow_ups WHERE outcome = 'closed:hired')")
    op.execute(
        "UPDATE lead_routes SET outcome = 'not_taken_forward', outcome_reason = 'other' "
        "WHERE status = 'closed' AND outcome = 'not_contacted'")


def downgrade() -> None:
    with op.batch_alter_table("lead_routes") as batch:
        batch.drop_column("overdue_told_at")
        batch.drop_column("outcome_recorded_at")
        batch.drop_column("outcome_reason")
        batch.drop_column("outcome_on")
        batch.drop_column("outcome")
