"""adviser conversations: threads per lead, their messages, advisers' names, Telegram chats

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 12:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telegram_chat_id', sa.String(length=32), nullable=True))
    with op.batch_alter_table('advisers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=100), nullable=True))

    op.create_table('adviser_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=32), nullable=True),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_adviser_threads_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adviser_threads')),
    sa.UniqueConstraint('lead_id', name=op.f('uq_adviser_threads_lead_id'))
    )
    op.create_table('thread_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=True),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('sender_name', sa.String(length=100), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['adviser_id'], ['advisers.id'], name=op.f('fk_thread_messages_adviser_id_advisers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_thread_messages_provider_id_providers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['adviser_threads.id'], name=op.f('fk_thread_messages_thread_id_adviser_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_messages'))
    )
    with op.batch_alter_table('thread_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_messages_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_messages_adviser_id'), ['adviser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_messages_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_thread_messages_due', ['state', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    op.drop_table('thread_messages')
    op.drop_table('adviser_threads')
    with op.batch_alter_table('advisers', schema=None) as batch_op:
        batch_op.drop_column('display_name')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('telegram_chat_id')
