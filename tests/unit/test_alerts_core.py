"""Job alerts without a database: criteria, matching rules, messages, retries, SMTP URLs."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from carecareers.alerts import alert_consent_wording, build_criteria
from carecareers.alerts.matching import NewVacancy, VacancyIndex, Watch, matches
from carecareers.alerts.messages import VacancyLine, chat_bundle, email_bundle
from carecareers.delivery import RetryPolicy
from carecareers.delivery.email import SmtpUrlInvalid, parse_smtp_url
from carecareers.geo import gazetteer_for
from carecareers.vacancies.roles import role_index_for

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def criteria(**kwargs: object):  # type: ignore[no-untyped-def]
    return build_criteria(gazetteer_for(CONTENT), role_index_for(CONTENT), **kwargs)


def test_criteria_from_what_people_say() -> None:
    hca = criteria(what="let me know when new HCA jobs come up", place="ST4 6QG")
    assert (hca.role_code, hca.keywords, hca.place, hca.radius_miles) == (
        "healthcare_assistant", "", "ST4", 10.0)  # only the district of a postcode is kept
    apprentices = criteria(what="alert me about apprenticeships in Stafford", place="Stafford")
    assert apprentices.apprenticeships_only and apprentices.role_code is None
    assert apprentices.keywords == "" and apprentices.place == "Stafford"
    words = criteria(what="phlebotomy", place="ST4", radius_miles=500)
    assert words.keywords == "phlebotomy" and words.radius_miles == 50.0
    assert hca.describe() == "healthcare assistant jobs within 10 miles of ST4"
    assert apprentices.describe() == "care apprenticeships within 10 miles of Stafford"


def test_consent_wording_names_channel_frequency_and_how_to_stop() -> None:
    wording = alert_consent_wording(CONTENT, "email", "HCA jobs near ST4", "https://x/privacy",
                                    365)
    assert wording.version and wording.channels == ("email",)
    assert wording.text.startswith("Can we email you new HCA jobs near ST4? At most once a day.")
    assert "the link in any email" in wording.text and "12 months" in wording.text


def watch(**values: object) -> Watch:
    fields: dict[str, object] = {
        "alert_id": 1, "recipient_id": 1, "role_code": None, "keywords": (),
        "latitude": 52.99, "longitude": -2.17, "radius_miles": 10.0,
        "apprenticeships_only": False, "since": NOW, "created": NOW - timedelta(days=2)}
    fields.update(values)
    return Watch(**fields)  # type: ignore[arg-type]


def new(vacancy_id: int = 1, **values: object) -> NewVacancy:
    fields: dict[str, object] = {
        "id": vacancy_id, "text": "healthcare support worker royal stoke",
        "role_code": "healthcare_assistant", "latitude": 52.99, "longitude": -2.17,
        "is_apprenticeship": False, "first_seen_at": NOW + timedelta(minutes=5)}
    fields.update(values)
    fields["first_seen"] = fields.pop("first_seen_at").timestamp()  # type: ignore[union-attr]
    return NewVacancy(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("alert", "vacancy", "expected"), [
    (watch(role_code="healthcare_assistant"), new(), True),
    (watch(role_code="registered_nurse"), new(), False),
    (watch(keywords=("stoke",)), new(), True),
    (watch(keywords=("phlebotomist",)), new(), False),
    (watch(), new(latitude=53.80, longitude=-1.55), False),  # Leeds, from ST4
    (watch(latitude=None, longitude=None), new(latitude=53.80, longitude=-1.55), True),
    (watch(apprenticeships_only=True), new(), False),
    (watch(apprenticeships_only=True), new(is_apprenticeship=True), True),
    (watch(), new(first_seen_at=NOW - timedelta(hours=2)), False),
    (watch(), new(first_seen_at=NOW - timedelta(minutes=30)), True),  # the overlap
    (watch(created=NOW), new(first_seen_at=NOW - timedelta(minutes=30)), False),  # too early
    (watch(), new(latitude=None, longitude=None), False),
    (watch(radius_miles=5.0), new(latitude=52.99 + 4.9 / 69.05), True),  # 4.9 miles north
    (watch(radius_miles=5.0), new(latitude=52.99 + 5.1 / 69.05), False),
])
def test_matching_rules(alert: Watch, vacancy: NewVacancy, expected: bool) -> None:
    assert matches(alert, vacancy) is expected


def test_index_offers_only_the_band_of_latitudes_and_the_role() -> None:
    vacancies = [new(1), new(2, latitude=53.80, longitude=-1.55),
                 new(3, role_code="registered_nurse"), new(4, latitude=None, longitude=None)]
    index = VacancyIndex(vacancies)
    assert [v.id for v in index.candidates(watch())] == [1, 3]
    assert [v.id for v in index.candidates(watch(role_code="registered_nurse"))] == [3]
    assert sorted(v.id for v in index.candidates(watch(latitude=None, longitude=None))) == \
        [1, 2, 3, 4]


LINE = VacancyLine(id=1, title="Care Assistant", employer="Hill <House>", place="Leek",
                   salary="£12.21 an hour", closes_on=date(2026, 12, 3),
                   apply_url="https://jobs.example.org/1")


def test_email_bundle_has_unsubscribe_link_and_header() -> None:
    message = email_bundle("sam@example.org", [LINE], 4, ["care jobs near ST4"],
                           "https://care.example.org/", "tok")
    assert message.subject == "5 new care jobs for you"
    assert "https://care.example.org/alerts/unsubscribe/tok" in message.body
    assert "... and 4 more" in message.body and "closes 3 Dec 2026" in message.body
    assert message.headers["List-Unsubscribe"] == "<https://care.example.org/alerts/unsubscribe/tok>"


def test_chat_bundle_escapes_html_and_skips_unsafe_links() -> None:
    unsafe = VacancyLine(**{**LINE.__dict__, "id": 2, "apply_url": "javascript:alert(1)"})
    message = chat_bundle("telegram", "42", [LINE, unsafe], 0, ["care jobs"])
    assert (message.channel, message.address) == ("telegram", "42")
    assert "Hill &lt;House&gt;" in message.body
    assert [row[0].get("url") for row in message.buttons] == [
        "https://jobs.example.org/1", None]


def test_retry_delays_double_up_to_a_ceiling() -> None:
    policy = RetryPolicy(first_delay_seconds=60, max_delay_seconds=300)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 300]


def test_smtp_urls() -> None:
    server = parse_smtp_url("smtp://alerts%40x.org:p%40ss@mail.example.org:587")
    assert (server.host, server.port, server.implicit_tls) == ("mail.example.org", 587, False)
    assert (server.username, server.password) == ("alerts@x.org", "p@ss")
    assert parse_smtp_url("smtps://mail.example.org").port == 465
    with pytest.raises(SmtpUrlInvalid):
        parse_smtp_url("http://mail.example.org")
