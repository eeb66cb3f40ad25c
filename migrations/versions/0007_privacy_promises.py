"""duplicate leads flagged, unanswered questions tied to their conversation, tracker changes retried

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_leads_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_leads_duplicate_of_id_leads'), 'leads', ['duplicate_of_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_id', sa.String(length=128), nullable=True))
        batch_op.create_index(batch_op.f('ix_unanswered_questions_sender_id'), ['sender_id'], unique=False)

    op.create_table('pending_tracker_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('change', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_tracker_changes'))
    )
    with op.batch_alter_table('pending_tracker_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_tracker_changes_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_tracker_changes_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade() -> None:
    op.drop_table('pending_tracker_changes')
    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unanswered_questions_sender_id'))
        batch_op.drop_column('sender_id')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_leads_duplicate_of_id_leads'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_leads_duplicate_of_id'))
        batch_op.drop_column('duplicate_of_id')
