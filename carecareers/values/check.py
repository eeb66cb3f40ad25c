"""The "Is care for me?" check, turn by turn: everyday situations to answer, feedback after
each (never a "fail"), then the values the person showed most and the kinds of care work
that fit them, each with a next step.

It runs before Rasa (carecareers/topics.py `takes_turn`): Rasa starts it (intent
`start_values_check`, actions/values.py), then every answer, typed or tapped, comes here.
Nothing about the person is kept unless they finish and agree (carecareers/values/results.py);
the check under way is one row, deleted however the check ends, or once the person has been
quiet for VALUES_CHECK_IDLE_MINUTES.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.orm import Session

from carecareers.careers.answers import intent_payload
from carecareers.catalogue import text
from carecareers.models import ValuesCheck
from carecareers.settings import get_settings
from carecareers.topics import PersonTurn, TurnAnswer
from carecareers.values import typed
from carecareers.values.content import Situation, ValuesContent, WorkPath, load_values
from carecareers.values.results import count_finished, keep_results

PAYLOAD_PREFIX = "values:"
KEEP = "values:keep"
DONT_KEEP = "values:dont_keep"
START_PAYLOAD = "/start_values_check"
SHOWN_VALUES = 2  # the values named in the results
SHOWN_PATHS = 3  # the kinds of work named in the results


def content() -> ValuesContent:
    return load_values(get_settings().content_dir)


def answer_payload(situation: Situation, choice_id: str) -> str:
    return f"{PAYLOAD_PREFIX}{situation.id}:{choice_id}"


def all_payloads(values: ValuesContent) -> frozenset[str]:
    """Every payload the check's buttons send: they come here, never to Rasa."""
    answers = {answer_payload(s, c.id) for s in values.situations for c in s.choices}
    return frozenset(answers | {KEEP, DONT_KEEP})


@dataclass(frozen=True)
class Outcome:
    """What the person's answers showed: values strongest first, and the work that fits."""

    strengths: tuple[str, ...]
    paths: tuple[WorkPath, ...]


def outcome_of(values: ValuesContent, answers: str) -> Outcome:
    """The values the answers showed most (ties in the content's order), and the paths that
    fit those values best."""
    shown: Counter[str] = Counter()
    for situation, choice_id in zip(values.situations, answers, strict=False):
        choice = situation.choice(choice_id)
        shown.update(choice.shows if choice else ())
    order = list(values.values)
    strengths = tuple(sorted((k for k in order if shown[k]),
                             key=lambda k: (-shown[k], order.index(k))))
    top = strengths[:SHOWN_VALUES] or tuple(order[:SHOWN_VALUES])
    scored = sorted(values.paths, key=lambda p: (-sum(shown[k] * (k in top) + (k in top)
                                                      for k in p.values),
                                                 values.paths.index(p)))
    return Outcome(strengths, tuple(scored[:SHOWN_PATHS]))


# -- starting ----------------------------------------------------------------------------------


def start_check(session: Session, sender_id: str, under_16: bool, now: datetime) -> TurnAnswer:
    """Begin (or begin again) the check: the first situation, after a word on what it is."""
    values = content()
    forget_idle(session, now)
    session.execute(delete(ValuesCheck).where(ValuesCheck.sender_id == sender_id))
    session.add(ValuesCheck(sender_id=sender_id, step=0, answers="", under_16=under_16,
                            updated_at=now))
    session.flush()
    intro = text("chat.values.intro", count=len(values.situations))
    return _asking(values, 0, before=(intro,))


