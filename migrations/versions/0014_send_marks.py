"""send marks: that a confirmation went to an address, kept as a keyed digest for a day

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_send_marks_digest", "send_marks", ["purpose", "digest"])
    op.create_index("ix_send_marks_sent_at", "send_marks", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_send_marks_sent_at", table_name="send_marks")
    op.drop_index("ix_send_marks_digest", table_name="send_marks")
    op.drop_table("send_marks")
