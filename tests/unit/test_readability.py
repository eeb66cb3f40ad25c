"""Plain English: every fixed reply, the privacy notice and the consent question are at or
below a reading age of 11 (Flesch-Kincaid grade + 5). A failure lists the hardest texts.

`python -m tests.readability_sources` prints the hardest texts and their reading ages.
Answers built from careers content are checked in test_readability_careers.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from carecareers.readability import (
    READING_AGE_LIMIT,
    Scored,
    describe,
    is_prose,
    prose,
    reading_age,
    score,
    too_hard,
)
from tests import readability_sources as sources

# Texts over the limit, each with the rewording proposed for it, for the content team to
# decide on. When the text changes, take it out of this list. (These were in Python, where
# nothing measured them, until they moved to content/texts/en/.)
AWAITING_REWORDING: dict[str, str] = {
    "Send the message as JSON (Content-Type: application/json).":
        "Sorry, I could not read that message. Please send it again.",
    "This link to stop alerts is not valid any more: the alerts may have ended already.":
        "This link to stop alerts does not work any more. Your alerts may have ended already.",
    "This confirmation link has been used already or has expired.":
        "This link has been used already, or it is too old.",
    "Hello,\n\nSomeone (we hope you) asked the Care Careers Assistant to email new {watch} to "
    "this address, at most once a day.\n\nTo start these alerts, open this link and press "
    "Confirm:\n{link}\n\nIf this wasn't you, ignore this email: we won't send you anything "
    "else, and we delete the request after a while.\n":
        "Hello,\n\nSomeone (we hope you) asked the Care Careers Assistant to send new {watch} "
        "to this address by email. We send at most one email a day.\n\nTo start these "
        "alerts, open this link and press Confirm:\n{link}\n\nIf this wasn't you, ignore "
        "this email. We won't send you anything else, and we delete the request after a "
        "while.\n",
}
# Jargon a reply must explain where it first comes up: the term and words of its explanation.
JARGON = {"DBS check": "criminal record", "level 3": "A levels"}


def hardest(texts: Iterable[tuple[str, str]]) -> list[Scored]:
    return [s for s in too_hard(texts) if s.text not in AWAITING_REWORDING]


def report(hard: list[Scored]) -> str:
    return (f"{len(hard)} texts are over a reading age of {READING_AGE_LIMIT:g} "
            "(shorter sentences, shorter words):\n" + describe(hard))


SOURCES: dict[str, Callable[[], Iterable[tuple[str, str]]]] = {
    "domain responses": sources.domain_responses,
    "the catalogue (bot, web pages, emails, notices, form answers)": sources.catalogue_texts,
    "privacy notice and consent": sources.privacy_texts,
}


@pytest.mark.parametrize("source", SOURCES)
def test_every_text_is_plain_english(source: str) -> None:
    texts = list(SOURCES[source]())
    assert texts, f"no texts found for {source}"
    hard = hardest(texts)
    assert not hard, report(hard)


def test_texts_awaiting_rewording_are_still_there_and_the_proposals_pass() -> None:
    current = {text for _, text in sources.every_text()}
    for text, proposal in AWAITING_REWORDING.items():
        assert text in current, f"reworded or moved: take it out of AWAITING_REWORDING: {text}"
        assert reading_age(proposal) <= READING_AGE_LIMIT, proposal


def test_jargon_is_explained_where_it_comes_up() -> None:
    texts = [text for _, text in sources.domain_responses()]
    for term, explanation in JARGON.items():
        using = [t for t in texts if term.lower() in t.lower()]
        assert using, f"no reply mentions {term}"
        assert any(explanation.lower() in t.lower() for t in using), \
            f"no reply that mentions {term!r} explains it ({explanation!r})"


# The measure itself.

def test_plain_words_in_short_sentences_read_young() -> None:
    assert reading_age("You can start at 16. You will be paid while you train.") <= 8


def test_long_sentences_of_long_words_read_old() -> None:
    text = ("Employers must make reasonable adjustments under the Equality Act 2010, and "
            "values-based recruitment prioritises demonstrable interpersonal competencies.")
    assert reading_age(text) > READING_AGE_LIMIT + 5


def test_addresses_and_numbers_are_not_read_as_words() -> None:
    bare = "Call us or write to us."
    assert reading_age("Call us on 0800 100 900 or write to privacy@carecareers.example.org.") \
        == reading_age("Call us on number or write to link.")
    assert reading_age("See nationalcareers.service.gov.uk for more.") <= 9
    assert reading_age("Go to {privacy_url} now.") == reading_age("Go to link now.")
    assert reading_age(bare) < READING_AGE_LIMIT


def test_names_passed_in_count_as_one_short_word_and_other_long_words_still_count() -> None:
    names = ("healthcare support worker", "occupational therapist")
    text = "You can work as a healthcare support worker, then train as an occupational therapist."
    assert reading_age(text, names) == reading_age("You can work as a name, then train as an name.")
    assert reading_age(text, names) < reading_age(text)
    assert prose("Occupational therapists help.", names) == "name help."
    assert prose("Occupational therapy helps.", names) == "Occupational therapy helps."
    hard = "Interdisciplinary collaboration necessitates organisational accountability."
    assert reading_age(hard, names) == reading_age(hard) > READING_AGE_LIMIT


def test_each_line_of_a_list_is_a_sentence() -> None:
    listed = "I can help with:\n- jobs in care\n- pay\n- apprenticeships\n- jobs near you"
    assert prose(listed) == "I can help with: jobs in care. pay. apprenticeships. jobs near you."
    run_on = "I can help with jobs in care and pay and apprenticeships and jobs near you"
    assert reading_age(listed) < reading_age(run_on)


def test_too_hard_lists_the_hardest_first_and_leaves_labels_out() -> None:
    texts = [("easy", "You can start at 16. You will be paid while you train."),
             ("hard", "Employers must make reasonable adjustments for disabled applicants."),
             ("harder", "Interdisciplinary collaboration necessitates comprehensive "
                        "organisational accountability."),
             ("label", "Apprenticeships")]
    hard = too_hard(texts)
    assert [s.where for s in hard] == ["harder", "hard"]
    assert hard[0].age > hard[1].age > READING_AGE_LIMIT
    assert [s.where for s in score(texts)][-1] == "easy"
    assert not is_prose("Read the privacy notice")
    assert describe(hard).splitlines()[0].endswith("harder: Interdisciplinary collaboration "
                                                   "necessitates comprehensive "
                                                   "organisational accountability.")


# The collectors find what other engineers add.

def test_responses_in_a_new_domain_file_are_measured(tmp_path: Path) -> None:
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "new_topic.yml").write_text(
        'version: "3.1"\nresponses:\n  utter_new:\n  - text: "A new reply."\n'
        '  - custom: {type: card}\n', encoding="utf-8")
    assert list(sources.domain_responses(tmp_path)) == [
        ("new_topic.yml:utter_new[0]", "A new reply.")]


def test_every_response_in_the_domain_is_measured() -> None:
    found = {where.split("[")[0] for where, _ in sources.domain_responses()}
    assert {"core.yml:utter_greet", "faq.yml:utter_faq/dbs_check",
            "interest.yml:utter_ask_lead_age"} <= found


def test_a_text_added_to_the_catalogue_is_measured(tmp_path: Path) -> None:
    (tmp_path / "texts" / "en").mkdir(parents=True)
    (tmp_path / "texts" / "en" / "new_area.yml").write_text(
        'greeting: "Hello {first_name}, a new text."\n', encoding="utf-8")
    (tmp_path / "texts" / "en" / "web.yml").write_text(
        "poster:\n  can_help: Help\n  help_jobs: a\n  help_roles: b\n  help_route: c\n"
        "  help_contact: d\n", encoding="utf-8")
    (tmp_path / "texts" / "en" / "consent.yml").write_text('interest:\n  question: "Ok?"\n',
                                                          encoding="utf-8")
    found = list(sources.catalogue_texts(tmp_path))
    assert ("texts/en/new_area.greeting", "Hello {first_name}, a new text.") in found
    assert not [where for where, _ in found if "consent" in where]


def test_the_chat_page_emails_and_consent_are_measured() -> None:
    texts = dict(sources.catalogue_texts())
    assert "Check your connection" in texts["texts/en/web.chat.script.offline"]
    assert {"texts/en/web.chat.placeholder", "texts/en/bot.forget.question",
            "texts/en/emails.alert_bundle.body", "texts/en/chat.answers.age"} <= set(texts)
    privacy = dict(sources.privacy_texts())
    assert {"texts/en/consent.interest.question[phone]",
            "texts/en/consent.booking.question[email]",
            "texts/en/consent.alert.question[telegram]",
            "privacy/notice.yml:summary"} <= set(privacy)
