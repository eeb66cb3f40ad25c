"""'Is care for me?' through the real servers (Rasa, the action server, the web chat): 100
simulated people with random answers, a fifth of whom leave part-way. Nothing is stored for
those who left or refused (the database and Rasa's tracker store); exactly the results of
those who agreed are kept."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select, text

from bench.conversations import Reply, Turn, WebChat
from bench.webchat import visitor_headers
from carecareers.db import make_engine, session_factory
from carecareers.models import ValuesCheck, ValuesCompletion, ValuesResult, ValuesTally
from carecareers.values import content
from carecareers.values.check import forget_idle
from tests.e2e.conftest import Stack
from tests.e2e.test_privacy_in_the_tracker import sender_of

pytestmark = pytest.mark.e2e

TITLES = ("Yes, keep them", "No, don't keep them")
PEOPLE = 100
LEAVING = 0.2
STARTS = ("would i be any good at care", "is care a good fit for someone like me",
          "do u think id be good at caring for people", "how would i know if care suits me")


def tracker_events(stack: Stack, sender: str) -> list[str]:
    engine = create_engine(stack.settings.tracker_store_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s"),
                                  {"s": sender}).scalars().all()
    engine.dispose()
    return [row or "" for row in rows]


def test_a_hundred_people_nothing_kept_for_those_who_left_or_refused(rasa_stack: Stack) -> None:
    values = content()
    situations = values.situations
    draw = random.Random(20261206)
    factory = session_factory(make_engine(rasa_stack.settings.database_url))
    with factory() as session:
        before = {m: int(session.scalar(select(func.count()).select_from(m)) or 0)
                  for m in (ValuesResult, ValuesCompletion)}
    kept, refused, left_by_stop, left_quietly = [], [], [], []
    for person in range(PEOPLE):
        leaves_after = draw.randrange(len(situations)) if draw.random() < LEAVING else None
        with WebChat(rasa_stack.web_url, visitor_headers()) as chat:  # each from their own address
            reply = chat.send(Turn(say=STARTS[person % len(STARTS)], press=None), None)
            assert f"1 of {len(situations)}" in reply.text, reply.text
            sender = sender_of(rasa_stack, chat.client)  # type: ignore[arg-type]
            for index, situation in enumerate(situations):
                if leaves_after == index:
                    break
                choice = draw.choice(situation.choices)
                reply = chat.send(Turn(say=None, press=choice.label), reply)
                assert situation.staff_do in reply.text, (person, index, reply.text)
            else:
                keep = draw.random() < 0.5
                title = "Yes, keep them" if keep else "No, don't keep them"
                done: Reply = chat.send(Turn(say=None, press=title), reply)
                assert ("kept your results" if keep else "haven't kept") in done.text
                (kept if keep else refused).append(sender)
                continue
            if draw.random() < 0.5:
                stopped = chat.send(Turn(say="stop", press=None), reply)
                assert "haven't kept any of your answers" in stopped.text
                left_by_stop.append(sender)
            else:
                left_quietly.append(sender)
    finished = len(kept) + len(refused)
    assert finished + len(left_by_stop) + len(left_quietly) == PEOPLE
    assert left_by_stop and left_quietly and kept and refused

    with factory() as session, session.begin():
        # (other tests share this stack: only this run's people are looked at)
        ours = set(kept + refused + left_by_stop + left_quietly)
        under_way = set(session.scalars(select(ValuesCheck.sender_id)))
        assert under_way & ours == set(left_quietly)
        forget_idle(session, datetime.now(timezone.utc) + timedelta(minutes=31))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ValuesCheck)) == 0
        results = set(session.scalars(select(ValuesResult.sender_id)))
        assert set(kept) <= results and not results & set(refused + left_by_stop + left_quietly)
        assert len(results) - before[ValuesResult] == len(kept)
        completions = session.scalar(select(func.count()).select_from(ValuesCompletion))
        assert completions - before[ValuesCompletion] == finished
        assert session.scalar(select(func.sum(ValuesTally.count))) >= finished * len(situations)

    labels = {c.label for s in situations for c in s.choices}
    for sender in refused + left_by_stop + left_quietly + kept:
        events = tracker_events(rasa_stack, sender)
        assert events, sender  # the start went through Rasa ...
        said = [json.loads(e) for e in events if '"event": "user"' in e]
        answers = [e for e in said if str(e.get("text", "")).startswith("values:")
                   or e.get("text") in labels or e.get("text") in ("stop", *TITLES)]
        assert len(said) == 1 and answers == [], (sender, said)  # ... no answer ever did
