"""'Is care for me?' in the dashboard: the results a person agreed to keep on their lead's
page (and nothing without them), the hardest situations with the small-number rule, and the
campaign funnel's step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carecareers.models import ValuesCompletion, ValuesTally
from carecareers.values import content, outcome_of
from carecareers.values.results import keep_results
from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_campaign, make_lead

NOW = datetime(2026, 12, 6, 15, tzinfo=timezone.utc)


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path, carecareers_today="2026-12-06")) as harness:
        harness.log_in_as(make_adviser(harness.session, "adviser@example.org"))  # type: ignore[attr-defined]
        yield harness


def test_the_lead_page_shows_kept_results_and_nothing_without_them(dash: Dashboard) -> None:
    values = content()
    answers = "".join(next(c.id for c in s.choices if c.best) for s in values.situations)
    outcome = outcome_of(values, answers)
    kept = make_lead(dash.session, "Amira")
    keep_results(dash.session, kept.sender_id, answers, outcome.strengths,
                 tuple(p.id for p in outcome.paths), "Shall I keep these results?", NOW)
    other = make_lead(dash.session, "Ben")
    dash.session.flush()

    page = dash.client.get(f"/advisers/leads/{kept.id}").text
    assert "Is care for me?" in page
    assert values.values[outcome.strengths[0]].name in page
    assert all(path.name in page for path in outcome.paths)
    assert "Shall I keep these results?" in page
    assert 'id="values-h"' not in dash.client.get(f"/advisers/leads/{other.id}").text


def test_the_hardest_situations_hide_small_numbers(dash: Dashboard) -> None:
    values = content()
    first, second = values.situations[0], values.situations[1]
    best_of = {s.id: next(c.id for c in s.choices if c.best) for s in values.situations}
    other = next(c.id for c in first.choices if not c.best)
    month = date(2026, 12, 1)
    dash.session.add_all([
        ValuesTally(month=month, situation=first.id, choice=other, best=False, count=7),
        ValuesTally(month=month, situation=first.id, choice=best_of[first.id], best=True,
                    count=3),
        ValuesTally(month=month, situation=second.id, choice=best_of[second.id], best=True,
                    count=4),
        ValuesTally(month=date(2025, 1, 1), situation=second.id, choice=best_of[second.id],
                    best=True, count=50),
    ])
    dash.session.flush()
    page = dash.client.get("/advisers/values").text
    table = page[page.index("<table"):page.index("</table>")]
    assert table.index(first.title.replace("'", "&#39;")) < table.index(
        second.title.replace("'", "&#39;"))
    assert "<td class=\"num\">10</td><td class=\"num\">7</td><td class=\"num\">70%</td>" in table
    assert "fewer than 5" in table  # the second: 4 this year; the 50 are too old
    assert ">50<" not in table and ">54<" not in table


def test_the_campaign_funnel_counts_finished_checks(dash: Dashboard) -> None:
    campaign = make_campaign(dash.session, "VALUES1", "School visit", kind="school")
    dash.session.add_all([ValuesCompletion(campaign_id=campaign.id, completed_on=NOW.date())
                          for _ in range(3)])
    dash.session.flush()
    listed = dash.client.get("/advisers/campaigns").text
    assert "Did the values check" in listed
    response = dash.client.get("/advisers/campaigns/VALUES1")
    page = response.text
    assert response.status_code == 200, page[:3000]
    assert "Did the values check: 3" in page  # the chart's description
