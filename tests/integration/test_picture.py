"""The programme board's picture on SQLite and PostgreSQL: every figure of a small known world
(tests/integration/picture_world.py) on the page and in the CSV, the small-number rule and
that no published total gives a small count away, a provider's own slice, the districts and
months, the printed report, the audit of every export, and no personal data anywhere.

Every figure not listed in the expected tables below is 0 (or empty: a share of nothing, a
month without a vacancy snapshot).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carecareers.cli.main import app as cli
from carecareers.clock import FixedClock
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import AuditEvent, PictureCount, PictureCounted
from carecareers.picture import counting
from carecareers.picture.counting import count_people
from carecareers.picture.service import build_picture
from carecareers.picture.slices import Slice
from carecareers.picture.suppression import HIDDEN, SHOWN, SMALL
from carecareers.settings import get_settings
from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_lead
from tests.integration.picture_world import NAMES, QUESTIONS, World, build_world
from tests.support.attack import given_away

AREA = "Staffordshire and Stoke-on-Trent"
Figures = dict[tuple[str, str, str], str]  # (table, row, measure) -> value as written

WHOLE_AREA = {
    'demand_by_month': {
        ('Oct 2026', 'open'): '7', ('Oct 2026', 'new'): '7', ('Oct 2026', 'readvertised'): '2',
        ('Nov 2026', 'open'): '17', ('Nov 2026', 'new'): '7', ('Nov 2026', 'closed'): '3',
        ('Nov 2026', 'readvertised'): '2', ('Total', 'new'): '14', ('Total', 'closed'): '3',
        ('Total', 'readvertised'): '4',
    },
    'demand_role_by_month': {
        ('Oct 2026', 'care_worker'): '7', ('Oct 2026', 'all_roles'): '7',
        ('Nov 2026', 'care_worker'): '12', ('Nov 2026', 'healthcare_assistant'): '5',
        ('Nov 2026', 'all_roles'): '17',
    },
    'demand_by_role': {
        ('Care worker', 'open'): '12', ('Care worker', 'long_open'): '4',
        ('Care worker', 'long_open_share'): '33', ('Care worker', 'new'): '13',
        ('Care worker', 'readvertised'): '3', ('Care worker', 'readvertised_share'): '23',
        ('Healthcare assistant', 'open'): '5', ('Healthcare assistant', 'long_open'): '1',
        ('Healthcare assistant', 'long_open_share'): '20', ('Healthcare assistant', 'new'): '1',
        ('Healthcare assistant', 'readvertised'): '1',
        ('Healthcare assistant', 'readvertised_share'): '100', ('Total', 'open'): '17',
        ('Total', 'long_open'): '5', ('Total', 'long_open_share'): '29', ('Total', 'new'): '14',
        ('Total', 'readvertised'): '4', ('Total', 'readvertised_share'): '29',
    },
    'demand_by_district': {
        ('Stafford', 'open'): '5', ('Stafford', 'long_open'): '1',
        ('Stafford', 'long_open_share'): '20', ('Stafford', 'new'): '1',
        ('Stafford', 'readvertised'): '1', ('Stafford', 'readvertised_share'): '100',
        ('Stoke-on-Trent', 'open'): '12', ('Stoke-on-Trent', 'long_open'): '4',
        ('Stoke-on-Trent', 'long_open_share'): '33', ('Stoke-on-Trent', 'new'): '13',
        ('Stoke-on-Trent', 'readvertised'): '3', ('Stoke-on-Trent', 'readvertised_share'): '23',
        ('Total', 'open'): '17', ('Total', 'long_open'): '5', ('Total', 'long_open_share'): '29',
        ('Total', 'new'): '14', ('Total', 'readvertised'): '4',
        ('Total', 'readvertised_share'): '29',
    },
    'pay_by_role': {
        ('Care worker', 'pay_known'): '10', ('Care worker', 'mean_pay'): '13.50',
        ('Care worker', 'legal_floor'): '12.71', ('Healthcare assistant', 'pay_known'): '5',
        ('Healthcare assistant', 'mean_pay'): '14.00',
        ('Healthcare assistant', 'legal_floor'): '12.71',
        ('Healthcare assistant', 'band_entry'): '12.93',
    },
    'supply_by_month': {
        ('Jan 2026', 'leads'): 'fewer than 5', ('Sep 2026', 'leads'): 'fewer than 5',
        ('Oct 2026', 'leads'): '8', ('Oct 2026', 'values_checks'): 'fewer than 5',
        ('Nov 2026', 'leads'): '9', ('Nov 2026', 'alerts'): '8', ('Nov 2026', 'bookings'): '9',
        ('Nov 2026', 'arrivals'): '6', ('Nov 2026', 'values_checks'): 'hidden',
        ('Dec 2026', 'leads'): 'hidden', ('Total', 'leads'): '28', ('Total', 'alerts'): '8',
        ('Total', 'bookings'): '9', ('Total', 'arrivals'): '6', ('Total', 'values_checks'): '9',
    },
    'supply_by_place': {
        ('Stafford', 'leads'): 'hidden', ('Stafford', 'alerts'): 'fewer than 5',
        ('Stafford', 'bookings'): 'fewer than 5', ('Stoke-on-Trent', 'leads'): '19',
        ('Stoke-on-Trent', 'alerts'): 'hidden', ('Stoke-on-Trent', 'bookings'): 'hidden',
        ('Stoke-on-Trent', 'arrivals'): '6', ('Tamworth', 'leads'): 'fewer than 5',
        ('Outside the area', 'leads'): 'fewer than 5',
        ('Place not known', 'leads'): 'fewer than 5', ('Total', 'leads'): '28',
        ('Total', 'alerts'): '8', ('Total', 'bookings'): '9', ('Total', 'arrivals'): '6',
    },
    'supply_by_age': {
        ('16-17', 'leads'): 'hidden', ('18-24', 'leads'): 'hidden',
        ('25+', 'leads'): 'fewer than 5', ('Not given', 'leads'): 'fewer than 5',
        ('Total', 'leads'): '28',
    },
    # Stafford 3 aged 16-17 and 2 aged 25+; Stoke-on-Trent 5 and 14 aged 18-24; Tamworth and
    # outside the area one each aged 25+; two whose place and age are not known.
    'supply_by_place_age': {
        ('Stafford', 'age_16_17'): 'fewer than 5', ('Stafford', 'age_25_plus'): 'fewer than 5',
        ('Stafford', 'leads'): 'hidden', ('Stoke-on-Trent', 'age_16_17'): 'hidden',
        ('Stoke-on-Trent', 'age_18_24'): 'hidden', ('Stoke-on-Trent', 'leads'): '19',
        ('Tamworth', 'age_25_plus'): 'fewer than 5', ('Tamworth', 'leads'): 'fewer than 5',
        ('Outside the area', 'age_25_plus'): 'fewer than 5',
        ('Outside the area', 'leads'): 'fewer than 5',
        ('Place not known', 'age_not_given'): 'fewer than 5',
        ('Place not known', 'leads'): 'fewer than 5', ('Total', 'age_16_17'): 'hidden',
        ('Total', 'age_18_24'): 'hidden', ('Total', 'age_25_plus'): 'fewer than 5',
        ('Total', 'age_not_given'): 'fewer than 5', ('Total', 'leads'): '28',
    },
    'supply_by_role': {
        ('Care worker', 'interested'): '23', ('Care worker', 'alerts'): 'hidden',
        ('Healthcare assistant', 'interested'): '5', ('Any role', 'interested'): 'fewer than 5',
        ('Not sure yet', 'interested'): 'fewer than 5',
        ('No role given', 'alerts'): 'fewer than 5',
    },
    'gap_by_role': {
        ('Care worker', 'open'): '12', ('Care worker', 'recent_leads'): '22',
        ('Care worker', 'open_per_person'): '0.5', ('Healthcare assistant', 'open'): '5',
        ('Healthcare assistant', 'recent_leads'): '5',
        ('Healthcare assistant', 'open_per_person'): '1.0',
    },
    'conversion_by_campaign': {
        ('Hanley food bank (FB1)', 'conversations'): '20',
        ('Hanley food bank (FB1)', 'leads'): 'hidden',
        ('Hanley food bank (FB1)', 'contacted'): 'fewer than 5',
        ('Hanley food bank (FB1)', 'started'): 'fewer than 5',
        ('Staff referral REFERRAL', 'conversations'): '6',
        ('Staff referral REFERRAL', 'leads'): 'fewer than 5',
        ('Staff referral REFERRAL', 'contacted'): 'fewer than 5',
        ('Staff referral REFERRAL', 'started'): 'fewer than 5',
        ('No campaign', 'conversations'): '10', ('No campaign', 'leads'): '21',
        ('No campaign', 'contacted'): 'fewer than 5', ('No campaign', 'lead_rate'): '210',
        ('Total', 'conversations'): '36', ('Total', 'leads'): '28', ('Total', 'contacted'): '7',
        ('Total', 'started'): 'fewer than 5', ('Total', 'lead_rate'): '78',
        ('Total', 'contact_rate'): '25',
    },
    'conversion_by_channel': {
        ('Telegram', 'conversations'): '10', ('Telegram', 'leads'): '5',
        ('Telegram', 'contacted'): 'fewer than 5', ('Telegram', 'lead_rate'): '50',
        ('Web chat', 'conversations'): '26', ('Web chat', 'leads'): '23',
        ('Web chat', 'contacted'): 'hidden', ('Web chat', 'started'): 'fewer than 5',
        ('Web chat', 'lead_rate'): '88', ('Total', 'conversations'): '36',
        ('Total', 'leads'): '28', ('Total', 'contacted'): '7',
        ('Total', 'started'): 'fewer than 5', ('Total', 'lead_rate'): '78',
        ('Total', 'contact_rate'): '25',
    },
    'questions_by_month': {
        ('Oct 2026', 'pay'): 'fewer than 5', ('Oct 2026', 'all_themes'): 'fewer than 5',
        ('Nov 2026', 'pay'): 'fewer than 5', ('Nov 2026', 'hours'): '6',
        ('Nov 2026', 'checks'): '5', ('Nov 2026', 'other'): 'fewer than 5',
        ('Nov 2026', 'all_themes'): 'hidden', ('Total', 'pay'): 'fewer than 5',
        ('Total', 'hours'): '6', ('Total', 'checks'): '5', ('Total', 'other'): 'fewer than 5',
        ('Total', 'all_themes'): '17',
    },
}
OAKS_SLICE = {
    'demand_by_month': {
        ('Nov 2026', 'open'): '5', ('Nov 2026', 'new'): '1', ('Nov 2026', 'readvertised'): '1',
        ('Total', 'new'): '1', ('Total', 'readvertised'): '1',
    },
    'demand_role_by_month': {
        ('Nov 2026', 'healthcare_assistant'): '5', ('Nov 2026', 'all_roles'): '5',
    },
    'demand_by_role': {
        ('Healthcare assistant', 'open'): '5', ('Healthcare assistant', 'long_open'): '1',
        ('Healthcare assistant', 'long_open_share'): '20', ('Healthcare assistant', 'new'): '1',
        ('Healthcare assistant', 'readvertised'): '1',
        ('Healthcare assistant', 'readvertised_share'): '100', ('Total', 'open'): '5',
        ('Total', 'long_open'): '1', ('Total', 'long_open_share'): '20', ('Total', 'new'): '1',
        ('Total', 'readvertised'): '1', ('Total', 'readvertised_share'): '100',
    },
    'demand_by_district': {
        ('Stafford', 'open'): '5', ('Stafford', 'long_open'): '1',
        ('Stafford', 'long_open_share'): '20', ('Stafford', 'new'): '1',
        ('Stafford', 'readvertised'): '1', ('Stafford', 'readvertised_share'): '100',
        ('Total', 'open'): '5', ('Total', 'long_open'): '1', ('Total', 'long_open_share'): '20',
        ('Total', 'new'): '1', ('Total', 'readvertised'): '1',
        ('Total', 'readvertised_share'): '100',
    },
    'pay_by_role': {
        ('Healthcare assistant', 'pay_known'): '5',
        ('Healthcare assistant', 'mean_pay'): '14.00',
        ('Healthcare assistant', 'legal_floor'): '12.71',
        ('Healthcare assistant', 'band_entry'): '12.93',
    },
    'supply_by_month': {
        ('Oct 2026', 'leads'): 'fewer than 5', ('Oct 2026', 'values_checks'): 'fewer than 5',
        ('Nov 2026', 'leads'): 'hidden', ('Nov 2026', 'bookings'): '7',
        ('Nov 2026', 'arrivals'): '6', ('Total', 'leads'): '9', ('Total', 'bookings'): '7',
        ('Total', 'arrivals'): '6', ('Total', 'values_checks'): 'fewer than 5',
    },
    'supply_by_place': {
        ('Stoke-on-Trent', 'leads'): '9', ('Stoke-on-Trent', 'bookings'): '7',
        ('Stoke-on-Trent', 'arrivals'): '6', ('Total', 'leads'): '9', ('Total', 'bookings'): '7',
        ('Total', 'arrivals'): '6',
    },
    'supply_by_age': {
        ('16-17', 'leads'): 'hidden', ('18-24', 'leads'): 'fewer than 5',
        ('Total', 'leads'): '9',
    },
    # The leads passed to Oak House: all in Stoke-on-Trent, 5 aged 16-17 and 4 aged 18-24.
    'supply_by_place_age': {
        ('Stoke-on-Trent', 'age_16_17'): 'hidden',
        ('Stoke-on-Trent', 'age_18_24'): 'fewer than 5', ('Stoke-on-Trent', 'leads'): '9',
        ('Total', 'age_16_17'): 'hidden', ('Total', 'age_18_24'): 'fewer than 5',
        ('Total', 'leads'): '9',
    },
    'supply_by_role': {
        ('Care worker', 'interested'): '9',
    },
    'gap_by_role': {
        ('Care worker', 'recent_leads'): '9', ('Care worker', 'open_per_person'): '0.0',
        ('Healthcare assistant', 'open'): '5',
    },
    'conversion_by_campaign': {
        ('Staff referral REFERRAL', 'conversations'): '6',
        ('Staff referral REFERRAL', 'leads'): 'fewer than 5',
        ('Staff referral REFERRAL', 'contacted'): 'fewer than 5',
        ('Staff referral REFERRAL', 'started'): 'fewer than 5', ('Total', 'conversations'): '6',
        ('Total', 'leads'): 'fewer than 5', ('Total', 'contacted'): 'fewer than 5',
        ('Total', 'started'): 'fewer than 5',
    },
    'conversion_by_channel': {
        ('Web chat', 'conversations'): '6', ('Web chat', 'leads'): 'fewer than 5',
        ('Web chat', 'contacted'): 'fewer than 5', ('Web chat', 'started'): 'fewer than 5',
        ('Total', 'conversations'): '6', ('Total', 'leads'): 'fewer than 5',
        ('Total', 'contacted'): 'fewer than 5', ('Total', 'started'): 'fewer than 5',
    },
}
STAFFORD = {
    'demand_by_month': {
        ('Nov 2026', 'open'): '5', ('Nov 2026', 'new'): '1', ('Nov 2026', 'readvertised'): '1',
        ('Total', 'new'): '1', ('Total', 'readvertised'): '1',
    },
    'demand_role_by_month': {
        ('Nov 2026', 'healthcare_assistant'): '5', ('Nov 2026', 'all_roles'): '5',
    },
    'demand_by_role': {
        ('Healthcare assistant', 'open'): '5', ('Healthcare assistant', 'long_open'): '1',
        ('Healthcare assistant', 'long_open_share'): '20', ('Healthcare assistant', 'new'): '1',
        ('Healthcare assistant', 'readvertised'): '1',
        ('Healthcare assistant', 'readvertised_share'): '100', ('Total', 'open'): '5',
        ('Total', 'long_open'): '1', ('Total', 'long_open_share'): '20', ('Total', 'new'): '1',
        ('Total', 'readvertised'): '1', ('Total', 'readvertised_share'): '100',
    },
    'pay_by_role': {
        ('Healthcare assistant', 'pay_known'): '5',
        ('Healthcare assistant', 'mean_pay'): '14.00',
        ('Healthcare assistant', 'legal_floor'): '12.71',
        ('Healthcare assistant', 'band_entry'): '12.93',
    },
    'supply_by_month': {
        ('Oct 2026', 'leads'): 'fewer than 5', ('Nov 2026', 'leads'): 'fewer than 5',
        ('Nov 2026', 'alerts'): 'fewer than 5', ('Nov 2026', 'bookings'): 'fewer than 5',
        ('Total', 'leads'): 'hidden', ('Total', 'alerts'): 'fewer than 5',
        ('Total', 'bookings'): 'fewer than 5',
    },
    # The district's 5 leads: 3 aged 16-17 and 2 aged 25+ (their total as in the area's
    # table of places by age, held back there too).
    'supply_by_age': {
        ('16-17', 'leads'): 'fewer than 5', ('25+', 'leads'): 'fewer than 5',
        ('Total', 'leads'): 'hidden',
    },
    'gap_by_role': {
        ('Care worker', 'recent_leads'): 'fewer than 5', ('Healthcare assistant', 'open'): '5',
        ('Healthcare assistant', 'recent_leads'): '5',
        ('Healthcare assistant', 'open_per_person'): '1.0',
    },
}


def nonzero(expected: dict[str, dict[tuple[str, str], str]], code: str) -> Figures:
    return {(table, row.replace("REFERRAL", code), measure): value
            for table, figures in expected.items()
            for (row, measure), value in figures.items()}


def read_csv(text: str) -> tuple[list[str], Figures]:
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["table", "area", "row", "measure", "value"]
    areas = sorted({row[1] for row in rows[1:]})
    return areas, {(t, r, m): v for t, _, r, m, v in rows[1:]}


class _Tables(HTMLParser):
    """The figures of the page's tables: data-table, each row's heading, data-measure."""

    def __init__(self) -> None:
        super().__init__()
        self.found: Figures = {}
        self.table = self.row = self.measure = None
        self.text = ""
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.table = values.get("data-table")
        elif tag == "th" and values.get("scope") == "row":
            self.in_heading, self.text = True, ""
        elif tag == "td" and self.table:
            self.measure, self.text = values.get("data-measure"), ""

    def handle_data(self, data: str) -> None:
        self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self.in_heading:
            self.row, self.in_heading = self.text.strip(), False
        elif tag == "td" and self.measure:
            self.found[(self.table, self.row, self.measure)] = self.text.strip()
            self.measure = None
        elif tag == "table":
            self.table = None


def page_figures(html: str) -> Figures:
    """The page's figures, written as the CSV writes them (no £, % or thousands commas)."""
    parser = _Tables()
    parser.feed(html)
    return {key: "" if value == "–" else re.sub(r"^£|%$|,", "", value)
            for key, value in parser.found.items()}


