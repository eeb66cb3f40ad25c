"""Migration 0015 (route outcomes) down and up with data, on both databases: routes already
followed up start from their status."""

from __future__ import annotations

from sqlalchemy import Engine

from carecareers.db import make_engine
from carecareers.migrate import upgrade
from tests.integration.test_migration_0005 import downgrade, fresh_url  # noqa: F401
from tests.integration.test_migration_0011 import AT, add, column, columns


def seed(engine: Engine) -> dict[str, int]:
    with engine.begin() as connection:
        provider = add(connection, "providers", code="OAK", name="Oak House", kind="care_home",
                       areas=["ST"], programmes=[], active=True, created_at=AT)

        def lead(sender: str, status: str) -> int:
            return add(connection, "leads", sender_id=sender, first_name="Sam",
                       contact_method="phone", interests=[], wants_callback=False,
                       shown_vacancy_ids=[], channel="web", status=status, created_at=AT,
                       updated_at=AT, last_activity_at=AT)

        def route(lead_id: int, status: str) -> int:
            return add(connection, "lead_routes", lead_id=lead_id, provider_id=provider,
                       routed_at=AT, status=status)

        hired, dropped = lead("web-a", "closed"), lead("web-b", "closed")
        add(connection, "follow_ups", lead_id=hired, outcome="closed:hired", note="",
            created_at=AT)
        return {"new": route(lead("web-c", "new"), "new"),
                "contacted": route(lead("web-d", "contacted"), "contacted"),
                "hired": route(hired, "closed"), "dropped": route(dropped, "closed")}


def test_followed_up_routes_get_outcomes_and_lose_them_going_down(
        fresh_url: str) -> None:  # noqa: F811
    upgrade(fresh_url, "0014")
    engine = make_engine(fresh_url)
    try:
        ids = seed(engine)
        upgrade(fresh_url, "0015")
        engine.dispose()
        keys = ("new", "contacted", "hired", "dropped")
        assert column(engine, "lead_routes", "outcome", ids, *keys) == {
            "new": "not_contacted", "contacted": "contacted", "hired": "started",
            "dropped": "not_taken_forward"}
        assert column(engine, "lead_routes", "outcome_reason", ids, *keys) == {
            "new": None, "contacted": None, "hired": None, "dropped": "other"}

        downgrade(fresh_url, "0014")
        engine.dispose()
        assert "outcome" not in columns(engine, "lead_routes")
        assert column(engine, "lead_routes", "status", ids, *keys) == {
            "new": "new", "contacted": "contacted", "hired": "closed", "dropped": "closed"}
        upgrade(fresh_url, "0015")
        engine.dispose()
        assert column(engine, "lead_routes", "outcome", ids, "hired") == {"hired": "started"}
    finally:
        engine.dispose()
