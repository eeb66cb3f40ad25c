"""Every fixed text a person can be shown, as (where, text) pairs for the readability tests.

Run `python -m tests.readability_sources` to print the hardest texts and their reading ages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from carecareers.alerts.consent import alert_consent_wording
from carecareers.catalogue import load_catalogue
from carecareers.events.bookings import booking_consent
from carecareers.leads.consent import consent_wording
from carecareers.leads.privacy import RetentionPeriods, load_privacy_notice
from carecareers.models import Event, Provider
from carecareers.readability import describe, is_prose, score
from carecareers.values.content import load_values

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
Text = tuple[str, str]

# The catalogue's texts not measured as they are written: the consent questions (measured
# below, filled in for each method), and the pieces other texts are made of (measured where
# they are put together: the poster's list below, the noted facts in "Thanks, I'll remember
# that {noted}"). The dashboard's words are for careers advisers and recruiters at work, not
# for the young people the reading age is set for. The careers answers' pieces are measured
# filled in, as whole answers (tests/unit/test_readability_careers.py).
NOT_MEASURED_AS_WRITTEN = ("consent.", "common.", "chat.noted.", "web.site.title",
                           "web.poster.help_", "dashboard.", "careers.")


def domain_responses(root: Path = ROOT) -> Iterator[Text]:
    """Every response text in domain/*.yml (any file other engineers add included)."""
    for path in sorted((root / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses")
        for name, variants in (responses or {}).items():
            for i, variant in enumerate(variants or []):
                if isinstance(variant, dict) and isinstance(variant.get("text"), str):
                    yield f"{path.name}:{name}[{i}]", variant["text"]


def catalogue_texts(content: Path = CONTENT) -> Iterator[Text]:
    """Every text of content/texts/en/ (the bot's, the web pages', emails, notices, the
    chat's pieces and the answers the forms' checks give), placeholders and all."""
    for text_id, template in load_catalogue(content).texts.items():
        if not text_id.startswith(NOT_MEASURED_AS_WRITTEN):
            yield f"texts/en/{text_id}", template
    texts = load_catalogue(content)
    items = [texts.text(f"web.poster.help_{part}") for part in ("jobs", "roles", "route",
                                                                  "contact")]
    yield "texts/en/web.poster.help_*", "\n- ".join([texts.text("web.poster.can_help") + ":",
                                                     *items])


def privacy_texts(content: Path = CONTENT) -> Iterator[Text]:
    """The privacy notice, paragraph by paragraph, and the consent question for each channel."""
    notice = load_privacy_notice(content, RetentionPeriods(lead_days=365, chat_days=30,
                                                           alert_days=365, booking_days=90))
    yield "privacy/notice.yml:summary", notice.summary
    for section in notice.sections:
        for i, paragraph in enumerate(section.paragraphs):
            yield f"privacy/notice.yml:{section.heading}[{i}]", paragraph
    for method in ("phone", "email", "telegram"):
        wording = consent_wording(content, method, ["Oak House Care"],
                                  "https://care.example.org/privacy", 365)
        yield f"texts/en/consent.interest.question[{method}]", wording.text
    for method in ("phone", "email", "telegram"):
        event = Event(title="Open day", providers=[Provider(name="Oak House Care")])
        booking = booking_consent(content, event, method, "https://care.example.org/privacy", 90)
        yield f"texts/en/consent.booking.question[{method}]", booking.text
    for method in ("email", "telegram"):
        alert = alert_consent_wording(content, method, "care jobs near ST4",
                                      "https://care.example.org/privacy", 365)
        yield f"texts/en/consent.alert.question[{method}]", alert.text


def values_texts(content: Path = CONTENT) -> Iterator[Text]:
    """The values check's situations, feedback and results lines (content/values/)."""
    for where, text in load_values(content).texts():
        yield f"content/values {where}", text


def sample_story_texts(content: Path = CONTENT) -> Iterator[Text]:
    """The demo's sample staff stories (content/demo/stories.yml), paragraph by paragraph."""
    raw = yaml.safe_load((content / "demo" / "stories.yml").read_text(encoding="utf-8"))
    for story in raw["stories"]:
        for number, paragraph in enumerate(story["story"].split("\n\n"), start=1):
            yield f"content/demo/stories.yml {story['first_name']} {number}", paragraph


def every_text() -> list[Text]:
    return [*domain_responses(), *catalogue_texts(), *privacy_texts(), *values_texts(),
            *sample_story_texts()]


if __name__ == "__main__":
    scored = [s for s in score(every_text()) if is_prose(s.text)]
    print(f"{len(scored)} texts; reading age: worst {scored[0].age}, "
          f"median {scored[len(scored) // 2].age}")
    print(describe(scored[:15]))
