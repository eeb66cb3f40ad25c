"""Questions the assistant could not answer, kept masked so advisers can ask for content."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from carecareers.campaigns.service import find_campaign
from carecareers.models import UnansweredQuestion
from carecareers.questions.masking import mask_contact_details

STOPWORDS = frozenset(
    "a an and are as at be can do does for from have how i if in is it me my of on or so "
    "the to u what whats when where which who why will with would you your ur im pls please".split()
)


def group_key(text: str) -> str:
    """A key that similar questions share: their distinct content words, sorted."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    content = sorted({w for w in words if w not in STOPWORDS and len(w) > 1})
    return " ".join(content)[:200] or "(empty)"


def record_unanswered(session: Session, text: str, *, intent: str | None = None,
                      confidence: float | None = None, channel: str = "web",
                      campaign_code: str | None = None,
                      sender_id: str | None = None) -> UnansweredQuestion | None:
    """Store the question with contact details masked; ignore empty text and button payloads."""
    text = text.strip()
    if not text or text.startswith("/"):
        return None
    masked = mask_contact_details(text)[:1000]
    campaign = find_campaign(session, campaign_code)
    question = UnansweredQuestion(
        text=masked, group_key=group_key(masked), intent=intent,
        confidence=float(confidence) if confidence is not None else None, channel=channel,
        campaign_id=campaign.id if campaign else None, sender_id=sender_id,
    )
    session.add(question)
    return question
