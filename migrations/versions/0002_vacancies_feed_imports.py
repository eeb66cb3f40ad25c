"""vacancies: longer source names, import details, duplicate index, covering search index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 14:28:20.739894
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feed_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entries', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('duplicates', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.alter_column('source',
               existing_type=sa.VARCHAR(length=32),
               type_=sa.String(length=64),
               existing_nullable=False)

    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.alter_column('source',
               existing_type=sa.VARCHAR(length=32),
               type_=sa.String(length=64),
               existing_nullable=False)
        batch_op.create_index('ix_vacancies_duplicate_of_id', ['duplicate_of_id'], unique=False)
        batch_op.drop_index('ix_vacancies_open_location')
        batch_op.create_index('ix_vacancies_open_location',
                              ['status', 'latitude', 'longitude', 'closes_on', 'duplicate_of_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancies_open_location')
        batch_op.create_index('ix_vacancies_open_location', ['status', 'latitude', 'longitude'],
                              unique=False)
        batch_op.drop_index('ix_vacancies_duplicate_of_id')
        batch_op.alter_column('source',
               existing_type=sa.String(length=64),
               type_=sa.VARCHAR(length=32),
               existing_nullable=False)

    with op.batch_alter_table('feed_imports', schema=None) as batch_op:
        batch_op.alter_column('source',
               existing_type=sa.String(length=64),
               type_=sa.VARCHAR(length=32),
               existing_nullable=False)
        batch_op.drop_column('details')
        batch_op.drop_column('duplicates')
        batch_op.drop_column('entries')
