"""The words of alert messages: the confirmation email, and a bundle by email or in the chat."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from carecareers.catalogue import text
from carecareers.delivery import Outgoing

MAX_SHOWN = 10
STOP_PAYLOAD = "r:/stop_alerts"
"""Callback data of the chat's 'Stop alerts' button: the bot sends `/stop_alerts` to Rasa
(`r:` is how bot/buttons.py marks a Rasa payload)."""


@dataclass(frozen=True)
class VacancyLine:
    """What an alert shows of one vacancy."""

    id: int
    title: str
    employer: str
    place: str
    salary: str
    closes_on: date | None
    apply_url: str


def alert_links(base_url: str, unsubscribe_token: str) -> str:
    return f"{base_url.rstrip('/')}/alerts/unsubscribe/{unsubscribe_token}"


def confirmation_email(address: str, token: str, watch: str, base_url: str) -> Outgoing:
    link = f"{base_url.rstrip('/')}/alerts/confirm/{token}"
    return Outgoing(channel="email", address=address, kind="alert_confirmation",
                    subject=text("emails.alert_confirmation.subject"),
                    body=text("emails.alert_confirmation.body", watch=watch, link=link))


def _heading(count: int) -> str:
    return text("emails.alert_bundle.subject_one" if count == 1 else
                "emails.alert_bundle.subject_many", count=count)


def _details(line: VacancyLine) -> str:
    parts = [p for p in (line.employer, line.place, line.salary) if p]
    if line.closes_on:
        parts.append(text("emails.alert_bundle.closes",
                          date=f"{line.closes_on.day} {line.closes_on:%b %Y}"))
    return text("emails.alert_bundle.separator").join(parts)


def _watches(watches: list[str]) -> str:
    return text("emails.alert_bundle.watches_separator").join(watches)


def email_bundle(address: str, lines: list[VacancyLine], more: int, watches: list[str],
                 base_url: str, unsubscribe_token: str) -> Outgoing:
    stop = alert_links(base_url, unsubscribe_token)
    jobs = [text("emails.alert_bundle.job", number=n, title=line.title, details=_details(line),
                 apply=line.apply_url or text("emails.alert_bundle.no_apply_link"))
            for n, line in enumerate(lines, 1)]
    extra = text("emails.alert_bundle.more", more=more,
                 chat_url=f"{base_url.rstrip('/')}/chat") if more else ""
    body = text("emails.alert_bundle.body", watches=_watches(watches), jobs="\n\n".join(jobs),
                more=extra, stop_url=stop)
    headers = {"List-Unsubscribe": f"<{stop}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Outgoing(channel="email", address=address, kind="job_alert",
                    subject=_heading(len(lines) + more), body=body, headers=headers)


def chat_bundle(channel: str, address: str, lines: list[VacancyLine], more: int,
                watches: list[str]) -> Outgoing:
    cards = [f"<b>{html.escape(line.title)}</b>\n{html.escape(_details(line))}" for line in lines]
    extra = text("notices.alert_bundle.more", more=more) if more else ""
    body = (f"<b>{html.escape(_heading(len(lines) + more))}</b>\n"
            f"<i>{html.escape(_watches(watches))}</i>\n\n" + "\n\n".join(cards) + extra)
    buttons = [[{"text": text("notices.alert_bundle.apply", title=line.title[:40]),
                 "url": line.apply_url}]
               for line in lines if line.apply_url.startswith(("https://", "http://"))]
    buttons.append([{"text": text("notices.alert_bundle.stop"), "callback_data": STOP_PAYLOAD}])
    return Outgoing(channel=channel, address=address, kind="job_alert", body=body,
                    buttons=buttons)
