"""A MAP's milestones as an iCalendar feed a calendar app can subscribe to.

One all-day event per milestone, on its target date (the date the two teams agreed);
the projected date, owner, status and health are in its description, and the title
says when the milestone is at risk, so a slip shows in the calendar without opening the
sheet. Event ids are stable (milestone id and MAP), so a subscribed calendar moves an
event rather than duplicating it when dates change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

PRODUCT_ID = "-//Mutual Action Plan//MAP backend//EN"


def milestone_calendar(
    *,
    map_id: str,
    account: str,
    url: str,
    milestones: list[dict[str, Any]],
    generated_at: datetime,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{account} · Mutual Action Plan")
    for milestone in milestones:
        day = _date(milestone.get("target")) or _date(milestone.get("projected"))
        if day is None:
            continue
        calendar.add_component(_event(map_id, url, milestone, day, generated_at))
    data: bytes = calendar.to_ical()
    return data


def _event(
    map_id: str, url: str, milestone: dict[str, Any], day: date, generated_at: datetime
) -> Event:
    status = str(milestone.get("status") or "")
    health = str(milestone.get("health") or "")
    title = str(milestone.get("title") or milestone["id"])
    if health in ("At risk", "Overdue", "Blocked"):
        title = f"{title} ({health.lower()})"
    lines = [
        f"Target: {milestone.get('target') or 'none'}",
        f"Projected: {milestone.get('projected') or 'none'}",
        f"Owner: {milestone.get('owner') or 'nobody named yet'}",
        f"Status: {status or 'Not started'}",
    ]
    if health:
        lines.append(f"Health: {health}")
    lines.append(f"Plan: {url}")
    event = Event()
    event.add("uid", f"{milestone['id']}.{map_id}@map-backend")
    event.add("dtstamp", generated_at)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", title)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    return event


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
