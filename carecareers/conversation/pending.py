"""Tracker-store changes that failed (erasure, redaction), kept and retried until done."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.conversation.tracker_events import (
    ErasureFailed,
    erase_conversation_events,
    redact_form_answers,
)
from carecareers.models import PendingTrackerChange

logger = logging.getLogger(__name__)

CHANGES: dict[str, Callable[[str, str], int]] = {
    "erase": erase_conversation_events, "redact": redact_form_answers}
MAX_BACKOFF = timedelta(hours=1)
BATCH = 100


@dataclass(frozen=True)
class RetryReport:
    done: int
    waiting: int


def remember_failed(session: Session, sender_id: str, change: str,
                    now: datetime) -> None:
    """Keep a change the tracker store refused, so that it is retried until it is done."""
    if change not in CHANGES:
        raise ValueError(f"unknown tracker change {change!r}")
    session.add(PendingTrackerChange(sender_id=sender_id, change=change, created_at=now,
                                     next_attempt_at=now))


def retry_pending(session: Session, tracker_store_url: str,
                  now: datetime) -> RetryReport:
    """Apply the pending changes that are due; back off (doubling, up to an hour) on failure."""
    due = list(session.scalars(
        select(PendingTrackerChange).where(PendingTrackerChange.next_attempt_at <= now)
        .order_by(PendingTrackerChange.id).limit(BATCH)))
    done = 0
    for pending in due:
        try:
            CHANGES[pending.change](tracker_store_url, pending.sender_id)
        except ErasureFailed as exc:
            pending.attempts += 1
            pending.next_attempt_at = now + min(MAX_BACKOFF,
                                                timedelta(seconds=30 * 2 ** pending.attempts))
            logger.warning("a tracker %s is still failing (attempt %d): %s", pending.change,
                           pending.attempts, exc)
            continue
        session.delete(pending)
        done += 1
    session.flush()
    waiting = len(session.scalars(select(PendingTrackerChange.id)).all())
    return RetryReport(done, waiting)
