"""Campaigns on SQLite and PostgreSQL: creating, landing, the funnel, and the CLI."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, timezone
from itertools import count
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carecareers.campaigns.service import (
    CampaignError,
    DayRow,
    FunnelRow,
    campaign_funnel,
    campaign_url,
    create_campaign,
    describe_dates,
    funnel_by_day,
    get_campaign,
    list_campaigns,
    record_landing,
    record_message,
)
from carecareers.cli.main import app
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Campaign, CampaignVisit, Conversation, Lead
from carecareers.settings import get_settings
from tests.conftest import use_test_secrets

_senders = count()
NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def add_lead(session: Session, campaign: Campaign | None, status: str = "new",
             created_at: datetime | None = None) -> Lead:
    lead = Lead(sender_id=f"lead-{next(_senders)}", first_name="Sam", contact_method="email",
                channel="web", campaign_id=campaign.id if campaign else None, status=status)
    if created_at is not None:
        lead.created_at = created_at
    session.add(lead)
    session.flush()
    return lead


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# --- Creating and finding ---------------------------------------------------------------


def test_create_stores_a_normalised_campaign(session: Session) -> None:
    campaign = create_campaign(session, " fb-hanley ", " Hanley food bank ", kind="Food bank",
                               place="  Hanley ", starts_on=date(2025, 5, 3),
                               ends_on=date(2025, 5, 5))
    assert (campaign.code, campaign.name, campaign.kind, campaign.place) == (
        "FB-HANLEY", "Hanley food bank", "food_bank", "Hanley")
    assert get_campaign(session, "Fb-Hanley") is campaign


@pytest.mark.parametrize("code, name, kind, starts, ends, says", [
    ("bad code!", "x", "online", None, None, "code"),
    ("OK", "  ", "online", None, None, "name"),
    ("OK", "x", "circus", None, None, "kind must be one of"),
    ("OK", "x", "online", date(2025, 5, 5), date(2025, 5, 3), "ends before it starts"),
])
def test_create_refuses_what_cannot_be_a_campaign(session: Session, code: str, name: str,
                                                  kind: str, starts: date | None,
                                                  ends: date | None, says: str) -> None:
    with pytest.raises(CampaignError, match=says):
        create_campaign(session, code, name, kind=kind, starts_on=starts, ends_on=ends)


def test_codes_are_unique_whatever_their_case(session: Session) -> None:
    create_campaign(session, "school-1", "School")
    with pytest.raises(CampaignError, match="already exists"):
        create_campaign(session, "SCHOOL-1", "School again")


def test_get_campaign_says_when_there_is_none(session: Session) -> None:
    with pytest.raises(CampaignError, match="no campaign 'NOPE'"):
        get_campaign(session, "nope")


def test_list_campaigns_newest_first(session: Session) -> None:
    older = create_campaign(session, "OLD", "Old")
    older.created_at = utc(2024, 1, 1)
    create_campaign(session, "NEW", "New")
    codes = [c.code for c in list_campaigns(session)]
    assert codes.index("NEW") < codes.index("OLD")


def test_links_for_posters() -> None:  # links to the other channels: tests/unit/test_channels.py
    assert campaign_url("https://care.example.org/", "FB1") == "https://care.example.org/c/FB1"
    assert describe_dates(date(2025, 5, 3), date(2025, 5, 3)) == "3 May 2025"
    assert describe_dates(None, None) is None


# --- Landing and attribution ------------------------------------------------------------


def test_a_landing_counts_once_per_browser_and_campaign(session: Session) -> None:
    campaign = create_campaign(session, "FB1", "Food bank", kind="food_bank")
    assert record_landing(session, "fb1", None, now=NOW) is campaign
    assert record_landing(session, "FB1", "FB1", now=NOW) is campaign  # the same browser again
    assert record_landing(session, "FB1", "OTHER", now=NOW) is campaign
    assert record_landing(session, "UNKNOWN", None, now=NOW) is None
    session.flush()
    visits = session.scalars(select(CampaignVisit).where(
        CampaignVisit.campaign_id == campaign.id)).all()
    assert len(visits) == 2


def test_the_funnel_counts_what_each_campaign_brought(session: Session) -> None:
    food_bank = create_campaign(session, "FUNNEL-FB", "Food bank", kind="food_bank")
    school = create_campaign(session, "FUNNEL-SCHOOL", "School", kind="school")
    create_campaign(session, "FUNNEL-QUIET", "Nobody came", kind="online")
    for _ in range(3):
        record_landing(session, "FUNNEL-FB", None, now=NOW)
    record_landing(session, "FUNNEL-SCHOOL", None, now=NOW)
    record_message(session, "web-f1", "web", "FUNNEL-FB", now=NOW)
    record_message(session, "web-f1", "web", "FUNNEL-FB", now=NOW)  # one conversation, 2 messages
    record_message(session, "web-f2", "web", "FUNNEL-FB", now=NOW)
    record_message(session, "tg-f3", "telegram", "FUNNEL-SCHOOL", now=NOW)
    record_message(session, "web-f4", "web", None, now=NOW)
    for status in ("new", "contacted", "closed", "withdrawn"):
        add_lead(session, food_bank, status)
    add_lead(session, school, "new")
    add_lead(session, None, "contacted")
    session.flush()
    rows = {row.code: row for row in campaign_funnel(session)}
    assert rows["FUNNEL-FB"] == FunnelRow("FUNNEL-FB", "Food bank", "food_bank", 3, 2, 4, 2)
    assert rows["FUNNEL-SCHOOL"] == FunnelRow("FUNNEL-SCHOOL", "School", "school", 1, 1, 1, 0)
    assert rows["FUNNEL-QUIET"] == FunnelRow("FUNNEL-QUIET", "Nobody came", "online",
                                             0, 0, 0, 0)
    assert campaign_funnel(session, "funnel-school") == [rows["FUNNEL-SCHOOL"]]
    assert campaign_funnel(session, "nope") == []


def test_the_funnel_by_day_uses_uk_dates_and_shows_empty_days(session: Session) -> None:
    campaign = create_campaign(session, "DAYS", "Open day", kind="open_day")
    for moment in (utc(2025, 6, 1, 9), utc(2025, 6, 1, 23, 30),  # 00:30 on 2 June in BST
                   utc(2025, 6, 3, 12), utc(2025, 5, 1, 12)):     # the last is too old
        session.add(CampaignVisit(campaign_id=campaign.id, visited_at=moment))
    session.add(Conversation(sender_id="web-days", channel="web", campaign_id=campaign.id,
                             started_at=utc(2025, 6, 2, 10)))
    add_lead(session, campaign, created_at=utc(2025, 6, 3, 15))
    session.flush()
    rows = funnel_by_day(session, "days", days=5, today=date(2025, 6, 4))
    assert [r.day for r in rows] == [date(2025, 5, 31), date(2025, 6, 1), date(2025, 6, 2),
                                     date(2025, 6, 3), date(2025, 6, 4)]
    assert rows == [
        DayRow(date(2025, 5, 31), 0, 0, 0),
        DayRow(date(2025, 6, 1), 1, 0, 0),
        DayRow(date(2025, 6, 2), 1, 1, 0),
        DayRow(date(2025, 6, 3), 1, 0, 1),
        DayRow(date(2025, 6, 4), 0, 0, 0),
    ]
    assert len(funnel_by_day(session, "DAYS", today=date(2025, 6, 4))) == 30
    with pytest.raises(CampaignError):
        funnel_by_day(session, "NOPE", today=date(2025, 6, 4))


# --- The command line -------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite file as DATABASE_URL, and fresh settings around the test."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://care.example.org")
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "")
    use_test_secrets(monkeypatch)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["campaigns", *args])
    return result.exit_code, result.output


def test_cli_creates_a_campaign_and_prints_its_link(cli_env: str) -> None:
    code, output = run("create", "--code", "fb-hanley", "--name", "Hanley food bank",
                       "--kind", "food_bank", "--place", "Hanley", "--starts", "2025-05-03",
                       "--ends", "2025-05-05")
    assert code == 0, output
    assert "https://care.example.org/c/FB-HANLEY" in output
    with session_factory(make_engine(cli_env))() as session:
        stored = get_campaign(session, "FB-HANLEY")
        assert (stored.kind, stored.place, stored.starts_on, stored.ends_on) == (
            "food_bank", "Hanley", date(2025, 5, 3), date(2025, 5, 5))


@pytest.mark.parametrize("args, says", [
    (["--code", "X", "--name", "X", "--kind", "circus"], "kind must be one of"),
    (["--code", "X", "--name", "X", "--starts", "3/5/2025"], "YYYY-MM-DD"),
    (["--code", "bad code", "--name", "X"], "campaign code"),
])
def test_cli_create_explains_a_refusal_in_one_line(cli_env: str, args: list[str],
                                                   says: str) -> None:
    code, output = run("create", *args)
    assert code == 1
    assert output.startswith("error: ") and says in output and "Traceback" not in output


def test_cli_refuses_a_duplicate_code(cli_env: str) -> None:
    assert run("create", "--code", "DUP", "--name", "One")[0] == 0
    code, output = run("create", "--code", "dup", "--name", "Two")
    assert code == 1 and "already exists" in output


def test_cli_writes_a_qr_png_that_scans_to_the_campaign_link(cli_env: str,
                                                             tmp_path: Path) -> None:
    import zxingcpp
    run("create", "--code", "FB1", "--name", "Food bank")
    code, output = run("qr", "fb1", "--out", str(tmp_path / "out" / "fb1.png"))
    assert code == 0, output
    image = Image.open(io.BytesIO((tmp_path / "out" / "fb1.png").read_bytes()))
    [result] = zxingcpp.read_barcodes(image)
    assert result.text == "https://care.example.org/c/FB1"
    assert result.ec_level == "H"


def test_cli_writes_an_svg_by_its_extension(cli_env: str, tmp_path: Path) -> None:
    run("create", "--code", "FB1", "--name", "Food bank")
    assert run("qr", "FB1", "--out", str(tmp_path / "fb1.SVG"))[0] == 0
    svg = (tmp_path / "fb1.SVG").read_text()
    assert svg.startswith("<?xml") and "https://care.example.org/c/FB1" in svg


def test_cli_qr_refuses_an_unknown_campaign_or_format(cli_env: str, tmp_path: Path) -> None:
    code, output = run("qr", "NOPE", "--out", str(tmp_path / "x.png"))
    assert code == 1 and "no campaign 'NOPE'" in output
    assert not (tmp_path / "x.png").exists()
    run("create", "--code", "FB1", "--name", "Food bank")
    code, output = run("qr", "FB1", "--out", str(tmp_path / "x.jpg"))
    assert code == 1 and ".png or .svg" in output


def test_cli_writes_a_poster_with_telegram_when_a_bot_is_set(
        cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("create", "--code", "FB1", "--name", "Food bank", "--place", "Hanley")
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "CareCareersBot")
    get_settings.cache_clear()
    code, output = run("poster", "FB1", "--out", str(tmp_path / "poster.html"))
    assert code == 0, output
    page = (tmp_path / "poster.html").read_text()
    assert "https://care.example.org/c/FB1" in page and "<svg" in page and "Hanley" in page
    assert "https://t.me/CareCareersBot?start=FB1" in page


def test_cli_lists_campaigns_with_their_funnel(cli_env: str) -> None:
    run("create", "--code", "FB1", "--name", "Food bank", "--kind", "food_bank")
    code, output = run("list")
    assert code == 0
    assert "FB1\tfood_bank\t0\t0\t0\t0\tFood bank" in output


def test_cli_on_an_unmigrated_database_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        code, output = run("create", "--code", "X", "--name", "X")
    finally:
        get_settings.cache_clear()
    assert code == 1 and "carecareers db upgrade" in output and "Traceback" not in output
