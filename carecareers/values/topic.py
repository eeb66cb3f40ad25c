"""The values check in the centre: it takes its own turns before Rasa, answers the intent
that starts it, and its kept results go with the person (erasure) or with time (retention)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from carecareers.models import ValuesCheck, ValuesResult
from carecareers.topics import Counts, Person, Retention, Topic, register
from carecareers.values.check import all_payloads, content, forget_idle, take_turn, under_way


def erase(session: Session, person: Person) -> Counts:
    senders = sorted(person.sender_ids)
    if not senders:
        return {}
    checks = session.execute(delete(ValuesCheck).where(ValuesCheck.sender_id.in_(senders)))
    results = session.execute(delete(ValuesResult).where(ValuesResult.sender_id.in_(senders)))
    return {"values_checks": int(checks.rowcount or 0),
            "values_results": int(results.rowcount or 0)}


def purge(session: Session, now: datetime, retention: Retention) -> Counts:
    results = session.execute(delete(ValuesResult).where(
        ValuesResult.consented_at < retention.cutoff("values", now)))
    return {"values_checks": forget_idle(session, now),
            "values_results": int(results.rowcount or 0)}


TOPIC = register(Topic("values", erase=erase, purge=purge, takes_turn=take_turn,
                       awaits=under_way, turn_payloads=all_payloads(content()),
                       intents={"start_values_check": "action_values_check_start"}))
