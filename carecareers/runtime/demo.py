"""Demo content for a fresh install: providers, a campaign and sample vacancies.

The sample vacancies (content/demo/nhs_jobs_sample.xml) are labelled as samples and
written relative to the day they are seeded: `{day+N}` is N days after it, `{band N}`
the pay of Agenda for Change band N in force that day, `{hourly 21 and over}` the
minimum wage at 21 and over that day. So the samples never expire and never pay below
the legal floor, whenever the demo is seeded. The weekly vacancy history is then made
for the weeks the samples cover (carecareers/vacancies/history.py `backfill`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.campaigns.service import create_campaign, find_campaign
from carecareers.careers.content import load_content
from carecareers.careers.pay import band_row, wage_row
from carecareers.careers.phrasing import pounds
from carecareers.careers.records import CareersContent
from carecareers.clock import UK, Clock
from carecareers.leads.providers import sync_providers
from carecareers.settings import Settings

DEMO_CAMPAIGN_CODE = "DEMO-FOODBANK"
DEMO_FEED_SOURCE = "nhs_jobs"
DEMO_FEED_FILE = "demo/nhs_jobs_sample.xml"
PLACEHOLDER = re.compile(r"\{(day[+-]\d+|band \d|hourly 21 and over)\}")


class DemoTemplateError(ValueError):
    """The demo feed names a band the pay tables do not have."""


@dataclass(frozen=True)
class SeedReport:
    providers: int
    campaign_created: bool
    vacancies: dict[str, object]
    history: dict[str, object]


def render_demo_feed(template: str, today: date, content: CareersContent) -> str:
    """Fill in the dates and pay of the sample vacancies for `today`."""
    bands = band_row(content, today)
    hourly = wage_row(content.pay.minimum_wage, today).age_21_plus

    def fill(match: re.Match[str]) -> str:
        token = match.group(1)
        if token.startswith("day"):
            return (today + timedelta(days=int(token[3:]))).isoformat()
        if token.startswith("band"):
            band = bands.band(int(token[5:]))
            if band is None:
                raise DemoTemplateError(f"no Agenda for Change {token} in {bands.year}")
            if band.low == band.high:
                return f"{pounds(band.low)} a year"
            return f"{pounds(band.low)} to {pounds(band.high)} a year"
        return f"{pounds(hourly)} an hour"

    return PLACEHOLDER.sub(fill, template)


def seed_demo_event(session: Session, day: date) -> None:
    """A sample open day two weeks from `day`, when there is no event at all."""
    from carecareers.events import EventValues, create_event
    from carecareers.models import Event, Provider

    if session.scalar(select(Event.id).limit(1)) is not None:
        return
    starts = datetime.combine(day + timedelta(days=14), time(10), UK).astimezone(timezone.utc)
    provider = session.scalar(select(Provider).order_by(Provider.id).limit(1))
    create_event(session, EventValues(
        title="Care home open day (sample)", starts_at=starts,
        ends_at=starts + timedelta(hours=3), place="Community hall (sample), Church Street",
        postcode="ST4 1AA", outcode="ST4", latitude=53.0027, longitude=-2.1794,
        what_to_expect="A sample event for the demo: meet care workers, ask questions, try "
                       "a hoist.", accessibility="Step-free entrance.", capacity=30,
        under_16s_with_adult=True, provider_ids=(provider.id,) if provider else ()), "demo")


def seed_demo(session: Session, settings: Settings, clock: Clock) -> SeedReport:
    """Load the demo data, dated from the clock's day; running it again changes nothing that
    is already there."""
    from carecareers.geo import districts_for
    from carecareers.vacancies.history import backfill, legal_floor
    from carecareers.vacancies.importing import import_source
    from carecareers.vacancies.salary import pay_rates_for

    day = clock.today()
    providers = sync_providers(session, settings.content_dir)
    created = False
    if find_campaign(session, DEMO_CAMPAIGN_CODE) is None:
        create_campaign(session, DEMO_CAMPAIGN_CODE, "Demo: Stoke food bank poster",
                        kind="food_bank", place="Stoke-on-Trent")
        created = True
    seed_demo_event(session, day)
    seed_demo_stories(session, settings, clock)
    template = (settings.content_dir / DEMO_FEED_FILE).read_text(encoding="utf-8")
    feed = render_demo_feed(template, day, load_content(settings.content_dir))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nhs_jobs_sample.xml"
        path.write_text(feed, encoding="utf-8")
        summary = import_source(session, DEMO_FEED_SOURCE, str(path), clock=clock)
    history = backfill(session, clock=clock, districts=districts_for(settings.content_dir),
                       floor=legal_floor(pay_rates_for(settings.content_dir)))
    return SeedReport(providers=providers, campaign_created=created, vacancies=summary.as_dict(),
                      history=history.as_dict())


DEMO_STORIES_FILE = "demo/stories.yml"
DEMO_CONSENT_NAME = "Sample Story"


def seed_demo_stories(session: Session, settings: Settings, clock: Clock) -> int:
    """The sample staff stories, shown at once and marked as samples, when there are no
    stories at all; returns how many were added."""
    import yaml

    from carecareers.geo import gazetteer_for
    from carecareers.models import Provider, StaffStory
    from carecareers.stories import APPROVED, approve_story, create_story, read_story_form

    if session.scalar(select(StaffStory.id).limit(1)) is not None:
        return 0
    raw = yaml.safe_load((settings.content_dir / DEMO_STORIES_FILE).read_text("utf-8")) or {}
    providers = {p.code: p.id for p in session.scalars(select(Provider))}
    roles = [r.code for r in load_content(settings.content_dir).roles]
    gazetteer = gazetteer_for(settings.content_dir)
    now, today = clock.now(), clock.today()
    added = 0
    for entry in raw.get("stories") or ():
        form = {"provider": str(providers.get(entry["provider"], "")),
                "first_name": entry["first_name"], "role": entry["role"],
                "place": entry["place"], "postcode": entry.get("postcode") or "",
                "story": entry["story"], "consent_given_by": DEMO_CONSENT_NAME,
                "consent_date": today.isoformat(), "consent": "yes"}
        for row, (when, what) in enumerate(entry.get("day") or (), start=1):
            form[f"time_{row}"], form[f"moment_{row}"] = when, what
        values = read_story_form(form, roles, list(providers.values()), gazetteer, today,
                                 has_photo=False)
        story = create_story(session, values, None, "demo", now, sample=True)
        approve_story(session, story, "demo", now)
        assert story.status == APPROVED
        added += 1
    return added
