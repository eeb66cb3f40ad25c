"""What is kept of a finished values check: the results, only with the person's consent (for
the adviser who follows up their lead), and counts that hold nobody (for providers).

- A ValuesResult holds the answers, the values shown and the work that fits, with the consent
  wording and its time; it is erased with everything else of the person and purged after
  VALUES_RETENTION_DAYS.
- Every finished check by someone 16 or over adds one to its campaign's "values check done"
  (a ValuesCompletion: the campaign and the day) and one to each answer's monthly tally (a
  ValuesTally): no sender, no age, nothing that points back to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carecareers.clock import uk_date
from carecareers.models import Conversation, ValuesCompletion, ValuesResult, ValuesTally
from carecareers.values.content import ValuesContent


def keep_results(session: Session, sender_id: str, answers: str, strengths: tuple[str, ...],
                 paths: tuple[str, ...], wording: str, now: datetime) -> ValuesResult:
    """Keep (or replace) the person's results with the consent they gave."""
    result = session.scalar(select(ValuesResult).where(ValuesResult.sender_id == sender_id))
    if result is None:
        result = ValuesResult(sender_id=sender_id)
        session.add(result)
    result.answers, result.strengths, result.paths = answers, list(strengths), list(paths)
    result.consent_wording, result.consented_at = wording, now
    session.flush()
    return result


def count_finished(session: Session, values: ValuesContent, answers: str, sender_id: str,
                   now: datetime) -> None:
    """Count a finished check for its campaign and each of its answers, holding nobody."""
    campaign_id = session.scalar(select(Conversation.campaign_id)
                                 .where(Conversation.sender_id == sender_id))
    session.add(ValuesCompletion(campaign_id=campaign_id, completed_on=uk_date(now)))
    month = uk_date(now).replace(day=1)
    for situation, choice_id in zip(values.situations, answers, strict=False):
        choice = situation.choice(choice_id)
        _add_one(session, month, situation.id, choice_id, bool(choice and choice.best))
    session.flush()


def _add_one(session: Session, month: date, situation: str, choice: str, best: bool) -> None:
    cell = (ValuesTally.month == month, ValuesTally.situation == situation,
            ValuesTally.choice == choice)
    for _ in range(2):  # a check finished at the same moment may add the cell first
        if session.execute(update(ValuesTally).where(*cell).values(count=ValuesTally.count + 1)
                           .execution_options(synchronize_session=False)).rowcount:
            return
        try:
            with session.begin_nested():
                session.add(ValuesTally(month=month, situation=situation, choice=choice,
                                        best=best, count=1))
            return
        except IntegrityError:
            continue


@dataclass(frozen=True)
class ResultSummary:
    """A kept result as the lead page shows it."""

    strengths: tuple[str, ...]  # the values' names, strongest first
    paths: tuple[str, ...]  # the work that fits, by name
    consented_at: datetime
    wording: str  # what the person agreed to


def result_summary(session: Session, values: ValuesContent,
                   sender_id: str) -> ResultSummary | None:
    result = session.scalar(select(ValuesResult).where(ValuesResult.sender_id == sender_id))
    if result is None:
        return None
    paths = {p.id: p.name for p in values.paths}
    return ResultSummary(
        tuple(values.values[k].name for k in result.strengths if k in values.values),
        tuple(paths[p] for p in result.paths if p in paths), result.consented_at,
        result.consent_wording)


@dataclass(frozen=True)
class Hardness:
    """How often people chose something other than what care staff would do."""

    situation: str
    title: str
    answered: int
    other_than_best: int

    @property
    def share(self) -> float:
        return self.other_than_best / self.answered if self.answered else 0.0


def hardest_situations(session: Session, values: ValuesContent,
                       since: date | None = None) -> list[Hardness]:
    """Each situation, hardest first: the share of finished checks that chose another answer
    than the one care staff would choose (anonymous monthly tallies, from `since`'s month)."""
    query = select(ValuesTally.situation, ValuesTally.best, func.sum(ValuesTally.count)) \
        .group_by(ValuesTally.situation, ValuesTally.best)
    if since is not None:
        query = query.where(ValuesTally.month >= since.replace(day=1))
    answered: dict[str, int] = {}
    missed: dict[str, int] = {}
    for situation, best, count in session.execute(query):
        answered[situation] = answered.get(situation, 0) + int(count)
        if not best:
            missed[situation] = missed.get(situation, 0) + int(count)
    found = [Hardness(s.id, s.title, answered.get(s.id, 0), missed.get(s.id, 0))
             for s in values.situations]
    return sorted(found, key=lambda h: (-h.share, -h.answered, h.title))
