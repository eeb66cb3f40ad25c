"""leads: the account a person gave in their chat channel, under a name no channel owns

A lead who chose to be contacted in their chat channel gives their account there (a
username); the column held it under one channel's name. It is renamed `chat_account`, so a
new channel adds no column; the contact method says which channel the account is in.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:00:00
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("telegram_username", new_column_name="chat_account")


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.alter_column("chat_account", new_column_name="telegram_username")
