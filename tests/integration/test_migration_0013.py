"""Migration 0013 (a lead's chat account under a name no channel owns) down and up with
data, on both databases."""

from __future__ import annotations

from sqlalchemy import Engine

from carecareers.db import make_engine
from carecareers.migrate import upgrade
from tests.integration.test_migration_0005 import downgrade, fresh_url  # noqa: F401
from tests.integration.test_migration_0011 import AT, add, column, columns


def seed(engine: Engine) -> dict[str, int]:
    with engine.begin() as connection:
        def lead(sender: str, method: str, username: str | None) -> int:
            return add(connection, "leads", sender_id=sender, first_name="Sam",
                       contact_method=method, interests=[], wants_callback=False,
                       shown_vacancy_ids=[], channel="telegram", status="new",
                       created_at=AT, updated_at=AT, last_activity_at=AT,
                       telegram_username=username)
        return {"by_chat": lead("tg-a", "telegram", "@sam_jones"),
                "by_phone": lead("tg-b", "phone", None)}


def test_the_chat_account_keeps_its_values_down_and_up(fresh_url: str) -> None:  # noqa: F811
    upgrade(fresh_url, "0012")
    engine = make_engine(fresh_url)
    try:
        ids = seed(engine)
        upgrade(fresh_url, "0013")
        engine.dispose()
        assert "telegram_username" not in columns(engine, "leads")
        assert column(engine, "leads", "chat_account", ids, "by_chat", "by_phone") == {
            "by_chat": "@sam_jones", "by_phone": None}

        downgrade(fresh_url, "0012")
        engine.dispose()
        assert "chat_account" not in columns(engine, "leads")
        assert column(engine, "leads", "telegram_username", ids, "by_chat", "by_phone") == {
            "by_chat": "@sam_jones", "by_phone": None}

        upgrade(fresh_url, "0013")
        engine.dispose()
        assert column(engine, "leads", "chat_account", ids, "by_chat") == {
            "by_chat": "@sam_jones"}
    finally:
        engine.dispose()
