"""Test data: providers, campaigns, leads, advisers; and a dashboard client on a test database."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from carecareers.advisers.accounts import add_adviser, use_password_hasher
from carecareers.campaigns.service import create_campaign
from carecareers.clock import Clock
from carecareers.delivery import note_address
from carecareers.models import (
    Adviser,
    Campaign,
    Consent,
    FeedImport,
    Lead,
    LeadRoute,
    Provider,
    UnansweredQuestion,
    Vacancy,
)
from carecareers.models.base import utcnow
from carecareers.settings import Settings
from carecareers.topics import Retention
from tests.support.sessions import rolled_back
from web.app import create_app

PASSWORD = "correct horse battery staple"
# Argon2's production cost is half a second a hash here: tests that make accounts use the
# cheapest parameters (the hash format, and so the code path, is the same).
use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
_numbers = itertools.count(1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# The default periods: leads a year, idle chats 30 days, alerts a year, bookings 90 days.
RETENTION = Retention({"lead": 365, "tracker": 30, "alert": 365, "event_booking": 90,
                       "values": 365})


def make_provider(session: Session, code: str | None = None, name: str | None = None,
                  **values: object) -> Provider:
    number = next(_numbers)
    provider = Provider(code=code or f"PROV{number}", name=name or f"Provider {number}",
                        kind=str(values.pop("kind", "care_home")),
                        areas=values.pop("areas", ["ST"]), programmes=values.pop("programmes", []),
                        **values)
    session.add(provider)
    session.flush()
    return provider


def make_campaign(session: Session, code: str | None = None, name: str = "Food bank stall",
                  kind: str = "food_bank", **values: object) -> Campaign:
    return create_campaign(session, code or f"CAMP{next(_numbers)}", name, kind=kind,
                           **values)  # type: ignore[arg-type]


def make_lead(session: Session, first_name: str = "Sam", *,
              providers: Sequence[Provider] = (), campaign: Campaign | None = None,
              consent: bool = True, created_at: datetime | None = None,
              chat: str | None = None, **values: object) -> Lead:
    """A lead with a consent record (unless consent=False), routed to `providers`; with
    `chat`, the person writes from that chat on the lead's channel."""
    number = next(_numbers)
    created_at = created_at or utcnow()
    fields: dict[str, object] = {
        "sender_id": f"test-{number}", "first_name": first_name, "age": 17,
        "age_band": "16_17", "contact_method": "phone", "phone": f"07700 900{number:03d}",
        "email": None, "postcode": "ST4 6QG", "outcode": "ST4", "interests": ["care_worker"],
        "channel": "web", "status": "new", "created_at": created_at,
        "last_activity_at": created_at, "campaign_id": campaign.id if campaign else None,
    }
    fields.update(values)
    lead = Lead(**fields)
    session.add(lead)
    session.flush()
    if consent:
        session.add(Consent(lead_id=lead.id, wording_version="2025-01",
                            wording="Can we pass your details to the providers listed?",
                            channels=[str(fields["contact_method"])], given_at=created_at))
    for provider in providers:
        session.add(LeadRoute(lead_id=lead.id, provider_id=provider.id))
    if chat is not None:
        note_address(session, lead.sender_id, lead.channel, chat, created_at)
    session.flush()
    return lead


def make_adviser(session: Session, email: str | None = None, role: str = "adviser",
                 provider: Provider | None = None, password: str = PASSWORD) -> Adviser:
    return add_adviser(session, email or f"adviser{next(_numbers)}@example.org", password,
                       role, provider.code if provider else None)


def make_vacancy(session: Session, title: str = "Care assistant", **values: object) -> Vacancy:
    number = next(_numbers)
    fields: dict[str, object] = {"source": "provider_csv:test", "source_id": f"v{number}",
                                 "title": title, "employer": "Test Care Home",
                                 "location_text": "Stoke-on-Trent", "outcode": "ST4",
                                 "latitude": 52.99, "longitude": -2.17, "status": "open"}
    fields.update(values)
    vacancy = Vacancy(**fields)
    session.add(vacancy)
    session.flush()
    return vacancy


def make_feed_import(session: Session, source: str = "nhs_jobs",
                     error: str | None = None, **values: object) -> FeedImport:
    started = utcnow() - timedelta(minutes=5)
    row = FeedImport(source=source, location=str(values.pop("location", f"https://{source}.test/feed")),
                     started_at=started, finished_at=started + timedelta(minutes=1), error=error,
                     details={}, **values)
    session.add(row)
    session.flush()
    return row


def make_question(session: Session, text: str, group_key: str | None = None,
                  **values: object) -> UnansweredQuestion:
    question = UnansweredQuestion(text=text, group_key=group_key or text.lower(),
                                  channel=str(values.pop("channel", "web")), **values)
    session.add(question)
    session.flush()
    return question


def dashboard_app(settings: Settings, connection: Connection) -> FastAPI:
    """The web app, its requests working inside the test's rolled-back transaction."""
    app = create_app(settings)
    app.state.session_factory = sessionmaker(bind=connection, expire_on_commit=False,
                                             join_transaction_mode="create_savepoint")
    return app


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    """Log in through the form, as a browser would; return the answer to the POST."""
    page = client.get("/advisers/login")
    return client.post("/advisers/login", data={
        "email": email, "password": password, "csrf_token": csrf_token(page.text),
        "next": "/advisers/leads"}, follow_redirects=False)


class Dashboard:
    """A test client of the web app and a session on the same rolled-back transaction."""

    def __init__(self, client: TestClient, session: Session) -> None:
        self.client = client
        self.session = session

    def log_in_as(self, adviser: Adviser) -> None:
        self.session.flush()
        response = log_in(self.client, adviser.email)
        assert response.status_code == 303, response.text

    def token(self, path: str = "/advisers/leads") -> str:
        return csrf_token(self.client.get(path).text)

    def post(self, path: str, data: dict[str, str] | None = None, token: str | None = None,
             **kwargs: object) -> Response:
        """POST a form with this session's CSRF token (or the one given)."""
        self.session.flush()
        form = {"csrf_token": token if token is not None else self.token(), **(data or {})}
        return self.client.post(path, data=form, follow_redirects=False,
                                **kwargs)  # type: ignore[arg-type]

    @property
    def clock(self) -> Clock:
        """The app's clock, for what a test does beside the requests."""
        found: Clock = self.client.app.state.clock  # type: ignore[attr-defined]
        return found

    def fresh(self) -> Session:
        """The test session, forgetting what it loaded (requests changed the rows)."""
        self.session.expire_all()
        return self.session


@contextmanager
def dashboard(engine: Engine, settings: Settings,
              base_url: str = "http://testserver") -> Iterator[Dashboard]:
    with rolled_back(engine) as (connection, session):
        app = dashboard_app(settings, connection)
        with TestClient(app, base_url=base_url) as client:
            yield Dashboard(client, session)
