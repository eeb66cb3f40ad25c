"""Demo content for a fresh install: providers, a campaign and sample vacancies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from carecareers.campaigns.service import create_campaign, find_campaign
from carecareers.leads.providers import sync_providers
from carecareers.settings import Settings

DEMO_CAMPAIGN_CODE = "DEMO-FOODBANK"
DEMO_FEED_SOURCE = "nhs_jobs"
DEMO_FEED_FILE = "demo/nhs_jobs_sample.xml"


@dataclass(frozen=True)
class SeedReport:
    providers: int
    campaign_created: bool
    vacancies: dict[str, object]


def seed_demo(session: Session, settings: Settings, today: date | None = None) -> SeedReport:
    """Load the demo data; running it again changes nothing that is already there."""
    from carecareers.vacancies.importing import import_source

    providers = sync_providers(session, settings.content_dir)
    created = False
    if find_campaign(session, DEMO_CAMPAIGN_CODE) is None:
        create_campaign(session, DEMO_CAMPAIGN_CODE, "Demo: Stoke food bank poster",
                        kind="food_bank", place="Stoke-on-Trent")
        created = True
    summary = import_source(session, DEMO_FEED_SOURCE,
                            str(settings.content_dir / DEMO_FEED_FILE), today=today)
    return SeedReport(providers=providers, campaign_created=created, vacancies=summary.as_dict())
