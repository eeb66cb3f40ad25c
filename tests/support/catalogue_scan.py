"""Find words written into Python instead of the catalogue, and catalogue ids used but missing.

A *word literal* is a string constant (or the fixed part of an f-string) with a letter in it
that is not a catalogue id (`"bot.forget.kept"`). A reply *carries words* when the
expression given for it has a word literal anywhere inside, or names a module constant that
is one (`text=SORRY`).

Where a reply may not carry words:
- `utter_message(...)`: its text (first argument or `text=`) in any case, and the titles of
  the buttons it is given (`{"title": ...}` dicts, `form_answer_button(...)`,
  `consent_button(...)`);
- the Telegram bot's sends: the text of `reply_text`, `send_message`, `send_html`, `answer`
  (a callback's toast), `edit_message_text`, and the titles of `InlineKeyboardButton`,
  `link_keyboard` and the descriptions of `BotCommand`;
- the web's answers: the `detail=` of `HTTPException`, what `JSONResponse` says (the
  `detail`, `message`, `text` and `messages` of its content), the `heading=` and `message=`
  a page is given, and `_error(status, ...)`;
- the web's tables of words: a module-level dict, tuple, list or set in web/routes/ (and
  web/session.py) with a value that has a space or a capitalised word in it
  (`{"sent": "Sent"}`, `(("visits", "Scanned"),)`). Codes (`("note", "no_answer")`), dict
  keys and ids are not words: keep the codes in Python and look their words up by id.

In `actions/` every word literal counts, wherever it is (besides what `_set_aside` lists,
and the action server's own plumbing in `actions/server.py`): the actions only translate,
so they have no words of their own.

Ids: `text("area.key", ...)` in Python and `t("area.key", ...)` in templates must name a
text of content/texts/en/, and give every placeholder it has; a `response="utter_..."`
(or any "utter_..." string in actions/) must name a response in domain/, and an
`utter_message(response=...)` must give every placeholder of every variation.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, nodes

from carecareers.catalogue import Catalogue, placeholders

LETTER = re.compile(r"[^\W\d_]")
SAID = re.compile(r"\s|\b[A-Z][^\W\d_]*\b")  # a space, or a capitalised word: said, not a code
UTTER = re.compile(r"^utter_\w+$")
TEXT_ID = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+\.?$")  # also an f-string's prefix

UTTER_TEXT_ARGS = {"utter_message": ("text", 0)}
BUTTON_HELPERS = {"form_answer_button", "answer_button", "consent_button"}
BOT_SENDS = {"reply_text": ("text", 0), "send_message": ("text", 1), "send_html": ("text", 2),
             "answer": ("text", 0), "edit_message_text": ("text", 0),
             "InlineKeyboardButton": ("text", 0), "link_keyboard": ("title", 0),
             "BotCommand": ("description", 1)}
WEB_WORD_KEYWORDS = {"heading", "message", "detail"}
JSON_WORD_KEYS = {"detail", "message", "text", "messages"}
LOG_OBJECTS = {"logger", "logging", "log"}
FILE_EXTENSIONS = {"html", "py", "yml", "yaml", "csv", "json", "svg", "png", "ics", "js", "css",
                   "txt", "md", "db"}
# The action server itself: its command line and what it answers Rasa, not people.
PLUMBING = {"server.py"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


# -- word literals in Python ---------------------------------------------------------------


def is_words(value: object) -> bool:
    """A string with a letter in it that is not a catalogue id (`bot.forget.kept`)."""
    return isinstance(value, str) and bool(LETTER.search(value)) and not TEXT_ID.match(value)


def _string_parts(node: ast.AST) -> Iterator[ast.Constant]:
    """The string constants inside an expression (an f-string's fixed parts, not its specs)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.FormattedValue):
            continue
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub


def _not_said(tree: ast.AST) -> set[int]:
    """F-string format specs, dict keys and the parts of an id built by an f-string
    (`f"dashboard.errors.{why}.title"`): strings in the code that nobody reads."""
    specs = {id(c) for node in ast.walk(tree) if isinstance(node, ast.FormattedValue)
             and node.format_spec is not None for c in ast.walk(node.format_spec)}
    keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for k in node.keys if k is not None}
    built = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             and TEXT_ID.match(_shape(node)) for part in node.values}
    return specs | keys | built


def _shape(node: ast.JoinedStr) -> str:
    """An f-string with a name in place of each value: `a.{b}.c` is `a.x.c`."""
    return "".join(part.value if isinstance(part, ast.Constant) else "x"
                   for part in node.values)