def only_nonzero(figures: Figures) -> Figures:
    return {key: value for key, value in figures.items() if value not in ("0", "")}


@pytest.fixture
def world_dash(engine: Engine, tmp_path: Path) -> Iterator[tuple[Dashboard, World]]:
    with dashboard(engine, make_settings(tmp_path, carecareers_today="2026-12-06")) as dash:
        yield dash, build_world(dash.session)


def log_in_staff(dash: Dashboard) -> str:
    dash.log_in_as(make_adviser(dash.session, "board@example.org", role="admin"))
    return "board@example.org"


def no_personal_data(text: str) -> None:
    for name in (*NAMES, "Jade"):
        assert name not in text and name.lower() not in text.lower()
    for question in QUESTIONS:
        assert question not in text
    for viewer in ("board@example.org", "oak@example.org"):  # the logged-in account's own
        text = text.replace(viewer, "")
    assert "07700" not in text and "@example.org" not in text
    assert "what is the pay per hour" not in text  # a question's words


def test_every_figure_of_the_whole_area_on_the_page_and_in_the_csv(
        world_dash: tuple[Dashboard, World]) -> None:
    dash, world = world_dash
    actor = log_in_staff(dash)
    response = dash.client.get("/advisers/picture.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="picture-2026-12-area.csv"' in response.headers["content-disposition"]
    areas, figures = read_csv(response.text)
    assert areas == [AREA]
    assert only_nonzero(figures) == nonzero(WHOLE_AREA, world.referral.code)
    assert len(figures) == len(response.text.splitlines()) - 1 == 562  # zeros too, once each
    # A month with a snapshot counts a role it lacks as 0; a month with none shows nothing.
    assert figures[("demand_role_by_month", "Oct 2026", "healthcare_assistant")] == "0"
    assert figures[("demand_role_by_month", "Dec 2026", "care_worker")] == ""
    page = dash.client.get("/advisers/picture")
    assert page.status_code == 200
    assert page_figures(page.text) == figures  # the same numbers, the same held back
    assert "These are the figures for the whole programme." in page.text
    assert "Vacancy figures are from the week starting 30 Nov 2026." in page.text
    assert re.search(r"People were counted at \d{1,2} \w{3} 20\d\d, \d\d:\d\d; they are "
                     r"counted again every 15 minutes\.", page.text)
    for text in (page.text, response.text):
        no_personal_data(text)
    event = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "picture.exported")).one()
    assert event.actor == actor
    assert event.detail == {"format": "csv", "month": "2026-12", "district": None,
                            "provider": None, "figures": 562}


