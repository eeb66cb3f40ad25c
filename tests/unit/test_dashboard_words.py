"""No word written in the dashboard's templates: every word an adviser reads is a text.

The pages of web/templates/advisers/ take their words from content/texts/en/dashboard.yml
through `t("dashboard....")`, so that they can be reworded or translated without touching
the markup. The scan here reads each template without its Jinja (`{{ }}`, `{% %}`, `{# #}`)
and fails on a word left in a text or in an attribute a person reads or hears. Punctuation,
symbols and numbers ("·", "–", "(", "0") may stay in the markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "web" / "templates" / "advisers"
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
READ_ATTRIBUTES = frozenset({"title", "aria-label", "placeholder", "alt"})
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
NOT_READ = frozenset({"style", "script"})
# What a macro writes into the tag it is called in: aria-invalid="true" aria-describedby="..."
ATTRIBUTES = re.compile(r'\s*(?:[\w:-]+="[^"]*"\s*)+')
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


@dataclass(frozen=True)
class Literal:
    """Words written in a template, with where they are."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def has_words(text: str) -> bool:
    """Letters make words; punctuation, symbols, numbers and spaces do not."""
    return any(char.isalpha() for char in text)


def without_jinja(source: str) -> str:
    """The template without its Jinja; each tag leaves its line breaks, so lines keep their
    numbers."""
    return JINJA.sub(lambda tag: "\n" * tag.group().count("\n"), source)


class _WordScan(HTMLParser):
    """Texts and read attributes with words in them, outside <style> and <script>."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.found: list[Literal] = []
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_READ:
            self._inside = tag
        read = READ_ATTRIBUTES
        if tag == "input" and dict(attrs).get("type") in BUTTON_INPUTS:
            read = read | {"value"}  # the words on the button
        self._attributes(attrs, read)

    def _attributes(self, attrs: list[tuple[str, str | None]], read: frozenset[str]) -> None:
        line = self.getpos()[0]
        self.found += [Literal(self.path, line, f'{name}="{value}"') for name, value in attrs
                       if name in read and value and has_words(value)]

    def handle_endtag(self, tag: str) -> None:
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside or not has_words(data):
            return
        if ATTRIBUTES.fullmatch(data):
            self._attributes(ATTRIBUTE.findall(data), READ_ATTRIBUTES)
            return
        first = next(i for i, char in enumerate(data) if char.isalpha())
        line = self.getpos()[0] + data.count("\n", 0, first)
        self.found.append(Literal(self.path, line, " ".join(data.split())))


def literals(templates_dir: Path) -> list[Literal]:
    """Every word written outside Jinja in the templates of a folder."""
    found = []
    for path in sorted(templates_dir.glob("*.html")):
        scan = _WordScan(str(path.relative_to(templates_dir.parent)))
        scan.feed(without_jinja(path.read_text(encoding="utf-8")))
        scan.close()
        found += scan.found
    return found


def test_no_word_is_written_in_the_dashboards_templates() -> None:
    assert len(list(TEMPLATES.glob("*.html"))) >= 18
    found = literals(TEMPLATES)
    assert not found, (f"{len(found)} words written in the dashboard's templates; put them in "
                       "content/texts/en/dashboard.yml and use t(\"dashboard....\"):\n" +
                       "\n".join(str(f) for f in found))


def test_the_scan_finds_words_outside_jinja_only(tmp_path: Path) -> None:
    folder = tmp_path / "advisers"
    folder.mkdir()
    (folder / "page.html").write_text('''{# A comment with words is not read. #}
{% block title %}{{ t("dashboard.leads.title") }}{% endblock %}
<h1>{{ t("dashboard.leads.title") }} · {{ page }} (2–3):</h1>
<p>{% if kind == "some words" %}{{ "words in Jinja" }}
{% endif %}Written here</p>
<nav aria-label="Pages"><img src="/chart.png" alt="A chart"></nav>
<input type="search" placeholder="Search" value="kept"><input type="hidden" value="a b">
<input type="submit" value="Send"><button type="submit" value="go">{{ t("x.y") }}</button>
<a href="/advisers/leads" title="{{ t('dashboard.frame.leads') }}">{{ t("x.y",
   name=first_name) }} ›</a> Lead
<style>body { font-family: Arial, sans-serif; }</style><script>say("hello")</script>
<span aria-hidden="true">☎ </span>Callback &amp; more
<p>{% if ids %} aria-describedby="{{ ids }}"{% endif %}{% if x %} aria-invalid="true"{% endif %}</p>
<p>{% if hint %} data-hint="{{ hint }}" title="More help"{% endif %}</p>
''', encoding="utf-8")
    found = literals(folder)
    assert {f.path for f in found} == {"advisers/page.html"}
    assert [(f.line, f.text) for f in found] == [
        (5, "Written here"), (6, 'aria-label="Pages"'), (6, 'alt="A chart"'),
        (7, 'placeholder="Search"'), (8, 'value="Send"'), (10, "Lead"),
        (12, "Callback & more"), (14, 'title="More help"')]