class Module:
    """One Python file: its tree, its module-level word constants, and what to leave aside."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.name = str(path.relative_to(root))
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.not_said = _not_said(self.tree)
        self.constants = self._word_constants()

    def _word_constants(self) -> dict[str, int]:
        found = {}
        for node in self.tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
            value = getattr(node, "value", None)
            for target in targets:
                if isinstance(target, ast.Name) and value is not None and \
                        self.literal_words(value):
                    found[target.id] = node.lineno
        return found

    def literal_words(self, node: ast.AST) -> list[ast.Constant]:
        return [c for c in _string_parts(node) if id(c) not in self.not_said and is_words(c.value)]

    def carries_words(self, node: ast.AST | None) -> str | None:
        """Why the expression carries words (the literal, or the constant named), else None."""
        if node is None:
            return None
        literal = self.literal_words(node)
        if literal:
            return repr(literal[0].value[:60])
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.constants:
                return f"{sub.id} (a word constant, line {self.constants[sub.id]})"
        return None


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _argument(call: ast.Call, keyword: str, position: int) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _button_titles(node: ast.AST | None) -> Iterator[ast.AST]:
    """The titles in a buttons expression: {"title": ...} dicts and the button helpers' first."""
    if node is None:
        return
    for sub in ast.walk(node):
        if isinstance(sub, ast.Dict):
            for key, value in zip(sub.keys, sub.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in ("title", "text"):
                    yield value
        elif isinstance(sub, ast.Call) and _callee(sub) in BUTTON_HELPERS and sub.args:
            yield sub.args[0]


def _json_content(call: ast.Call) -> Iterator[ast.AST]:
    content = _argument(call, "content", 0)
    if isinstance(content, ast.Dict):
        for key, value in zip(content.keys, content.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in JSON_WORD_KEYS:
                yield value


def sink_findings(module: Module, area: str) -> Iterator[Finding]:
    """Replies given words in Python, at the places listed in this module's docstring."""
    for call in (n for n in ast.walk(module.tree) if isinstance(n, ast.Call)):
        name = _callee(call)
        said: list[tuple[str, ast.AST | None]] = []
        if name == "utter_message":
            said.append(("utter_message text", _argument(call, "text", 0)))
            said += [("button title", t) for t in _button_titles(_argument(call, "buttons", 6))]
        if area == "bot" and name in BOT_SENDS:
            said.append((name, _argument(call, *BOT_SENDS[name])))
        if area == "web":
            if name == "HTTPException":
                said.append(("HTTPException detail", _argument(call, "detail", 1)))
            if name == "JSONResponse":
                said += [("JSONResponse content", v) for v in _json_content(call)]
            if name == "_error":
                said.append(("_error detail", _argument(call, "detail", 1)))
            said += [(f"{kw.arg}=", kw.value) for kw in call.keywords
                     if kw.arg in WEB_WORD_KEYWORDS and name not in ("HTTPException",)]
        for what, node in said:
            why = module.carries_words(node)
            if why is not None:
                yield Finding(module.name, getattr(node, "lineno", call.lineno),
                              f"{what}: {why}")


def table_findings(module: Module) -> Iterator[Finding]:
    """Module-level dicts, tuples, lists and sets that hold words for people."""
    for node in module.tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Dict | ast.Tuple | ast.List | ast.Set):
            said = [c for c in module.literal_words(value) if SAID.search(c.value)]
            if said:
                yield Finding(module.name, node.lineno,
                              f"a table of words: {said[0].value[:60]!r}")


def _set_aside(tree: ast.AST) -> set[int]:
    """What is not words for people: docstrings, log calls, regular expressions, what the
    code looks for in what people typed (`"i am" in said`, `said.startswith("i'm")`), the
    answers buttons give a form, intent payloads, names and ids."""
    aside: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and body and isinstance(body[0], ast.Expr) and \
                isinstance(body[0].value, ast.Constant):
            aside.add(id(body[0].value))
        if isinstance(node, ast.Call):
            func = node.func
            logs = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id in LOG_OBJECTS
            regex = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == "re"
            reads = isinstance(func, ast.Attribute) and func.attr in ("startswith", "endswith")
            if logs or regex or reads:
                aside.update(id(sub) for sub in ast.walk(node))
            if _callee(node) in BUTTON_HELPERS and len(node.args) > 1:
                aside.update(id(sub) for sub in ast.walk(node.args[1]))
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn)
                                                  for op in node.ops):
            aside.update(id(sub) for sub in ast.walk(node.left))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                node.value.startswith("/") or UTTER.match(node.value) or
                re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*\.?", node.value)):
            aside.add(id(node))  # an intent payload, a response or slot name, an id
    return aside


def every_literal_findings(module: Module) -> Iterator[Finding]:
    """Every word literal in the module, but docstrings, logs, regexes, names and ids."""
    aside = _set_aside(module.tree)
    for constant in module.literal_words(module.tree):
        if id(constant) not in aside:
            yield Finding(module.name, constant.lineno, f"words: {constant.value[:60]!r}")


def python_files(root: Path, parts: Iterable[str]) -> Iterator[Path]:
    for part in parts:
        path = root / part
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def reply_literals(root: Path) -> list[Finding]:
    """Every reply written in Python in actions/, bot/ and web/routes/ (and web/session.py)."""
    found: set[Finding] = set()
    areas = {"actions": ["actions"], "bot": ["bot"], "web": ["web/routes", "web/session.py"]}
    for area, parts in areas.items():
        for path in python_files(root, parts):
            module = Module(path, root)
            found.update(sink_findings(module, area))
            if area == "web":
                found.update(table_findings(module))
            if area == "actions" and path.name not in PLUMBING:
                found.update(every_literal_findings(module))
    return sorted(found, key=lambda f: (f.path, f.line, f.what))