def test_no_total_gives_a_small_count_away(world_dash: tuple[Dashboard, World]) -> None:
    """The leads by month and place and by place and age band, rebuilt from what the area's
    page and each district's show: everything that fits them leaves each small count at least
    two possible values (tests/support/attack.py searches, apart from the picture's audit)."""
    dash, _ = world_dash
    log_in_staff(dash)
    _, area = read_csv(dash.client.get("/advisers/picture.csv").text)
    districts = {}
    for name in ("Stafford", "Stoke-on-Trent", "Tamworth"):
        _, districts[name] = read_csv(dash.client.get(
            f"/advisers/picture.csv?district={name}").text)
    months = ("Jan 2026", "Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026")
    places = ("Stafford", "Stoke-on-Trent", "Tamworth", "Outside the area", "Place not known")
    ages = ("age_under_16", "age_16_17", "age_18_24", "age_25_plus", "age_not_given")
    # The true counts (picture_world.py), by month and place and by place and age band.
    true = [[0, 0, 0, 0, 2], [0, 0, 1, 1, 0], [3, 5, 0, 0, 0], [2, 7, 0, 0, 0],
            [0, 7, 0, 0, 0]]
    true_ages = [[0, 3, 0, 2, 0], [0, 5, 14, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0],
                 [0, 0, 0, 0, 2]]
    counts: dict[tuple, tuple[int, int]] = {}
    small: list[tuple] = []
    states: dict[tuple, str] = {}

    def publish(key: tuple, value: int, written: str) -> None:
        state = {"fewer than 5": SMALL, "hidden": HIDDEN}.get(written, SHOWN)
        assert state != SHOWN or written == str(value), (key, written, value)
        assert (state == SMALL) == (0 < value < 5), (key, written, value)
        states[key] = state
        counts[key] = {SHOWN: (value, value), SMALL: (1, 4)}.get(
            state, (5 if value >= 5 else 1, 10 ** 6))
        if state == SMALL:
            small.append(key)

    for m, month in enumerate(months):
        publish(("month", m), sum(true[m]), area[("supply_by_month", month, "leads")])
        for p, place in enumerate(places):
            if place in districts:
                publish(("cell", m, p), true[m][p],
                        districts[place][("supply_by_month", month, "leads")])
            else:
                # Outside the area and not known are published only as the year's totals:
                # the attacker is even told whether each month of them is small or not.
                value = true[m][p]
                publish(("cell", m, p), value,
                        "0" if value == 0 else "hidden" if value >= 5 else "fewer than 5")
    for p, place in enumerate(places):
        total = sum(row[p] for row in true)
        publish(("place", p), total, area[("supply_by_place", place, "leads")])
        assert area[("supply_by_place_age", place, "leads")] == area[
            ("supply_by_place", place, "leads")]
        for a, age in enumerate(ages):
            publish(("age", p, a), true_ages[p][a], area[("supply_by_place_age", place, age)])
            if place in districts and true_ages[p][a]:  # the district's page shows the same
                label = {"age_16_17": "16-17", "age_18_24": "18-24", "age_25_plus": "25+"}[age]
                assert districts[place][("supply_by_age", label, "leads")] == area[
                    ("supply_by_place_age", place, age)]
    for a, age in enumerate(ages):
        publish(("band", a), sum(row[a] for row in true_ages),
                area[("supply_by_place_age", "Total", age)])
    publish(("all",), 28, area[("supply_by_month", "Total", "leads")])
    lines = [*(([("cell", m, p) for p in range(5)], ("month", m)) for m in range(5)),
             *(([("cell", m, p) for m in range(5)], ("place", p)) for p in range(5)),
             *(([("age", p, a) for a in range(5)], ("place", p)) for p in range(5)),
             *(([("age", p, a) for p in range(5)], ("band", a)) for a in range(5)),
             ([("month", m) for m in range(5)], ("all",)),
             ([("place", p) for p in range(5)], ("all",)),
             ([("band", a) for a in range(5)], ("all",))]
    assert [states[("month", m)] for m in range(5)] == [SMALL, SMALL, SHOWN, SHOWN, HIDDEN]
    assert len(small) >= 10
    assert given_away(counts, lines, small) == {}
    # The same search finds what a careless table would give away: with the 3 and the 5 of
    # the people aged 16-17 and their 8 shown, the 3 is only 3.
    careless = {**counts, ("age", 1, 1): (5, 5), ("band", 1): (8, 8)}
    assert given_away(careless, lines, [("age", 0, 1)]) == {("age", 0, 1): [3]}
    # Where one small count in a line would be given away, a second count is held back.
    assert area[("supply_by_month", "Nov 2026", "values_checks")] == "hidden"
    assert area[("supply_by_month", "Oct 2026", "values_checks")] == "fewer than 5"
    assert area[("supply_by_month", "Total", "values_checks")] == "9"
