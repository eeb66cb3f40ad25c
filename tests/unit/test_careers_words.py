"""No words for people written in carecareers/careers/: the careers answers take every
sentence and button title from content/texts/en/careers.yml, so that they can be reworded
or translated without touching the code.

The scan fails on a string literal (or the fixed part of an f-string) in
carecareers/careers/*.py that looks like words for a person: a letter beside a space
("Plan my route", "about {months} months", "a {name}"), or a capitalised word on its own
("Pay", "NHS"). Left aside: docstrings, log calls, regular expressions, what the code looks
for in what people typed or in the content (`"year" in step.how`, `startswith("the ")`),
dict keys, date formats, payloads ("/ask_pay"), the names in `__all__`, exception messages,
and the modules that tell the people who edit content/careers/ what is wrong with it (the
content check and the errors of loading: they name the English files and their fields).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from carecareers.careers import answers
from carecareers.careers.records import Sector
from carecareers.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
CAREERS = ROOT / "carecareers" / "careers"
CONTENT = ROOT / "content"
# What `carecareers content check` and loading the content say to the people who edit
# content/careers/: about its English files, by file and field.
FOR_EDITORS = frozenset({"audit.py", "content.py", "errors.py", "reader.py"})
LOG_OBJECTS = frozenset({"logger", "logging", "log"})
READS = frozenset({"startswith", "endswith", "strftime", "strptime"})
BESIDE_A_SPACE = re.compile(r"[^\W\d_]\s|\s[^\W\d_]")
CAPITALISED_WORD = re.compile(r"[A-Z][^\W\d_]+")


@dataclass(frozen=True)
class Literal:
    """Words written in a module, with where they are."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def looks_like_words(value: str) -> bool:
    """A letter beside a space, or one capitalised word: what a person would read."""
    return bool(BESIDE_A_SPACE.search(value) or CAPITALISED_WORD.fullmatch(value))


def _inside(node: ast.AST) -> set[int]:
    return {id(sub) for sub in ast.walk(node)}


def _not_words(tree: ast.Module) -> set[int]:
    """The strings in a module that nobody reads as words (see the module docstring)."""
    aside: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and body and isinstance(body[0], ast.Expr) and \
                isinstance(body[0].value, ast.Constant):
            aside.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
            if owner in LOG_OBJECTS or owner == "re" or node.func.attr in READS:
                aside |= _inside(node)
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn)
                                                  for op in node.ops):
            aside |= _inside(node.left)
        if isinstance(node, ast.Dict):
            aside |= {id(key) for key in node.keys if key is not None}
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            aside |= _inside(node.format_spec)
        if isinstance(node, ast.Raise):
            aside |= _inside(node)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__"
                                                for t in node.targets):
            aside |= _inside(node.value)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                node.value.startswith("/"):
            aside.add(id(node))  # an intent payload
    return aside


def word_literals(path: Path, root: Path) -> Iterator[Literal]:
    """The strings in one module that look like words for a person."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aside = _not_words(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in aside and looks_like_words(node.value):
            yield Literal(str(path.relative_to(root)), node.lineno, node.value)


def careers_word_literals(folder: Path, root: Path) -> list[Literal]:
    """Words for a person in the careers modules of `folder`, the editors' ones left aside."""
    found = [literal for path in sorted(folder.glob("*.py")) if path.name not in FOR_EDITORS
             for literal in word_literals(path, root)]
    return sorted(found, key=lambda literal: (literal.path, literal.line))


def test_no_careers_words_are_written_in_python() -> None:
    found = careers_word_literals(CAREERS, ROOT)
    assert not found, (f"{len(found)} words for people written in carecareers/careers/; put "
                       "them in content/texts/en/careers.yml and use catalogue.text(...):\n" +
                       "\n".join(str(literal) for literal in found))


def test_the_scan_finds_words_written_in_python(tmp_path: Path) -> None:
    (tmp_path / "answers.py").write_text('''
"""A docstring is not words for a person."""
import logging
import re
logger = logging.getLogger(__name__)
__all__ = ["Answer", "role_info"]
AGE = re.compile(r"i am (\\d+) years old")
def answer(name, months, said, day):
    """Nor is this one."""
    logger.info("logged for developers")
    if "year" in said or said.startswith("the "):
        return {"Plan my route": intent_payload("/ask_career_path"), "id": "careers.pay.more"}
    if not months:
        raise ValueError("no months for this step")
    when = day.strftime("%B %Y")
    button = ("Pay", "/ask_pay")
    sentence = "Jobs in health and social care include:"
    return f"about {months} months", f"a {name}", f"£{months:,.2f}", button, sentence, when
''', encoding="utf-8")
    (tmp_path / "content.py").write_text('MESSAGE = "must be some text"\n', encoding="utf-8")
    found = {(literal.line, literal.text) for literal in careers_word_literals(tmp_path, tmp_path)}
    assert found == {(16, "Pay"), (17, "Jobs in health and social care include:"),
                     (18, "about "), (18, " months"), (18, "a ")}


def test_every_careers_text_is_said_by_the_careers_answers() -> None:
    """No text is left in careers.yml that no answer says any more."""
    constants: set[str] = set()
    prefixes: list[str] = []  # f"careers.sectors.{sector}": every id it can build
    for path in CAREERS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            if isinstance(node, ast.JoinedStr) and node.values and \
                    isinstance(node.values[0], ast.Constant):
                prefixes.append(str(node.values[0].value))
    texts = load_catalogue(CONTENT).section("careers")
    unused = [f"careers.{key}" for key in texts if f"careers.{key}" not in constants and
              not any(f"careers.{key}".startswith(prefix) for prefix in prefixes
                      if prefix.startswith("careers."))]
    assert len(texts) > 50 and unused == []


def test_every_sector_has_a_name() -> None:
    texts = load_catalogue(CONTENT)
    assert set(answers.SECTORS) == set(get_args(Sector))
    assert [s for s in answers.SECTORS if f"careers.sectors.{s}" not in texts] == []
