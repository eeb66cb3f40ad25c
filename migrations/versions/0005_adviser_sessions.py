"""server-side dashboard sessions; each provider's own status for a shared lead

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('adviser_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adviser_id'], ['advisers.id'], name=op.f('fk_adviser_sessions_adviser_id_advisers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adviser_sessions')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_adviser_sessions_token_digest'))
    )
    with op.batch_alter_table('adviser_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adviser_sessions_adviser_id'), ['adviser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adviser_sessions_last_seen_at'), ['last_seen_at'], unique=False)
    with op.batch_alter_table('lead_routes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='new', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('lead_routes', schema=None) as batch_op:
        batch_op.drop_column('status')
    with op.batch_alter_table('adviser_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adviser_sessions_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_adviser_sessions_adviser_id'))
    op.drop_table('adviser_sessions')
