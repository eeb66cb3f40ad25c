"""Job alerts against a real database (SQLite and PostgreSQL): set up, match, bundle, stop."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.alerts import (
    AlertNotAllowed,
    InvalidAlert,
    UnknownToken,
    active_alert_counts,
    alerts_for_sender,
    confirm_alert,
    erase_alerts_for,
    expire_alerts,
    queue_alerts,
    stop_alerts_for_sender,
    stop_failed_recipients,
    unsubscribe,
)
from carecareers.delivery import purge_marks, suppress
from carecareers.models import (
    AlertConsent,
    AlertMatch,
    AlertRecipient,
    JobAlert,
    OutboxMessage,
    SendMark,
)
from tests.factories import make_vacancy
from tests.integration.alert_helpers import (
    BASE_URL,
    LEEDS,
    NOW,
    STAFFORD,
    STOKE,
    criteria,
    email_alert,
    later,
    messages,
    telegram_alert,
)

DAY = timedelta(hours=24)


def queue(session: Session, hours: float = 1.0):  # type: ignore[no-untyped-def]
    return queue_alerts(session, base_url=BASE_URL, min_interval=DAY, now=later(hours),
                        today=later(hours).date())


def vacancy(session: Session, title: str, at: tuple[float, float] = STOKE, hours: float = 0.5,
            **values: object):  # type: ignore[no-untyped-def]
    role = {"Healthcare Support Worker": "healthcare_assistant",
            "Apprentice Healthcare Support Worker": "healthcare_assistant",
            "Staff Nurse": "registered_nurse", "Care Assistant": "care_worker"}.get(title)
    values.setdefault("role_code", role)
    values.setdefault("url", f"https://jobs.example.org/{title.replace(' ', '-')}")
    return make_vacancy(session, title, latitude=at[0], longitude=at[1],
                        first_seen_at=later(hours), **values)


def sent_vacancy_ids(session: Session, recipient_id: int) -> list[int]:
    return sorted(session.scalars(select(AlertMatch.vacancy_id).where(
        AlertMatch.recipient_id == recipient_id, AlertMatch.message_id.is_not(None))))


def test_matches_role_place_radius_and_kind(session: Session) -> None:
    alert = email_alert(session, what="HCA", place="ST4", radius=10)
    apprentice = email_alert(session, email="ali@example.org", sender="web-2", what="",
                             place="Stafford", apprenticeships=True)
    near = vacancy(session, "Healthcare Support Worker")
    vacancy(session, "Staff Nurse")  # another role
    vacancy(session, "Healthcare Support Worker", at=LEEDS)  # too far
    vacancy(session, "Healthcare Support Worker", hours=-2)  # before the alert was set up
    vacancy(session, "Healthcare Support Worker", hours=-0.2)  # just before, too
    vacancy(session, "Healthcare Support Worker", status="expired")
    vacancy(session, "Healthcare Support Worker", closes_on=date(2026, 11, 1))
    original = vacancy(session, "Healthcare Support Worker", at=STAFFORD)
    vacancy(session, "Healthcare Support Worker", at=STAFFORD, duplicate_of_id=original.id)
    trainee = vacancy(session, "Apprentice Healthcare Support Worker", at=STAFFORD,
                      is_apprenticeship=True)

    report = queue(session)

    assert sent_vacancy_ids(session, alert.recipient_id) == [near.id]
    assert sent_vacancy_ids(session, apprentice.recipient_id) == [trainee.id]
    assert report.messages == 2 and report.vacancies_sent == 2


def test_one_bundle_per_person_and_never_the_same_vacancy_twice(session: Session) -> None:
    first = email_alert(session, what="HCA", place="ST4")
    email_alert(session, what="healthcare", place="ST4")  # same person, overlapping alert
    jobs = [vacancy(session, "Healthcare Support Worker") for _ in range(3)]

    queue(session)
    queue(session, hours=30)  # a day later: nothing new, nothing sent again

    bundles = messages(session)
    assert len(bundles) == 1
    assert sent_vacancy_ids(session, first.recipient_id) == sorted(j.id for j in jobs)
    assert all(j.url in bundles[0].body for j in jobs)
    assert bundles[0].subject == "3 new care jobs for you"


def test_at_most_one_bundle_a_day_the_rest_waits(session: Session) -> None:
    alert = telegram_alert(session, what="HCA", place="ST4")
    first = vacancy(session, "Healthcare Support Worker", hours=0.5)
    queue(session, hours=1)
    second = vacancy(session, "Healthcare Support Worker", hours=2)
    queue(session, hours=3)  # found, but the person had a bundle two hours ago
    assert len(messages(session)) == 1
    waiting = session.scalar(select(func.count()).select_from(AlertMatch).where(
        AlertMatch.bundled_at.is_(None)))
    assert waiting == 1

    queue(session, hours=25)

    bundles = messages(session)
    assert len(bundles) == 2
    assert first.title in bundles[0].body and second.url in str(bundles[1].buttons)
    assert sent_vacancy_ids(session, alert.recipient_id) == sorted([first.id, second.id])


def test_telegram_bundle_has_apply_buttons_and_a_stop_button(session: Session) -> None:
    telegram_alert(session, chat_id=777, what="HCA")
    job = vacancy(session, "Healthcare Support Worker", employer="Royal <Stoke>")
    queue(session)
    [bundle] = messages(session)
    assert bundle.channel == "telegram" and bundle.address == "777"
    assert "Royal &lt;Stoke&gt;" in bundle.body
    assert bundle.buttons[0] == [{"text": "Apply: Healthcare Support Worker", "url": job.url}]
    assert bundle.buttons[-1] == [{"text": "Stop alerts", "callback_data": "r:/stop_alerts"}]


def test_email_alert_waits_for_its_confirmation_link(session: Session) -> None:
    alert = email_alert(session, confirm=False)
    vacancy(session, "Healthcare Support Worker")
    [confirmation] = messages(session, "alert_confirmation")
    assert f"{BASE_URL}/alerts/confirm/{alert.confirm_token}" in confirmation.body
    queue(session)
    assert messages(session) == []

    confirm_alert(session, alert.confirm_token or "", later(2))
    queue(session, hours=3)

    assert len(messages(session)) == 1  # the vacancy found since the alert was asked for
    with pytest.raises(UnknownToken):
        confirm_alert(session, "no-such-token", later(2))


def test_a_confirmed_address_needs_no_new_link_in_the_same_conversation(
        session: Session) -> None:
    email_alert(session, sender="web-9")
    second = email_alert(session, sender="web-9", what="nurse", confirm=False)
    other = email_alert(session, sender="web-10", what="physio", confirm=False)
    assert second.status == "active"
    assert other.status == "pending"  # someone else typed this address: it must confirm
    assert len(messages(session, "alert_confirmation")) == 2


def test_fifty_requests_for_someone_elses_address_send_one_confirmation_a_day(
        session: Session) -> None:
    """Anyone can type any address: its owner gets one confirmation email a day at most."""
    for n in range(50):
        try:
            email_alert(session, email="victim@example.org", sender=f"web-{n}", confirm=False,
                        now=NOW + timedelta(minutes=n))
        except AlertNotAllowed:
            pass
    assert len(messages(session, "alert_confirmation")) == 1
    for n in range(3):  # asking again and stopping in between sends nothing more either
        stop_alerts_for_sender(session, f"web-{n}", NOW + timedelta(hours=1))
        with pytest.raises(AlertNotAllowed):
            email_alert(session, email="victim@example.org", sender=f"web-{n}", confirm=False,
                        now=NOW + timedelta(hours=1, minutes=n))
    assert len(messages(session, "alert_confirmation")) == 1
    email_alert(session, email="victim@example.org", sender="web-99", confirm=False,
                now=NOW + DAY + timedelta(minutes=1))  # a day later: one more
    assert len(messages(session, "alert_confirmation")) == 2


def test_erasing_the_conversation_that_typed_an_address_does_not_reset_its_day(
        session: Session) -> None:
    """Ask for an alert to someone's address, erase your data, ask again: no second email
    that day; the limit keeps no address (a keyed digest), and it goes after a day."""
    from carecareers.leads.erasure import erase_person

    email_alert(session, email="Victim@Example.org", sender="web-x", confirm=False)
    assert len(messages(session, "alert_confirmation")) == 1
    erase_person(session, actor="assistant", via="web", sender_id="web-x",
                 email="Victim@example.org")
    assert messages(session, "alert_confirmation") == []  # erased with the rest
    with pytest.raises(AlertNotAllowed):
        email_alert(session, email="victim@example.org", sender="web-x", confirm=False,
                    now=NOW + timedelta(hours=2))
    assert messages(session, "alert_confirmation") == []
    [mark] = session.scalars(select(SendMark)).all()
    assert "victim" not in mark.digest.lower() and len(mark.digest) == 64

    assert purge_marks(session, NOW + DAY - timedelta(minutes=1)) == 0
    assert purge_marks(session, NOW + DAY) == 1
    email_alert(session, email="victim@example.org", sender="web-x", confirm=False,
                now=NOW + DAY + timedelta(minutes=1))
    assert len(messages(session, "alert_confirmation")) == 1


def test_a_second_alert_before_confirming_reuses_the_link_already_sent(
        session: Session) -> None:
    first = email_alert(session, sender="web-3", what="HCA", confirm=False)
    second = email_alert(session, sender="web-3", what="nurse", confirm=False,
                         now=NOW + timedelta(minutes=5))
    [confirmation] = messages(session, "alert_confirmation")
    assert second.status == "pending" and first.confirm_token
    assert first.confirm_token in confirmation.body
    confirm_alert(session, first.confirm_token, NOW + timedelta(minutes=10))
    assert (first.status, second.status) == ("active", "active")


def test_unsubscribe_link_stops_everything_at_once(session: Session) -> None:
    alert = email_alert(session)
    email_alert(session, what="nurse")
    recipient = alert.recipient
    assert unsubscribe(session, recipient.unsubscribe_token, later(1)) == 2
    vacancy(session, "Healthcare Support Worker", hours=2)
    queue(session, hours=3)
    assert messages(session) == []
    assert all(c.withdrawn_at is not None for c in recipient.consents)
    assert unsubscribe(session, recipient.unsubscribe_token, later(1)) == 0  # a 2nd click: fine
    with pytest.raises(UnknownToken):
        unsubscribe(session, "not-a-token", later(1))


def test_stop_alerts_in_the_chat_and_my_alerts(session: Session) -> None:
    telegram_alert(session, sender="tg-5", what="HCA")
    telegram_alert(session, sender="tg-5", what="nurse")
    assert len(alerts_for_sender(session, "tg-5", later(1))) == 2
    assert stop_alerts_for_sender(session, "tg-5", later(1)) == 2
    assert alerts_for_sender(session, "tg-5", later(1)) == []
    vacancy(session, "Healthcare Support Worker", hours=2)
    queue(session, hours=3)
    assert messages(session) == []


def test_a_chat_alert_reaches_the_chat_the_person_writes_from(session: Session) -> None:
    from carecareers.alerts import request_chat_alert
    from carecareers.delivery import note_address
    from tests.integration.alert_helpers import consent

    request = request_chat_alert(session, sender_id="tg-7", channel="telegram",
                                 criteria=criteria("HCA"), consent=consent("telegram"), now=NOW)
    assert request.alert.status == "active" and request.alert.recipient.address is None
    consent_row = session.scalar(select(AlertConsent).where(
        AlertConsent.recipient_id == request.alert.recipient_id))
    assert consent_row is not None and consent_row.wording_version == "2026-11-alerts-2"
    assert "At most once a day" in consent_row.wording
    vacancy(session, "Healthcare Support Worker")
    queue(session)
    assert messages(session) == []  # no chat known for them: the match waits
    note_address(session, "tg-7", "telegram", "7007", later(2))  # they write to the bot
    queue(session, hours=3)
    [bundle] = messages(session)
    assert (bundle.channel, bundle.address) == ("telegram", "7007")
    assert "Healthcare Support Worker" in bundle.body
    note_address(session, "tg-7", "telegram", "7008", later(4))  # a new chat: alerts follow
    vacancy(session, "Healthcare Support Worker", hours=29)
    queue(session, hours=30)
    assert [(m.address, m.kind) for m in messages(session)] == [
        ("7007", "job_alert"), ("7008", "job_alert")]


def test_a_blocked_bot_or_dead_mailbox_stops_the_recipient(session: Session) -> None:
    alert = telegram_alert(session, chat_id=555)
    suppress(session, "telegram", "555", "the bot was blocked", NOW)
    assert stop_failed_recipients(session) == 1
    session.refresh(alert.recipient)
    assert alert.recipient.status == "failed"
    vacancy(session, "Healthcare Support Worker")
    queue(session)
    assert messages(session) == []
    suppress(session, "email", "gone@example.org", "mailbox unknown", NOW)
    with pytest.raises(AlertNotAllowed):
        email_alert(session, email="gone@example.org")


def test_alerts_nobody_touched_expire_with_their_records(session: Session) -> None:
    old = email_alert(session, email="old@example.org", sender="web-old",
                      now=NOW - timedelta(days=400))
    fresh = email_alert(session, email="new@example.org", sender="web-new")
    vacancy(session, "Healthcare Support Worker")
    queue(session)
    report = expire_alerts(session, 365, now=later(2))
    assert report.alerts == 1 and report.recipients == 1
    session.expire_all()
    assert session.get(JobAlert, old.id) is None
    assert session.get(JobAlert, fresh.id) is not None
    assert session.get(AlertRecipient, old.recipient_id) is None


def test_erasure_by_conversation_and_by_email(session: Session) -> None:
    by_sender = telegram_alert(session, sender="tg-erase", chat_id=999)
    by_email = email_alert(session, email="Erase.Me@Example.org", sender="web-erase")
    keep = email_alert(session, email="keep@example.org", sender="web-keep")
    vacancy(session, "Healthcare Support Worker")
    queue(session)
    erased = [by_sender.id, by_email.id]

    assert erase_alerts_for(session, sender_ids=["tg-erase"], email="Erase.Me@example.ORG") == 2

    session.expire_all()
    left = session.scalars(select(AlertRecipient.id)).all()
    assert left == [keep.recipient_id]
    addresses = set(session.scalars(select(OutboxMessage.address)))
    assert addresses == {"keep@example.org"}
    assert [session.get(JobAlert, alert_id) for alert_id in erased] == [None, None]


def test_dashboard_counts_active_alerts_by_area_and_role(session: Session) -> None:
    email_alert(session, email="a@example.org", sender="w1", what="HCA", place="ST4")
    email_alert(session, email="b@example.org", sender="w2", what="HCA", place="ST4 6QG")
    email_alert(session, email="c@example.org", sender="w3", what="nurse", place="Stafford")
    email_alert(session, email="d@example.org", sender="w4", what="nurse", confirm=False)
    counts = {(c.area, c.role): c.count for c in active_alert_counts(session)}
    assert counts[("ST4", "healthcare_assistant")] == 2
    assert counts[("Stafford", "registered_nurse")] == 1
    assert sum(counts.values()) == 3  # the unconfirmed alert is not active


def test_bad_requests_get_clear_errors(session: Session) -> None:
    with pytest.raises(InvalidAlert, match="email"):
        email_alert(session, email="not an address")
    with pytest.raises(InvalidAlert, match="couldn't find"):
        criteria("HCA", place="Atlantis")


def test_the_one_erasure_service_reaches_a_persons_alerts(session: Session) -> None:
    """'Delete my details' (chat, /forget, CLI) erases job alerts too, and says so."""
    from carecareers.leads.erasure import erase_person

    mine = telegram_alert(session, sender="tg-mine", chat_id=4242).id
    other = email_alert(session, email="other@example.org", sender="web-other").id
    erasure = erase_person(session, actor="assistant", via="telegram", sender_id="tg-mine")
    session.expire_all()
    assert erasure.leads == 0 and erasure.erased["job_alert_recipients"] == 1
    assert session.get(JobAlert, mine) is None and session.get(JobAlert, other) is not None
