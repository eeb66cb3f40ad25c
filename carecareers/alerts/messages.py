"""The words of alert messages: the confirmation email, and a bundle by email or in the chat."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

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
    body = (
        "Hello,\n\n"
        f"Someone (we hope you) asked the Care Careers Assistant to email new {watch} "
        "to this address, at most once a day.\n\n"
        f"To start these alerts, open this link and press Confirm:\n{link}\n\n"
        "If this wasn't you, ignore this email: we won't send you anything else, and we "
        "delete the request after a while.\n"
    )
    return Outgoing(channel="email", address=address, kind="alert_confirmation",
                    subject="Please confirm your care job alerts", body=body)


def _heading(count: int) -> str:
    return f"{count} new care job{'s' if count != 1 else ''} for you"


def _details(line: VacancyLine) -> str:
    parts = [p for p in (line.employer, line.place, line.salary) if p]
    if line.closes_on:
        parts.append(f"closes {line.closes_on.day} {line.closes_on:%b %Y}")
    return " · ".join(parts)


def email_bundle(address: str, lines: list[VacancyLine], more: int, watches: list[str],
                 base_url: str, unsubscribe_token: str) -> Outgoing:
    stop = alert_links(base_url, unsubscribe_token)
    items = [f"{n}. {line.title}\n   {_details(line)}\n   Apply: {line.apply_url or 'see advert'}"
             for n, line in enumerate(lines, 1)]
    extra = (f"\n\n... and {more} more. Ask the assistant for jobs near you to see them: "
             f"{base_url.rstrip('/')}/chat") if more else ""
    body = (
        "Hello,\n\nNew jobs for your alerts (" + "; ".join(watches) + "):\n\n"
        + "\n\n".join(items) + extra
        + "\n\nYou get this email because you asked the Care Careers Assistant for job "
        "alerts, at most once a day.\n"
        f"Stop these alerts: {stop}\n"
    )
    headers = {"List-Unsubscribe": f"<{stop}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Outgoing(channel="email", address=address, kind="job_alert",
                    subject=_heading(len(lines) + more), body=body, headers=headers)


def chat_bundle(channel: str, address: str, lines: list[VacancyLine], more: int,
                watches: list[str]) -> Outgoing:
    cards = [f"<b>{html.escape(line.title)}</b>\n{html.escape(_details(line))}" for line in lines]
    extra = f"\n\n… and {more} more: ask me for jobs near you to see them." if more else ""
    body = (f"<b>{_heading(len(lines) + more)}</b>\n"
            f"<i>{html.escape('; '.join(watches))}</i>\n\n" + "\n\n".join(cards) + extra)
    buttons = [[{"text": f"Apply: {line.title[:40]}", "url": line.apply_url}]
               for line in lines if line.apply_url.startswith(("https://", "http://"))]
    buttons.append([{"text": "Stop alerts", "callback_data": STOP_PAYLOAD}])
    return Outgoing(channel=channel, address=address, kind="job_alert", body=body,
                    buttons=buttons)