def test_a_provider_sees_only_its_own_slice(world_dash: tuple[Dashboard, World]) -> None:
    dash, world = world_dash
    user = make_adviser(dash.session, "oak@example.org", role="provider", provider=world.oak)
    dash.log_in_as(user)
    page = dash.client.get("/advisers/picture")
    assert page.status_code == 200
    assert "These are the figures of Oak House Care only" in page.text
    assert 'data-table="questions_by_month"' not in page.text
    assert 'data-measure="alerts"' not in page.text
    response = dash.client.get("/advisers/picture.csv")
    _, figures = read_csv(response.text)
    assert only_nonzero(figures) == nonzero(OAKS_SLICE, world.referral.code)
    assert page_figures(page.text) == figures
    no_personal_data(page.text + response.text)
    event = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "picture.exported")).one()
    assert (event.actor, event.detail["provider"]) == ("oak@example.org", "OAK")


def test_a_district_and_an_earlier_month(world_dash: tuple[Dashboard, World]) -> None:
    dash, world = world_dash
    log_in_staff(dash)
    response = dash.client.get("/advisers/picture.csv?district=Stafford")
    areas, figures = read_csv(response.text)
    assert areas == ["Stafford"]
    assert only_nonzero(figures) == nonzero(STAFFORD, world.referral.code)
    page = dash.client.get("/advisers/picture?district=Stafford")
    assert page_figures(page.text) == figures
    assert "Stafford, the 12 months to the end of Dec 2026" in page.text
    # October: "now" is the last snapshot in October; November's people are not counted yet.
    _, october = read_csv(dash.client.get("/advisers/picture.csv?month=2026-10").text)
    assert october[("demand_by_role", "Care worker", "open")] == "7"
    assert october[("demand_by_month", "Oct 2026", "open")] == "7"
    assert october[("demand_by_month", "Total", "new")] == "57"  # November 2025's week too
    assert october[("supply_by_month", "Total", "leads")] == "22"  # Dec 2025 10, then 2, 2, 8
    assert ("supply_by_month", "Nov 2026", "leads") not in october
    assert october[("supply_by_month", "Dec 2025", "leads")] == "hidden"  # Stoke: 10 of 19


