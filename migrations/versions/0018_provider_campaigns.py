"""provider campaigns: referral links and website widgets belong to a provider, can be
switched off, and the widget's views and chats are counted by website and day

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:45:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("switched_off_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_campaigns_provider_id_providers", "providers", ["provider_id"],
                                 ["id"], ondelete="CASCADE")
        batch.create_index("ix_campaigns_provider_id", ["provider_id"])
    op.create_table(
        "widget_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("chats_opened", sa.Integer(), nullable=False),
        sa.Column("chats_started", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "campaign_id", "site", name="uq_widget_counts_day"),
    )
    op.create_index("ix_widget_counts_campaign_id", "widget_counts", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_widget_counts_campaign_id", table_name="widget_counts")
    op.drop_table("widget_counts")
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_index("ix_campaigns_provider_id")
        batch.drop_constraint("fk_campaigns_provider_id_providers", type_="foreignkey")
        batch.drop_column("switched_off_at")
        batch.drop_column("provider_id")
