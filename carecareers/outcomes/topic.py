"""Outcomes in the centre: what each provider did is kept on the lead's routes (erased and
purged with the lead); the messages that told the person are erased with them."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from carecareers.models import Lead, OutboxMessage
from carecareers.outcomes.notices import KINDS
from carecareers.topics import Counts, Person, Topic, register


def erase(session: Session, person: Person) -> Counts:
    emails = set(session.scalars(select(Lead.email).where(
        Lead.sender_id.in_(person.sender_ids), Lead.email.is_not(None))))
    if person.email:
        emails.add(person.email)
    if not emails:
        return {"outcome_messages": 0}
    deleted = session.execute(delete(OutboxMessage).where(
        OutboxMessage.channel == "email", OutboxMessage.address.in_(sorted(emails)),
        OutboxMessage.kind.in_(KINDS.values())).execution_options(synchronize_session=False))
    return {"outcome_messages": int(deleted.rowcount or 0)}


TOPIC = register(Topic("outcomes", erase=erase,
                       intents={"ask_application_status": "action_application_status"}))
