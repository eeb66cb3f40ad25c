"""Who sees what: every page and export, for each role and for nobody logged in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from carecareers.models import Adviser, FollowUp, Lead, LeadRoute
from tests.conftest import make_settings
from tests.factories import (
    Dashboard,
    dashboard,
    make_adviser,
    make_campaign,
    make_lead,
    make_provider,
)


@dataclass
class World:
    dash: Dashboard
    ours: Lead      # routed to provider A
    theirs: Lead    # routed to provider B
    nobodys: Lead   # routed to no provider
    accounts: dict[str, Adviser]


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Iterator[World]:
    with dashboard(engine, make_settings(tmp_path)) as dash:
        session = dash.session
        a, b = make_provider(session, "PROVA", "Alpha Care"), make_provider(session, "PROVB")
        make_campaign(session, "FB1")
        ours = make_lead(session, "Olivia", providers=[a], email="olivia@example.org")
        theirs = make_lead(session, "Theo", providers=[b], email="theo@example.org")
        nobodys = make_lead(session, "Nadia", email="nadia@example.org")
        accounts = {
            "admin": make_adviser(session, "admin@example.org", role="admin"),
            "adviser": make_adviser(session, "adviser@example.org", role="adviser"),
            "provider": make_adviser(session, "hr@alpha.example", role="provider", provider=a),
        }
        yield World(dash, ours, theirs, nobodys, accounts)


PAGES = ["/advisers/leads", "/advisers/leads/{ours}", "/advisers/campaigns",
         "/advisers/campaigns/new", "/advisers/campaigns/FB1", "/advisers/campaigns/FB1/edit",
         "/advisers/campaigns/FB1/qr.png", "/advisers/campaigns/FB1/qr.svg",
         "/advisers/campaigns/FB1/poster", "/advisers/vacancies", "/advisers/questions",
         "/advisers/audit"]
EXPORTS = ["/advisers/leads/export.csv", "/advisers/leads/export.json"]
ALLOWED = {
    "admin": set(PAGES),
    "adviser": set(PAGES) - {"/advisers/audit"},
    "provider": {"/advisers/leads", "/advisers/leads/{ours}", "/advisers/vacancies"},
}
LEAD_DATA = ("Olivia", "Theo", "Nadia", "example.org", "07700")


def url(world: World, template: str) -> str:
    return template.format(ours=world.ours.id, theirs=world.theirs.id)


@pytest.mark.parametrize("page", PAGES + ["/advisers/leads/{theirs}"])
def test_nobody_logged_in_is_sent_to_the_login_page(world: World, page: str) -> None:
    world.dash.session.flush()
    response = world.dash.client.get(url(world, page), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/advisers/login")
    assert not any(data in response.text for data in LEAD_DATA)


@pytest.mark.parametrize("export", EXPORTS)
def test_nobody_logged_in_gets_401_from_an_export(world: World, export: str) -> None:
    world.dash.session.flush()
    response = world.dash.client.get(export, follow_redirects=False)
    assert response.status_code == 401
    assert not any(data in response.text for data in LEAD_DATA)


@pytest.mark.parametrize("role", ["admin", "adviser", "provider"])
@pytest.mark.parametrize("page", PAGES)
def test_each_role_opens_only_its_pages(world: World, role: str, page: str) -> None:
    world.dash.log_in_as(world.accounts[role])
    response = world.dash.client.get(url(world, page), follow_redirects=False)
    expected = 200 if page in ALLOWED[role] else 403
    assert response.status_code == expected, response.text[:500]
    if expected == 403:
        assert "Not available to your account" in response.text
        assert 'href="/advisers/leads"' in response.text


@pytest.mark.parametrize("role", ["admin", "adviser"])
def test_staff_see_every_lead(world: World, role: str) -> None:
    world.dash.log_in_as(world.accounts[role])
    page = world.dash.client.get("/advisers/leads").text
    assert all(name in page for name in ("Olivia", "Theo", "Nadia"))
    for lead in (world.ours, world.theirs, world.nobodys):
        assert world.dash.client.get(f"/advisers/leads/{lead.id}").status_code == 200


def test_a_provider_user_sees_only_leads_routed_to_them(world: World) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    page = world.dash.client.get("/advisers/leads").text
    assert "Olivia" in page and "Theo" not in page and "Nadia" not in page
    assert "1 lead." in page


@pytest.mark.parametrize("lead", ["theirs", "nobodys"])
def test_a_provider_user_cannot_open_another_lead_by_its_url(world: World, lead: str) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    other: Lead = getattr(world, lead)
    response = world.dash.client.get(f"/advisers/leads/{other.id}")
    assert response.status_code == 404
    assert "Lead not found" in response.text and 'href="/advisers/leads"' in response.text
    assert other.first_name not in response.text


def test_a_lead_that_does_not_exist_is_a_404_page(world: World) -> None:
    world.dash.log_in_as(world.accounts["admin"])
    assert world.dash.client.get("/advisers/leads/999999").status_code == 404
    assert world.dash.client.get("/advisers/leads/not-a-number").status_code == 404


@pytest.mark.parametrize("action, data", [
    ("contacted", {}), ("note", {"outcome": "spoke", "note": "hi"}),
    ("close", {"reason": "other"}), ("reassign", {"provider": "PROVA"}),
])
def test_a_provider_user_cannot_act_on_another_providers_lead(world: World, action: str,
                                                              data: dict[str, str]) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    response = world.dash.post(f"/advisers/leads/{world.theirs.id}/{action}", data)
    assert response.status_code in (403, 404)
    session = world.dash.fresh()
    assert session.scalars(select(FollowUp)).all() == []
    assert session.get(Lead, world.theirs.id).status == "new"  # type: ignore[union-attr]


def test_a_provider_user_cannot_reassign_even_their_own_lead(world: World) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    response = world.dash.post(f"/advisers/leads/{world.ours.id}/reassign",
                               {"provider": "PROVB"})
    assert response.status_code == 403
    routes = world.dash.fresh().scalars(select(LeadRoute).where(
        LeadRoute.lead_id == world.ours.id)).all()
    assert len(routes) == 1


def test_a_provider_user_is_not_offered_reassignment(world: World) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    page = world.dash.client.get(f"/advisers/leads/{world.ours.id}").text
    assert "Reassign" not in page


@pytest.mark.parametrize("export", EXPORTS)
def test_a_provider_users_export_holds_only_their_leads(world: World, export: str) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    response = world.dash.client.get(export)
    assert response.status_code == 200
    assert "Olivia" in response.text
    assert "Theo" not in response.text and "Nadia" not in response.text


def test_the_provider_filter_does_not_widen_a_provider_users_scope(world: World) -> None:
    world.dash.log_in_as(world.accounts["provider"])
    page = world.dash.client.get("/advisers/leads?provider=PROVB").text
    assert "Theo" not in page
    assert "0 leads" in page