def test_months_and_districts_that_are_not_there(world_dash: tuple[Dashboard, World]) -> None:
    dash, _ = world_dash
    log_in_staff(dash)
    for query in ("month=2027-01", "month=2026-13", "month=soon", "district=Atlantis"):
        assert dash.client.get(f"/advisers/picture?{query}").status_code == 404
        assert dash.client.get(f"/advisers/picture.csv?{query}").status_code == 404
    assert not dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "picture.exported")).all()


def test_the_csv_needs_a_login(world_dash: tuple[Dashboard, World]) -> None:
    dash, _ = world_dash
    assert dash.client.get("/advisers/picture.csv").status_code == 401
    page = dash.client.get("/advisers/picture", follow_redirects=False)
    assert page.status_code == 303 and "/advisers/login" in page.headers["location"]


def test_the_printed_report_has_a_page_for_each_area(world_dash: tuple[Dashboard, World],
                                                     ) -> None:
    dash, _ = world_dash
    actor = log_in_staff(dash)
    response = dash.client.get("/advisers/picture/report?month=2026-11")
    assert response.status_code == 200
    pages = re.findall(r'<section class="report-page" aria-labelledby="[^"]+">\s*<h2[^>]*>'
                       r"([^<]+)</h2>", response.text)
    assert pages == [f"{place}: Nov 2026" for place in (
        AREA, "Cannock Chase", "East Staffordshire", "Lichfield", "Newcastle-under-Lyme",
        "South Staffordshire", "Stafford", "Staffordshire Moorlands", "Stoke-on-Trent",
        "Tamworth")]
    no_personal_data(response.text)
    first_page = response.text.split('<section class="report-page"')[1]
    report = page_figures(first_page)
    assert report[("gap_by_role", "Healthcare assistant", "recent_leads")] == "5"
    # How hard each role is to fill, as on the page (November's last snapshot week is 30
    # Nov), in the three columns that fit the page: open, the share open 6 weeks or more and
    # the share advertised again.
    assert {key: value for key, value in report.items() if key[0] == "demand_by_role"} == {
        ("demand_by_role", row, measure): value for row, measure, value in (
            ("Care worker", "open", "12"), ("Care worker", "long_open_share", "33"),
            ("Care worker", "readvertised_share", "23"),
            ("Healthcare assistant", "open", "5"),
            ("Healthcare assistant", "long_open_share", "20"),
            ("Healthcare assistant", "readvertised_share", "100"),
            ("Total", "open", "17"), ("Total", "long_open_share", "29"),
            ("Total", "readvertised_share", "29"))}
    event = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "picture.exported")).one()
    assert (event.actor, event.detail) == (actor, {"format": "report", "month": "2026-11",
                                                   "district": "every", "provider": None})