# -- ids used and defined -------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """One use of an id: where, which, and the placeholder values given (None: unknown)."""

    where: str
    text_id: str
    given: frozenset[str] | None


def _given(call: ast.Call) -> frozenset[str] | None:
    if any(kw.arg is None for kw in call.keywords):
        return None  # **values: cannot tell
    return frozenset(kw.arg for kw in call.keywords if kw.arg)


def python_text_uses(root: Path, parts: Iterable[str]) -> Iterator[Use]:
    """`text("area.key", ...)` and `<something>.text("area.key", ...)` with a constant id
    (one with a dot: SQLAlchemy's `text("SELECT ...")` is not one)."""
    for path in python_files(root, parts):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if _callee(call) == "text" and call.args and isinstance(call.args[0], ast.Constant) \
                    and isinstance(call.args[0].value, str) and TEXT_ID.match(call.args[0].value):
                yield Use(f"{path.relative_to(root)}:{call.lineno}", call.args[0].value,
                          _given(call))


def python_id_uses(root: Path, parts: Iterable[str], areas: Iterable[str]) -> Iterator[Use]:
    """Any string in the code shaped like an id of one of the catalogue's `areas` (`"bot.x"`),
    as passed to a helper that says it (`say(bot, chat, "bot.forget.kept")`); not the name of
    a whole section (`section("web.chat.script")`)."""
    prefixes = tuple(f"{area}." for area in areas)
    for path in python_files(root, parts):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        sections = {id(call.args[0]) for call in ast.walk(tree) if isinstance(call, ast.Call)
                    and _callee(call) == "section" and call.args}
        built = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                 for part in node.values}  # f"chat.watch.{kind}": checked where it is built
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    id(node) not in sections | built and \
                    TEXT_ID.match(node.value) and node.value.startswith(prefixes) and \
                    not node.value.endswith(".") and \
                    node.value.rsplit(".", 1)[-1] not in FILE_EXTENSIONS:
                yield Use(f"{path.relative_to(root)}:{node.lineno}", node.value, None)


def python_response_uses(root: Path, parts: Iterable[str]) -> Iterator[Use]:
    """`utter_message(response="utter_x", ...)`, and any other "utter_x" string (given: None);
    a name built at run time (`f"utter_event_{welcome}"`) is for its own test to check."""
    for path in python_files(root, parts):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        counted: set[int] = set()
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            response = _argument(call, "response", 4) if _callee(call) == "utter_message" \
                else None
            for value in _responses_in(response):
                counted.add(id(value))
                given = _given(call)
                yield Use(f"{path.relative_to(root)}:{call.lineno}", value.value,
                          None if given is None else given - {"text", "buttons", "response"})
        built = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                 for part in node.values}  # f"utter_event_{...}": checked where it is built
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    UTTER.match(node.value) and id(node) not in counted | built:
                yield Use(f"{path.relative_to(root)}:{node.lineno}", node.value, None)


def _responses_in(node: ast.AST | None) -> Iterator[ast.Constant]:
    """The response names an expression can be: a constant, or either side of a condition."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.IfExp):
        yield from _responses_in(node.body)
        yield from _responses_in(node.orelse)


def template_text_uses(templates_dir: Path) -> Iterator[Use]:
    """`t("id", name=...)` calls in Jinja templates."""
    env = Environment(autoescape=True)
    for path in sorted(templates_dir.rglob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "t" and call.args and \
                    isinstance(call.args[0], nodes.Const):
                given = None if call.dyn_kwargs is not None else frozenset(
                    kw.key for kw in call.kwargs)
                yield Use(f"{path.relative_to(templates_dir.parent)}:{call.lineno}",
                          str(call.args[0].value), given)


def domain_responses(domain_dir: Path) -> dict[str, list[dict[str, Any]]]:
    responses: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        responses.update(data.get("responses") or {})
    return responses


def response_placeholders(variations: list[dict[str, Any]]) -> frozenset[str]:
    """Every placeholder in a response's variations: texts, button titles and payloads."""
    names: set[str] = set()
    for variation in variations:
        for value in _strings(variation):
            names |= placeholders(value)
    return frozenset(names)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key in ("text", "buttons", "custom", "title", "payload"):
            if key in value:
                yield from _strings(value[key])
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def undefined_uses(uses: Iterable[Use], defined: dict[str, frozenset[str]]) -> list[str]:
    """Each use of an undefined id, or one that leaves a placeholder without a value."""
    problems = []
    for use in uses:
        if use.text_id not in defined:
            problems.append(f"{use.where}: {use.text_id} is not defined")
        elif use.given is not None and defined[use.text_id] - use.given:
            missing = ", ".join(sorted(defined[use.text_id] - use.given))
            problems.append(f"{use.where}: {use.text_id} needs {missing}")
    return problems


def catalogue_placeholders(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    return {text_id: placeholders(template) for text_id, template in catalogue.texts.items()}
