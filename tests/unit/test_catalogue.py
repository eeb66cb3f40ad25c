"""Every word in a catalogue: texts by id with named placeholders, and no reply in Python.

What Rasa says is in domain/*.yml responses; every other text a person reads is in
content/texts/en/*.yml, read through carecareers.catalogue. The scans here fail on a reply
written inline in actions/, bot/ or web/routes/ (what counts: tests/support/catalogue_scan.py),
and on an id used but not defined, or used without a value for one of its placeholders.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup

from actions.context import QUALIFICATIONS
from bot.commands import COMMANDS
from carecareers.catalogue import (
    CatalogueError,
    load_catalogue,
    markup,
    placeholders,
    text,
)
from carecareers.events import Welcome
from carecareers.forms.consent import KINDS, consent_question
from tests.support import catalogue_scan as scan

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
PYTHON = ("actions", "bot", "web", "carecareers")
METHODS = {"interest": ("phone", "email", "telegram"), "booking": ("phone", "email", "telegram"),
           "alert": ("email", "telegram")}


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path / "texts" / "en", "greetings.yml",
          'hello: "Hello {first_name}!"\nbraces: "Tap {{this}}"\n'
          'nested:\n  deeper:\n    line: "- {item}"\n')
    return tmp_path


# -- the catalogue ---------------------------------------------------------------------------


def test_a_text_is_found_by_its_file_and_keys_and_filled_by_name(content: Path) -> None:
    texts = load_catalogue(content)
    assert texts.text("greetings.hello", first_name="Sam") == "Hello Sam!"
    assert texts.text("greetings.nested.deeper.line", item="pay") == "- pay"
    assert texts.text("greetings.braces") == "Tap {this}"
    assert texts.text("greetings.hello", first_name="Sam", unused="kept out") == "Hello Sam!"
    assert load_catalogue(content) is texts  # read once


def test_an_unknown_id_or_a_missing_value_is_a_clear_error(content: Path) -> None:
    texts = load_catalogue(content)
    with pytest.raises(CatalogueError, match=r"no text 'greetings.bye'.*greetings\.yml"):
        texts.text("greetings.bye")
    with pytest.raises(CatalogueError, match="greetings.hello needs a value for first_name"):
        texts.text("greetings.hello")


@pytest.mark.parametrize("written", ['"{0} jobs"', '"{job.title}"', '"{count:>3}"',
                                     '"{name!r}"', '"unclosed {brace"', "42"])
def test_only_plain_named_placeholders_and_texts_load(tmp_path: Path, written: str) -> None:
    write(tmp_path / "texts" / "en", "bad.yml", f"one: {written}\n")
    with pytest.raises(CatalogueError, match="bad.yml"):
        load_catalogue(tmp_path)


def test_another_language_takes_what_it_lacks_from_english(content: Path) -> None:
    write(content / "texts" / "cy", "greetings.yml", 'hello: "Helo {first_name}!"\n')
    welsh = load_catalogue(content, "cy")
    assert welsh.text("greetings.hello", first_name="Sam") == "Helo Sam!"
    assert welsh.text("greetings.braces") == "Tap {this}"


def test_lists_are_joined_in_the_catalogues_words() -> None:
    texts = load_catalogue(CONTENT)
    assert [texts.listed(n) for n in (["A"], ["A", "B"], ["A", "B", "C"])] == [
        "A", "A and B", "A, B and C"]


def test_templates_get_escaped_text_that_can_wrap_a_link() -> None:
    assert markup("web.alerts_page.confirmed_message", watch="<b>x</b>").startswith(
        "We'll email you new &lt;b&gt;x&lt;/b&gt;")
    link = markup("web.channels.telegram.elsewhere", link_start=Markup('<a href="/t">'),
                  link_end=Markup("</a>"))
    assert link == 'You can also <a href="/t">chat with us on Telegram</a>.'
    with pytest.raises(CatalogueError, match="link_end"):
        markup("web.channels.telegram.elsewhere", link_start="")


def test_the_consent_questions_are_worded_once_for_every_method() -> None:
    for kind in KINDS:
        for method in METHODS[kind]:
            wording = consent_question(CONTENT, kind, method, privacy_url="https://x/privacy",
                                       retention_days=365, recipients="Oak House", watch="jobs")
            assert wording.text.endswith(("https://x/privacy", "Is that OK?"))
            assert "{" not in wording.text and wording.channels == (method,)
            assert wording.version == text(f"consent.{kind}.version")


# -- no reply written in Python ------------------------------------------------------------


def test_no_reply_is_written_in_python() -> None:
    found = scan.reply_literals(ROOT)
    assert not found, (f"{len(found)} replies written in Python; put them in domain/*.yml "
                       "(what Rasa says) or content/texts/en/:\n" +
                       "\n".join(str(f) for f in found))


def test_the_scan_finds_every_kind_of_reply_written_in_python(tmp_path: Path) -> None:
    write(tmp_path / "actions", "reply.py", '''
"""A docstring is not a reply."""
import logging
import re
logger = logging.getLogger(__name__)
SORRY = "Sorry, not now."
WORDS = re.compile(r"i am (\\w+)")
def run(dispatcher, name, said):
    logger.warning("logged for developers")
    dispatcher.utter_message(text="Hello there")
    dispatcher.utter_message(text=f"Thanks {name}!")
    dispatcher.utter_message(text=SORRY)
    dispatcher.utter_message(response="utter_ok", buttons=[{"title": "Yes please",
                                                            "payload": "/affirm"}])
    if said.startswith("i'm") or "i am" in said:
        return form_answer_button(name, "not sure yet")
    dispatcher.utter_message(response="utter_ok", name=name)
    return {"title": "chat.jobs.more", "id": "bot.forget.kept"}
''')
    write(tmp_path / "bot", "reply.py", '''
async def reply(update, query, bot):
    await update.message.reply_text("Sorry, I can only read text.")
    await query.answer("Already chosen")
    await bot.send_message(1, say_this)
''')
    write(tmp_path / "web" / "routes", "reply.py", '''
def route():
    raise HTTPException(status_code=404, detail="There is no such page.")
def page(request):
    _error(422, "Send one of these.")
    JSONResponse(status_code=503, content={"detail": "Try later", "fields": ["a b"]})
    return _page(request, heading="Event not found", message=str(exc), code="a b")
def failed(request, why):
    return _page(request, message=text(f"dashboard.errors.{why}.message"))
DONE = {"note": "note added"}
STATES = {"sent": "Sent", "failed": text("dashboard.lead.delivery.failed")}
STEPS = (("visits", "Scanned", None), ("leads", "leads", "visits"))
CODES = ("note", "no_answer", "dashboard.lead.done.note")
LEVELS = [2, 3]
''')
    found = {(f.path.split("/")[0], f.line) for f in scan.reply_literals(tmp_path)}
    assert found == {("actions", 6), ("actions", 10), ("actions", 11), ("actions", 12),
                     ("actions", 13), ("bot", 3), ("bot", 4), ("web", 3), ("web", 5),
                     ("web", 6), ("web", 7), ("web", 10), ("web", 11), ("web", 12)}


# -- every id used is defined, with its placeholders given --------------------------------


def defined_texts() -> dict[str, frozenset[str]]:
    return scan.catalogue_placeholders(load_catalogue(CONTENT))


def test_every_text_id_used_in_python_and_templates_is_defined_with_its_values() -> None:
    areas = {path.stem for path in (CONTENT / "texts" / "en").glob("*.yml")}
    uses = [*scan.python_text_uses(ROOT, PYTHON), *scan.python_id_uses(ROOT, PYTHON, areas),
            *scan.template_text_uses(ROOT / "web" / "templates")]
    assert len(uses) > 100 and any(u.where.startswith("templates/chat.html") for u in uses)
    problems = scan.undefined_uses(uses, defined_texts())
    assert not problems, "\n".join(problems)


def test_the_chat_pages_script_says_only_texts_the_page_gives_it() -> None:
    script = (ROOT / "web" / "static" / "chat.js").read_text(encoding="utf-8")
    used = {name for call in re.findall(r"\bsay\(([^{)]*)", script)
            for name in re.findall(r'(?<!=== )"(\w+)"', call)}
    given = load_catalogue(CONTENT).section("web.chat.script")
    assert len(used) > 15 and used <= set(given), used - set(given)


def test_every_response_an_action_says_is_in_the_domain_with_its_values() -> None:
    responses = {name: scan.response_placeholders(variations)
                 for name, variations in scan.domain_responses(ROOT / "domain").items()}
    uses = list(scan.python_response_uses(ROOT, ["actions"]))
    assert len([u for u in uses if u.given is not None]) > 60
    problems = scan.undefined_uses(uses, responses)
    assert not problems, "\n".join(problems)


def test_ids_built_at_run_time_are_all_defined() -> None:
    defined, texts = defined_texts(), load_catalogue(CONTENT)
    per_method = [(kind, part) for kind in KINDS
                  for part in placeholders(texts.template(f"consent.{kind}.question"))
                  if any(text_id.startswith(f"consent.{kind}.{part}.") for text_id in defined)]
    built = [f"chat.noted.qualification.{q}" for q in QUALIFICATIONS] + \
        [f"bot.commands.{name}" for name in COMMANDS] + \
        [f"consent.{kind}.{part}.{method}" for kind, part in per_method
         for method in METHODS[kind]] + \
        [f"chat.watch.{kind}" for kind in ("jobs", "apprenticeships", "care_jobs",
                                           "care_apprenticeships")] + \
        [f"chat.event_errors.{why}" for why in ("cancelled", "started", "check_in_cancelled",
                                                "check_in_closed")]
    assert len(per_method) == 6 and len(built) == 6 + 5 + 15 + 4 + 4
    assert [text_id for text_id in built if text_id not in defined] == []


def test_responses_named_at_run_time_are_all_in_the_domain() -> None:
    responses = scan.domain_responses(ROOT / "domain")
    built = [f"utter_event_{welcome.value}" for welcome in Welcome]
    assert len(built) == len(Welcome) >= 5
    assert [name for name in built if name not in responses] == []
    assert {"event", "age"} >= {name for name in built
                                for name in scan.response_placeholders(responses[name])}


def test_domain_responses_have_plain_placeholders_and_escaped_braces() -> None:
    """Rasa fills `{name}` in texts and buttons; a literal brace (a JSON payload) is `{{`."""
    bad = []
    for name, variations in scan.domain_responses(ROOT / "domain").items():
        for value in scan._strings(variations):
            try:
                names = placeholders(value)
            except ValueError as exc:
                bad.append(f"{name}: {exc}: {value}")
                continue
            bad += [f"{name}: {{{n}}}" for n in names if not n.isidentifier()]
    assert not bad, "\n".join(bad)


def test_the_id_scans_catch_what_is_missing(tmp_path: Path) -> None:
    write(tmp_path / "bot", "say.py", '''
from carecareers.catalogue import text
def run(dispatcher):
    text("bot.forget.kept")
    text("bot.no_such_text")
    text("emails.alert_confirmation.body", watch="jobs")
    say(bot, 1, "bot.also_missing")
    dispatcher.utter_message(response="utter_no_such_response")
    dispatcher.utter_message(response="utter_alert_set_email")
''')
    write(tmp_path / "web" / "templates", "page.html",
          '{{ t("web.chat.heading") }} {{ t("web.nope") }} {{ t("web.poster.qr_title") }}')
    uses = [*scan.python_text_uses(tmp_path, ["bot"]),
            *scan.python_id_uses(tmp_path, ["bot"], ["bot"]),
            *scan.template_text_uses(tmp_path / "web" / "templates")]
    problems = scan.undefined_uses(uses, defined_texts())
    assert [p.split(": ", 1)[1] for p in problems] == [
        "bot.no_such_text is not defined", "emails.alert_confirmation.body needs link",
        "bot.no_such_text is not defined", "bot.also_missing is not defined",
        "web.nope is not defined", "web.poster.qr_title needs url"]
    responses = {name: scan.response_placeholders(v)
                 for name, v in scan.domain_responses(ROOT / "domain").items()}
    said = scan.undefined_uses(scan.python_response_uses(tmp_path, ["bot"]), responses)
    assert [p.split(": ", 1)[1] for p in said] == [
        "utter_no_such_response is not defined", "utter_alert_set_email needs watch"]