def leads_in_december(session: Session, content: Path, now: datetime,
                      month: date = date(2026, 12, 1)) -> tuple[int | None, datetime | None]:
    """The whole area's leads in the picture's last month, and when the people were counted."""
    picture = build_picture(session, content, month, Slice(), FixedClock(now),
                            recount_after=timedelta(minutes=15))
    table = picture.view().table("supply_by_month")
    return table.rows[-1].values[0].number, picture.counted_at


def test_people_are_counted_again_once_their_counts_are_old(session: Session,
                                                           tmp_path: Path) -> None:
    """The picture reads counts of people made before (carecareers/picture/counting.py): a
    lead made after them shows once they are 15 minutes old, and the page says when."""
    content = make_settings(tmp_path).content_dir
    first = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)
    build_world(session)
    assert leads_in_december(session, content, first) == (7, first)
    make_lead(session, "Ava", created_at=datetime(2026, 12, 6, 10, 5, tzinfo=timezone.utc),
              outcode="ST4", interests=["care_worker"], channel="web")
    assert leads_in_december(session, content, first + timedelta(minutes=14)) == (7, first)
    later = first + timedelta(minutes=15)
    assert leads_in_december(session, content, later) == (8, later)
    assert session.scalar(select(func.count()).select_from(PictureCounted)) == 1