def forget_idle(session: Session, now: datetime) -> int:
    """Delete every check nobody has answered for VALUES_CHECK_IDLE_MINUTES: left half-way."""
    cutoff = now - timedelta(minutes=get_settings().values_check_idle_minutes)
    result = session.execute(delete(ValuesCheck).where(ValuesCheck.updated_at < cutoff)
                             .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def under_way(sender_id: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL: this person has a check (`take_turn` forgets it first if it was left idle)."""
    return exists().where(ValuesCheck.sender_id == sender_id)


# -- each turn ---------------------------------------------------------------------------------


def take_turn(session: Session, turn: PersonTurn) -> TurnAnswer | None:
    """Take an answer to the check (a tapped choice, or a typed one); None when the turn is
    not the check's. Typed text that is no answer ends the check and goes to the assistant."""
    forget_idle(session, turn.now)
    check = session.scalar(select(ValuesCheck).where(ValuesCheck.sender_id == turn.sender_id))
    if turn.said is None and not turn.message.startswith(PAYLOAD_PREFIX):
        return None
    if check is None:
        if turn.said is not None:
            return None
        return TurnAnswer(text("chat.values.ended_before"),
                          ({"title": text("chat.values.start_again_button"),
                            "payload": START_PAYLOAD},))
    values = content()
    if turn.said is not None and typed.is_leaving(turn.said):
        session.delete(check)
        return TurnAnswer(text("chat.values.stopped"), _next_steps(None))
    if check.asking_consent:
        return _consent_turn(session, check, turn, values)
    return _answer_turn(session, check, turn, values)


def _answer_turn(session: Session, check: ValuesCheck, turn: PersonTurn,
                 values: ValuesContent) -> TurnAnswer | None:
    situation = values.situations[check.step]
    if turn.said is None:
        choice_id = _tapped(turn.message, situation)
        if choice_id is None:  # an old button, or one of another question
            return _asking(values, check.step, before=(text("chat.values.stay"),))
    else:
        position = typed.read_choice(turn.said, situation.choices)
        if position is None:
            if typed.looks_like_an_attempt(turn.said) or typed.read_yes_no(turn.said) is not None:
                return _asking(values, check.step, before=(text("chat.values.again"),))
            session.delete(check)  # a question or a new subject: they have moved on
            return None
        choice_id = situation.choices[position].id
    choice = situation.choice(choice_id)
    assert choice is not None
    feedback = text("chat.values.feedback", note=choice.note, staff_do=situation.staff_do)
    check.answers += choice_id
    check.step += 1
    check.updated_at = turn.now
    if check.step < len(values.situations):
        return _asking(values, check.step, before=(feedback,))
    return _finish(session, check, turn, values, feedback)


def _tapped(payload: str, situation: Situation) -> str | None:
    for choice in situation.choices:
        if payload == answer_payload(situation, choice.id):
            return choice.id
    return None


def _asking(values: ValuesContent, step: int, before: tuple[str, ...] = ()) -> TurnAnswer:
    situation = values.situations[step]
    question = text("chat.values.situation", number=step + 1, count=len(values.situations),
                    situation=situation.text)
    buttons = tuple({"title": c.label, "payload": answer_payload(situation, c.id)}
                    for c in situation.choices)
    return TurnAnswer(question, buttons, before=before)


def _finish(session: Session, check: ValuesCheck, turn: PersonTurn, values: ValuesContent,
            feedback: str) -> TurnAnswer:
    outcome = outcome_of(values, check.answers)
    results = results_text(values, outcome)
    if check.under_16:
        session.delete(check)
        return TurnAnswer(text("chat.values.under_16"), _next_steps(outcome),
                          before=(feedback, results))
    count_finished(session, values, check.answers, turn.sender_id, turn.now)
    check.asking_consent = True
    return TurnAnswer(text("chat.values.consent_question"), _consent_buttons(),
                      before=(feedback, results))


def results_text(values: ValuesContent, outcome: Outcome) -> str:
    lines = [text("chat.values.results_heading", count=len(values.situations))]
    lines += [text("chat.values.value_line", name=values.values[k].name,
                   shown=values.values[k].shown) for k in outcome.strengths[:SHOWN_VALUES]]
    lines.append(text("chat.values.paths_heading"))
    lines += [text("chat.values.path_line", name=p.name, about=p.about) for p in outcome.paths]
    return "\n".join(lines)


def _consent_buttons() -> tuple[dict[str, str], ...]:
    return ({"title": text("chat.values.keep_button"), "payload": KEEP},
            {"title": text("chat.values.dont_keep_button"), "payload": DONT_KEEP})


def _consent_turn(session: Session, check: ValuesCheck, turn: PersonTurn,
                  values: ValuesContent) -> TurnAnswer | None:
    if turn.said is None:
        keep = {KEEP: True, DONT_KEEP: False}.get(turn.message)
    else:
        keep = typed.read_yes_no(turn.said)
        if keep is None and not typed.looks_like_an_attempt(turn.said):
            session.delete(check)  # moved on without saying: nothing is kept
            return None
    if keep is None:
        return TurnAnswer(text("chat.values.consent_again"), _consent_buttons())
    outcome = outcome_of(values, check.answers)
    if keep:
        keep_results(session, turn.sender_id, check.answers, outcome.strengths,
                     tuple(p.id for p in outcome.paths), text("chat.values.consent_question"),
                     turn.now)
    session.delete(check)
    return TurnAnswer(text("chat.values.kept" if keep else "chat.values.not_kept"),
                      _next_steps(outcome))


def _next_steps(outcome: Outcome | None) -> tuple[dict[str, str], ...]:
    """Jobs near me, open days, the route up the ladder and talk to someone: for the work
    that fits best, once there is an outcome."""
    top = outcome.paths[0] if outcome and outcome.paths else None
    jobs = (intent_payload("search_vacancies", role=top.route_role) if top
            else intent_payload("search_vacancies"))
    steps = [{"title": text("chat.values.next.jobs"), "payload": jobs},
             {"title": text("chat.values.next.open_days"), "payload": intent_payload("ask_events")}]
    if top:
        steps.append({"title": text("chat.values.next.route", path=top.name),
                      "payload": intent_payload("ask_career_path", role=top.route_role)})
        steps.append({"title": text("chat.values.next.story"),
                      "payload": intent_payload("ask_story", role=top.route_role)})
    steps.append({"title": text("chat.values.next.talk"),
                  "payload": intent_payload("human_handoff")})
    return tuple(steps)
