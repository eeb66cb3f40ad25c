"""Unanswered questions grouped by similarity, with contact details masked."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.models import UnansweredQuestion
from carecareers.questions.masking import mask_contact_details

MAX_ROWS = 5000
MAX_GROUPS = 300
MERGE_OVERLAP = 0.5
EXAMPLES = 3
_STOPWORDS = {
    "a", "an", "and", "are", "can", "do", "does", "for", "how", "i", "in", "is", "it", "me",
    "my", "of", "on", "or", "the", "to", "what", "when", "where", "which", "who", "with",
    "you", "your", "be", "there", "any", "get",
}


@dataclass
class QuestionGroup:
    key: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    intents: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    last_asked: datetime | None = None

    @property
    def top_intents(self) -> list[str]:
        return [intent for intent, _ in self.intents.most_common(3)]

    def add(self, question: UnansweredQuestion) -> None:
        self.count += 1
        masked = mask_contact_details(question.text)
        if len(self.examples) < EXAMPLES and masked not in self.examples:
            self.examples.append(masked)
        if question.intent:
            self.intents[question.intent] += 1
        self.channels[question.channel] += 1
        if self.last_asked is None or question.asked_at > self.last_asked:
            self.last_asked = question.asked_at

    def absorb(self, other: QuestionGroup) -> None:
        self.count += other.count
        self.keys += other.keys
        self.examples += [e for e in other.examples if e not in self.examples]
        self.examples = self.examples[:EXAMPLES]
        self.intents.update(other.intents)
        self.channels.update(other.channels)
        if other.last_asked and (self.last_asked is None or other.last_asked > self.last_asked):
            self.last_asked = other.last_asked


def group_unanswered(session: Session, since: datetime | None = None,
                     campaign_id: int | None = None) -> list[QuestionGroup]:
    """Group the questions by key, merge groups whose keys share most words; largest first."""
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.asked_at.desc())
    if since is not None:
        query = query.where(UnansweredQuestion.asked_at >= since)
    if campaign_id is not None:
        query = query.where(UnansweredQuestion.campaign_id == campaign_id)
    groups: dict[str, QuestionGroup] = {}
    for question in session.scalars(query.limit(MAX_ROWS)):
        key = question.group_key or question.text
        masked_key = mask_contact_details(key)
        group = groups.setdefault(key, QuestionGroup(key=masked_key, keys=[masked_key]))
        group.add(question)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.key))
    return merge_similar(ordered[:MAX_GROUPS]) + ordered[MAX_GROUPS:]


def tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in re.findall(r"[a-z0-9]+", text.lower())
                     if t not in _STOPWORDS and len(t) > 1)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two token sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def merge_similar(groups: list[QuestionGroup]) -> list[QuestionGroup]:
    """Fold each group into the first larger one whose words overlap enough."""
    merged: list[tuple[QuestionGroup, frozenset[str]]] = []
    for group in groups:
        words = tokens(" ".join(group.keys))
        target = next((m for m, m_words in merged if overlap(words, m_words) >= MERGE_OVERLAP),
                      None)
        if target is None:
            merged.append((group, words))
        else:
            target.absorb(group)
    return sorted((g for g, _ in merged), key=lambda g: (-g.count, g.key))
