"""people and their addresses: one record of the chat each person writes from

The Telegram chat ids kept by each topic (leads, event bookings, job alert recipients)
move to `person_addresses`, one row per person (sender id) and channel; web chat leads
get their web chat address (their sender id). Email addresses and phone numbers stay
where the person gave them, with the consent for that purpose. Chat alerts waiting for
their chat to be linked start: the chat is now looked up when an alert is sent.

Downgrade puts each person's Telegram chat back on their lead, bookings and alert
recipient, and drops the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CHAT = 'telegram'


def upgrade() -> None:
    op.create_table('person_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_addresses')),
    sa.UniqueConstraint('sender_id', 'channel', name=op.f('uq_person_addresses_sender_id'))
    )
    with op.batch_alter_table('person_addresses', schema=None) as batch_op:
        batch_op.create_index('ix_person_addresses_channel_address', ['channel', 'address'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_person_addresses_last_seen_at'), ['last_seen_at'],
                              unique=False)

    # The lead's chat first (the relay noted it on every turn), then the alerts' and the
    # bookings' for people without one.
    _copy("telegram_chat_id", "created_at", "last_activity_at", "leads",
          "telegram_chat_id IS NOT NULL")
    _copy("MAX(address)", "MIN(created_at)", "MAX(last_activity_at)", "alert_recipients",
          "channel = :chat AND address IS NOT NULL AND sender_id IS NOT NULL GROUP BY sender_id")
    _copy("MAX(telegram_chat_id)", "MIN(created_at)", "MAX(created_at)", "event_bookings",
          "telegram_chat_id IS NOT NULL AND sender_id IS NOT NULL GROUP BY sender_id")
    op.execute(sa.text(
        "INSERT INTO person_addresses (sender_id, channel, address, first_seen_at, last_seen_at) "
        "SELECT sender_id, 'web', sender_id, created_at, last_activity_at FROM leads "
        "WHERE channel = 'web' AND sender_id LIKE 'web-%'"))

    op.execute(sa.text(
        "UPDATE job_alerts SET status = 'active' WHERE status = 'pending' AND recipient_id IN "
        "(SELECT id FROM alert_recipients WHERE channel = :chat)").bindparams(chat=CHAT))
    op.execute(sa.text("UPDATE alert_recipients SET address = NULL WHERE channel = :chat")
               .bindparams(chat=CHAT))
    with op.batch_alter_table('event_bookings', schema=None) as batch_op:
        batch_op.drop_column('telegram_chat_id')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('telegram_chat_id')


def _copy(address: str, first_seen: str, last_seen: str, table: str, where: str) -> None:
    """Copy a table's chats into person_addresses, for people with no chat noted yet."""
    found = (f"SELECT sender_id AS sender_id, {address} AS address, {first_seen} AS first_seen, "
             f"{last_seen} AS last_seen FROM {table} WHERE {where}")
    op.execute(sa.text(
        "INSERT INTO person_addresses (sender_id, channel, address, first_seen_at, last_seen_at) "
        "SELECT found.sender_id, :chat, found.address, found.first_seen, found.last_seen "
        f"FROM ({found}) AS found "
        "WHERE NOT EXISTS (SELECT 1 FROM person_addresses p "
        "WHERE p.sender_id = found.sender_id AND p.channel = :chat)").bindparams(chat=CHAT))


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telegram_chat_id', sa.String(length=32), nullable=True))
    with op.batch_alter_table('event_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telegram_chat_id', sa.String(length=32), nullable=True))
    chat_of = ("(SELECT p.address FROM person_addresses p WHERE p.sender_id = {table}.sender_id "
               "AND p.channel = :chat)")
    op.execute(sa.text(
        f"UPDATE leads SET telegram_chat_id = {chat_of.format(table='leads')} "
        "WHERE channel = :chat").bindparams(chat=CHAT))
    op.execute(sa.text(
        f"UPDATE event_bookings SET telegram_chat_id = {chat_of.format(table='event_bookings')} "
        "WHERE contact_method = :chat").bindparams(chat=CHAT))
    _restore_alert_chats()
    op.drop_table('person_addresses')


def _restore_alert_chats() -> None:
    """Give each chat alert recipient its person's chat back, each chat to one recipient
    (alert recipients are unique by channel and address)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT r.id, p.address FROM alert_recipients r JOIN person_addresses p "
        "ON p.sender_id = r.sender_id AND p.channel = r.channel "
        "WHERE r.channel = :chat AND r.address IS NULL ORDER BY r.last_activity_at DESC"),
        {"chat": CHAT}).all()
    taken: set[str] = set()
    for recipient_id, address in rows:
        if address in taken:
            continue
        taken.add(address)
        connection.execute(sa.text("UPDATE alert_recipients SET address = :address "
                                   "WHERE id = :id"), {"address": address, "id": recipient_id})
