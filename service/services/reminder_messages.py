"""What a reminder message says: subject, plain text and HTML, with the one-click links.

One message per person per MAP per day (a :class:`~service.domain.reminders.Batch`).
It names only that MAP's account and that person's steps: nothing of another MAP or
another company. Stored in the outbox as JSON (``content``) and turned into an email
or a chat post when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from service.domain.reminders import Reminder, ReminderKind, days_overdue
from service.domain.wording import day_text
from service.services.action_links import ACTION_LABELS, Action, ActionLinks


@dataclass(frozen=True)
class MapHeading:
    spreadsheet_id: str
    account: str
    sheet_url: str


@dataclass(frozen=True)
class _Item:
    line: str
    deliverable: str
    actions: list[tuple[str, str]]


def _status_line(reminder: Reminder, today: date) -> str:
    title = f'"{reminder.title}"'
    if reminder.key.kind is ReminderKind.UPCOMING:
        if reminder.due == today:
            return f"{title} is due today ({day_text(reminder.due)})."
        return f"{title} is due {day_text(reminder.due)}."
    late = days_overdue(reminder, today)
    plural = "" if late == 1 else "s"
    return f"{title} was due {day_text(reminder.due)} ({late} day{plural} ago)."


def _actions(links: ActionLinks, heading: MapHeading, reminder: Reminder) -> list[tuple[str, str]]:
    return [
        (
            ACTION_LABELS[action],
            links.action_url(
                heading.spreadsheet_id, reminder.key.milestone_id, reminder.email, action
            ),
        )
        for action in (Action.DONE, Action.IN_PROGRESS, Action.MORE_TIME)
    ]


def reminder_content(
    heading: MapHeading,
    email: str,
    name: str,
    reminders: tuple[Reminder, ...],
    today: date,
    links: ActionLinks,
) -> dict[str, Any]:
    """The outbox content of one person's message of the day."""
    late = sum(r.key.kind is not ReminderKind.UPCOMING for r in reminders)
    count = len(reminders)
    subject = f"{heading.account} plan: {count} {'step' if count == 1 else 'steps'} to update"
    if late:
        subject += f" ({late} overdue)"
    greeting = f"Hi {name.split()[0]}," if name.strip() else "Hello,"
    intro = f"Here is where your steps in the {heading.account} plan stand:"
    unsubscribe = links.unsubscribe_url(email)
    items = [
        _Item(_status_line(r, today), r.deliverable, _actions(links, heading, r)) for r in reminders
    ]
    return {
        "to": email,
        "to_name": name,
        "subject": subject,
        "text": _text(greeting, intro, items, heading.sheet_url, unsubscribe),
        "html": _html(greeting, intro, items, heading.sheet_url, unsubscribe),
        "headers": _unsubscribe_headers(unsubscribe),
    }


def _unsubscribe_headers(unsubscribe: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 (one-click): mail clients show their own unsubscribe."""
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _text(greeting: str, intro: str, items: list[_Item], sheet_url: str, unsubscribe: str) -> str:
    lines = [greeting, "", intro, ""]
    for item in items:
        lines.append(f"- {item.line}")
        if item.deliverable:
            lines.append(f"  Deliverable: {item.deliverable}")
        lines += [f"  {label}: {url}" for label, url in item.actions]
        lines.append("")
    lines += [
        f"Open the plan: {sheet_url}",
        "",
        "One click updates the plan; nobody needs to log in.",
        f"Stop these reminders: {unsubscribe}",
    ]
    return "\n".join(lines)


def _html(greeting: str, intro: str, items: list[_Item], sheet_url: str, unsubscribe: str) -> str:
    entries = []
    for item in items:
        deliverable = (
            f"<br><small>Deliverable: {escape(item.deliverable)}</small>"
            if item.deliverable
            else ""
        )
        buttons = " &middot; ".join(
            f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in item.actions
        )
        entries.append(f"<li><p>{escape(item.line)}{deliverable}</p><p>{buttons}</p></li>")
    return (
        f"<p>{escape(greeting)}</p><p>{escape(intro)}</p><ul>{''.join(entries)}</ul>"
        f'<p><a href="{escape(sheet_url)}">Open the plan</a></p>'
        "<p><small>One click updates the plan; nobody needs to log in. "
        f'<a href="{escape(unsubscribe)}">Stop these reminders</a></small></p>'
    )


def digest_content(
    heading: MapHeading,
    seller_email: str,
    *,
    week_of: date,
    projected: str,
    committed: str,
    agenda: list[tuple[str, str]],
    unreachable: list[str],
    links: ActionLinks,
) -> dict[str, Any]:
    """The seller's weekly digest of one MAP: where the date stands, owners to find
    emails for, and the call agenda ("Ask in your next call")."""
    subject = f"{heading.account} plan: your week of {day_text(week_of)}"
    unsubscribe = links.unsubscribe_url(seller_email)
    lines = [
        f"{heading.account}: go-live projected {projected} (committed {committed}).",
        "",
    ]
    if unreachable:
        lines.append("Owners without an email (they get no reminders):")
        lines += [f"- {u}" for u in unreachable]
        lines.append("")
    lines.append("Ask in your next call:")
    lines += [f"- {text}" for _, text in agenda] or ["- Nothing open: confirm the next step."]
    lines += ["", f"Open the plan: {heading.sheet_url}", f"Stop these emails: {unsubscribe}"]
    html = (
        f"<p>{escape(lines[0])}</p>"
        + (
            "<p>Owners without an email (they get no reminders):</p><ul>"
            + "".join(f"<li>{escape(u)}</li>" for u in unreachable)
            + "</ul>"
            if unreachable
            else ""
        )
        + "<h3>Ask in your next call</h3><ul>"
        + "".join(f"<li>{escape(text)}</li>" for _, text in agenda)
        + "</ul>"
        + f'<p><a href="{escape(heading.sheet_url)}">Open the plan</a></p>'
        + f'<p><small><a href="{escape(unsubscribe)}">Stop these emails</a></small></p>'
    )
    return {
        "to": seller_email,
        "to_name": "",
        "subject": subject,
        "text": "\n".join(lines),
        "html": html,
        "headers": _unsubscribe_headers(unsubscribe),
    }


def chat_content(
    heading: MapHeading,
    webhook: str,
    *,
    overdue: tuple[Reminder, ...],
    slip: str,
    today: date,
    links: ActionLinks,
) -> dict[str, Any]:
    """A chat alert (Google Chat and Slack incoming webhooks both take ``{"text"}``):
    steps that just went overdue, with their owner's one-click links, and a slip."""
    lines = [f"*{heading.account} plan*"]
    if slip:
        lines.append(slip)
    for reminder in overdue:
        lines.append(f"Overdue: {_status_line(reminder, today)} Owner: {reminder.email}")
        for label, url in _actions(links, heading, reminder):
            lines.append(f"  <{url}|{label}>")
    lines.append(f"<{heading.sheet_url}|Open the plan>")
    text = "\n".join(lines)
    return {"webhook": webhook, "chat": {"text": text}, "subject": lines[1] if lines[1:] else ""}