def test_a_count_that_fails_leaves_the_counts_before(session: Session, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """A database error part-way through counting rolls the count back: the page shows the
    counts before, and when they were made; without counts for its months, it fails."""
    content = make_settings(tmp_path).content_dir
    first = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)
    build_world(session)
    assert leads_in_december(session, content, first) == (7, first)
    make_lead(session, "Ava", created_at=first, outcode="ST4", interests=["care_worker"],
              channel="web")

    def locked(*_: object) -> None:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(counting, "_questions", locked)
    later = first + timedelta(hours=1)
    assert leads_in_december(session, content, later) == (7, first)
    assert "the picture's people were not counted again: OperationalError" in caplog.text
    assert "Ava" not in caplog.text
    with pytest.raises(OperationalError):  # January's counts were never made
        leads_in_december(session, content, datetime(2027, 1, 2, tzinfo=timezone.utc),
                          date(2027, 1, 1))
    monkeypatch.undo()
    assert leads_in_december(session, content, later + timedelta(minutes=1)) == (
        8, later + timedelta(minutes=1))


def test_a_new_month_is_counted_at_once(session: Session, tmp_path: Path) -> None:
    """Counts made in November do not cover December: the first December page counts again,
    however fresh they are."""
    content = make_settings(tmp_path).content_dir
    november = datetime(2026, 11, 30, 23, 55, tzinfo=timezone.utc)
    build_world(session)
    assert leads_in_december(session, content, november, date(2026, 11, 1))[1] == november
    december = november + timedelta(minutes=10)
    assert leads_in_december(session, content, december) == (7, december)


