"""Migration 0011 (people and their addresses) down and up with data, on both databases."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, insert, inspect, select, text

from carecareers.db import make_engine
from carecareers.migrate import upgrade
from tests.integration.test_migration_0005 import downgrade, fresh_url  # noqa: F401

AT = datetime(2027, 5, 1, 9, 0, tzinfo=timezone.utc)
TELEGRAM = "telegram"


def add(connection: Connection, table: str, **values: Any) -> int:
    """Insert a row into the table as the database has it now; return its id."""
    reflected = Table(table, MetaData(), autoload_with=connection)
    return int(connection.execute(insert(reflected).returning(reflected.c.id), values)
               .scalar_one())


def lead(connection: Connection, sender: str, channel: str, chat: str | None) -> int:
    return add(connection, "leads", sender_id=sender, first_name="Sam", contact_method=channel,
               interests=[], wants_callback=False, shown_vacancy_ids=[], channel=channel,
               status="new", created_at=AT, updated_at=AT, last_activity_at=AT,
               telegram_chat_id=chat)


def recipient(connection: Connection, sender: str | None, channel: str,
              address: str | None) -> int:
    return add(connection, "alert_recipients", sender_id=sender, channel=channel,
               address=address, status="active", unsubscribe_token=f"token-{sender}-{channel}",
               created_at=AT, last_activity_at=AT)


def alert(connection: Connection, recipient_id: int, status: str) -> int:
    return add(connection, "job_alerts", recipient_id=recipient_id, keywords="",
               apprenticeships_only=False, status=status, matched_until=AT, created_at=AT,
               last_activity_at=AT)


def booking(connection: Connection, event_id: int, sender: str, method: str,
            chat: str | None, detail: str | None = None) -> int:
    return add(connection, "event_bookings", event_id=event_id, sender_id=sender,
               first_name="Tia", contact_method=method, contact_detail=detail,
               telegram_chat_id=chat, with_adult=False, consent_version="1",
               consent_wording="yes", consent_given_at=AT, status="booked",
               channel="web" if method == "email" else TELEGRAM, created_at=AT)


def seed(engine: Engine) -> dict[str, int]:
    """Chats kept by each topic as before 0011, one person appearing in several."""
    with engine.begin() as connection:
        event = add(connection, "events", title="Open day", starts_at=AT, ends_at=AT,
                    place="Hall", postcode="ST4 1AA", what_to_expect="", accessibility="",
                    under_16s_with_adult=False, status="active", checkin_token="door",
                    created_by="admin@example.org", created_at=AT, updated_at=AT)
        ids = {
            "lead_a": lead(connection, "tg-a", TELEGRAM, "111"),
            "lead_web": lead(connection, "web-b", "web", None),
            "lead_c": lead(connection, "tg-c", TELEGRAM, None),
            "recipient_a": recipient(connection, "tg-a", TELEGRAM, "111"),
            "recipient_d": recipient(connection, "tg-d", TELEGRAM, "222"),
            "recipient_e": recipient(connection, "tg-e", TELEGRAM, None),
            "recipient_email": recipient(connection, "web-b", "email", "b@example.org"),
            "booking_f": booking(connection, event, "tg-f", TELEGRAM, "333"),
            "booking_a": booking(connection, event, "tg-a", TELEGRAM, "111"),
            "booking_email": booking(connection, event, "web-g", "email", None, "g@example.org"),
        }
        ids["alert_d"] = alert(connection, ids["recipient_d"], "active")
        ids["alert_e"] = alert(connection, ids["recipient_e"], "pending")
        ids["alert_email"] = alert(connection, ids["recipient_email"], "pending")
        return ids


def addresses(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT sender_id, channel, address FROM person_addresses")).tuples()
        return set(rows)


def column(engine: Engine, table: str, name: str, ids: dict[str, int],
           *keys: str) -> dict[str, Any]:
    with engine.connect() as connection:
        reflected = Table(table, MetaData(), autoload_with=connection)
        found = dict(connection.execute(select(reflected.c.id, reflected.c[name])).tuples().all())
    return {key: found[ids[key]] for key in keys}


def columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_the_chats_move_to_person_addresses_and_back(fresh_url: str) -> None:  # noqa: F811
    upgrade(fresh_url, "0010")
    engine = make_engine(fresh_url)
    try:
        ids = seed(engine)
        upgrade(fresh_url, "0011")
        engine.dispose()

        moved = {("tg-a", TELEGRAM, "111"), ("tg-d", TELEGRAM, "222"),
                 ("tg-f", TELEGRAM, "333"), ("web-b", "web", "web-b")}
        assert addresses(engine) == moved
        assert "telegram_chat_id" not in columns(engine, "leads")
        assert "telegram_chat_id" not in columns(engine, "event_bookings")
        assert column(engine, "alert_recipients", "address", ids, "recipient_a", "recipient_d",
                      "recipient_e", "recipient_email") == {
            "recipient_a": None, "recipient_d": None, "recipient_e": None,
            "recipient_email": "b@example.org"}
        # a chat alert that waited for its chat starts; an unconfirmed email alert waits on
        assert column(engine, "job_alerts", "status", ids, "alert_d", "alert_e",
                      "alert_email") == {
            "alert_d": "active", "alert_e": "active", "alert_email": "pending"}

        downgrade(fresh_url, "0010")
        engine.dispose()
        assert "person_addresses" not in inspect(engine).get_table_names()
        assert column(engine, "leads", "telegram_chat_id", ids, "lead_a", "lead_web",
                      "lead_c") == {"lead_a": "111", "lead_web": None, "lead_c": None}
        assert column(engine, "event_bookings", "telegram_chat_id", ids, "booking_f",
                      "booking_a", "booking_email") == {
            "booking_f": "333", "booking_a": "111", "booking_email": None}
        assert column(engine, "alert_recipients", "address", ids, "recipient_a", "recipient_d",
                      "recipient_e", "recipient_email") == {
            "recipient_a": "111", "recipient_d": "222", "recipient_e": None,
            "recipient_email": "b@example.org"}

        upgrade(fresh_url, "0011")
        engine.dispose()
        assert addresses(engine) == moved
    finally:
        engine.dispose()
