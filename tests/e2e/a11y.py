"""Accessibility checks for browser tests: axe-core, text size, reflow and focus visibility.

axe-core comes from npm (`make test` runs `npm ci`); it is injected into the page under
test, so pages need no change to be checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA that axe can test automatically.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 AA rules on the page as it is now; return its violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make test does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_22_AA)
    return result["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {json.dumps(targets)}")
    return "\n".join(lines)


def set_text_size(page: Page, percent: int) -> None:
    """Set the browser's default text size, as a person does in their settings."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * percent // 100,
                                                 "fixed": 13 * percent // 100}})


def sideways_overflow(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it fits)."""
    return int(page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"))


# The box of the focused element, and of every sticky or fixed element on the page that
# does not contain it (those are what can hide it).
FOCUS_AND_COVERS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const box = (r) => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right});
  const covers = [];
  for (const other of document.querySelectorAll('body *')) {
    const position = getComputedStyle(other).position;
    if ((position === 'sticky' || position === 'fixed') && !other.contains(el)
        && other.getBoundingClientRect().height > 0) {
      covers.push({name: other.tagName.toLowerCase() + '.' + other.className,
                   box: box(other.getBoundingClientRect())});
    }
  }
  const label = (el.getAttribute('aria-label') || el.textContent || el.value || el.tagName);
  return {name: label.trim().slice(0, 60), box: box(el.getBoundingClientRect()),
          viewport: {width: innerWidth, height: innerHeight}, covers};
}"""


def focus_problem(page: Page) -> str | None:
    """Why the focused element is not fully visible (off screen or under a sticky bar)."""
    seen = page.evaluate(FOCUS_AND_COVERS)
    if seen is None:
        return None
    box, view = seen["box"], seen["viewport"]
    if box["top"] < -0.5 or box["bottom"] > view["height"] + 0.5:
        return f"{seen['name']!r} is off screen ({box['top']:.0f}..{box['bottom']:.0f})"
    for cover in seen["covers"]:
        c = cover["box"]
        overlap = min(box["bottom"], c["bottom"]) - max(box["top"], c["top"])
        across = min(box["right"], c["right"]) - max(box["left"], c["left"])
        if overlap > 0.5 and across > 0.5:
            return f"{seen['name']!r} is under {cover['name']} by {overlap:.0f}px"
    return None


# Near enough to the accessible name for a report: aria-label, the label, or the text.
ACCESSIBLE_NAME = """(() => {
  const el = document.activeElement;
  const label = el.labels && el.labels[0];
  return (el.getAttribute('aria-label') || (label && label.innerText) || el.innerText
          || el.id).replace(/\\s+/g, ' ').trim();
})()"""


def tab_through(page: Page, key: str = "Tab", limit: int = 80) -> list[tuple[str, str | None]]:
    """Press `key` from where focus is until it leaves the page or comes back round.

    Returns each focus stop's name with why it is hidden (None when it is fully visible).
    """
    stops: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for _ in range(limit):
        page.keyboard.press(key)
        page.wait_for_timeout(30)  # let a scroll that follows the focus settle
        here = page.evaluate("document.activeElement === document.body ? null"
                             " : document.activeElement.outerHTML")
        if here is None or here in seen:
            break
        seen.add(here)
        name = page.evaluate(ACCESSIBLE_NAME)
        stops.append((name, focus_problem(page)))
    return stops