def test_the_counts_hold_no_personal_data(session: Session, tmp_path: Path) -> None:
    """What counting keeps is numbers by month, place, age band, role, campaign, channel and
    theme: no name, contact detail, postcode or question."""
    content = make_settings(tmp_path).content_dir
    build_world(session)
    assert count_people(session, content, FixedClock(datetime(2026, 12, 6, 9,
                                                              tzinfo=timezone.utc)))
    kept = " ".join(f"{row.measure} {row.key} {row.detail}"
                    for row in session.scalars(select(PictureCount)))
    no_personal_data(kept)
    assert not re.search(r"[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}", kept)  # no full postcode
    assert "leads ST4 16_17" in kept and "questions pay" in kept


def test_the_count_command_counts_in_one_go(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`carecareers picture count`, as `make run` schedules it: the counts of 35 months (the
    24 offered and the 11 before the oldest) to the clock's day, and when they were made."""
    url = f"sqlite:///{tmp_path / 'picture.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            build_world(session)
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("CARECAREERS_TODAY", "2026-12-06")
        get_settings.cache_clear()
        result = CliRunner().invoke(cli, ["picture", "count"])
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        made = re.fullmatch(r"counted the people of the picture: (\d+) counts in [\d.]+ s\n",
                            result.stdout)
        assert made, result.stdout
        with session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(PictureCount)) == int(
                made.group(1)) > 0
            counted = session.get(PictureCounted, 1)
            assert counted.first_month == date(2024, 2, 1) and counted.counted_at is not None
            december = session.scalars(select(PictureCount).where(
                PictureCount.month == date(2026, 12, 1), PictureCount.measure == "leads",
                PictureCount.scope == 0)).all()
            assert [(c.key, c.detail, c.count) for c in december] == [("ST4", "18_24", 7)]
    finally:
        engine.dispose()
