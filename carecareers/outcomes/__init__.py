"""What happened after a person asked: the outcome each provider records, where the
person's details stand when they ask, and the notices that tell them."""

from carecareers.outcomes.notices import may_be_told, notice_for, queue_outcome_notice
from carecareers.outcomes.recording import (
    REASONS,
    RECORDED,
    OutcomeChange,
    OutcomeError,
    RouteOutcome,
    outcomes_seen_by,
    record_outcome,
    route_to_record,
)
from carecareers.outcomes.standing import Standing, standing_answer, standing_of

__all__ = [
    "REASONS",
    "RECORDED",
    "OutcomeChange",
    "OutcomeError",
    "RouteOutcome",
    "Standing",
    "may_be_told",
    "notice_for",
    "outcomes_seen_by",
    "queue_outcome_notice",
    "record_outcome",
    "route_to_record",
    "standing_answer",
    "standing_of",
]
