"""open days and events: events, bookings, check-ins

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:59:18.582318
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=16), nullable=False),
    sa.Column('outcode', sa.String(length=8), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('what_to_expect', sa.Text(), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('under_16s_with_adult', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('checkin_token', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_events_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('checkin_token', name=op.f('uq_events_checkin_token'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_outcode'), ['outcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_status'), ['status'], unique=False)

    op.create_table('event_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('contact_method', sa.String(length=16), nullable=False),
    sa.Column('contact_detail', sa.String(length=254), nullable=True),
    sa.Column('telegram_chat_id', sa.String(length=32), nullable=True),
    sa.Column('with_adult', sa.Boolean(), nullable=False),
    sa.Column('consent_version', sa.String(length=32), nullable=False),
    sa.Column('consent_wording', sa.Text(), nullable=False),
    sa.Column('consent_given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_event_bookings_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_bookings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_bookings'))
    )
    with op.batch_alter_table('event_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_bookings_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_bookings_contact_detail'), ['contact_detail'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_bookings_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_bookings_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_bookings_status'), ['status'], unique=False)

    op.create_table('event_providers',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_providers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_event_providers_provider_id_providers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'provider_id', name=op.f('pk_event_providers'))
    )
    with op.batch_alter_table('event_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_providers_provider_id'), ['provider_id'], unique=False)

    op.create_table('event_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['event_bookings.id'], name=op.f('fk_event_checkins_booking_id_event_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_checkins_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_checkins'))
    )
    with op.batch_alter_table('event_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_checkins_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_checkins_event_id'), ['event_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_checkins_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_checkins_booking_id'))

    op.drop_table('event_checkins')
    with op.batch_alter_table('event_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_providers_provider_id'))

    op.drop_table('event_providers')
    with op.batch_alter_table('event_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_bookings_status'))
        batch_op.drop_index(batch_op.f('ix_event_bookings_sender_id'))
        batch_op.drop_index(batch_op.f('ix_event_bookings_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_bookings_contact_detail'))
        batch_op.drop_index(batch_op.f('ix_event_bookings_campaign_id'))

    op.drop_table('event_bookings')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_status'))
        batch_op.drop_index(batch_op.f('ix_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_events_outcode'))
        batch_op.drop_index(batch_op.f('ix_events_campaign_id'))

    op.drop_table('events')
