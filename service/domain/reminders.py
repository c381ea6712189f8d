"""Which reminders a MAP owes its owners on a day, and how they are batched.

Pure: the plan and what the engine computed for it in, reminders out. Nothing here sends
or remembers anything; the store records each reminder under its key so it goes out once.

A milestone that is neither Done nor N/A, whose owner has an email, gets:

- ``upcoming``: from ``lead_bd`` business days before its date (the Due pin, else the
  back-scheduled target) up to that date; keyed by the date, so one per date it is due.
- ``overdue``: once its date has passed (the first day it is overdue, or the first run
  after it); keyed by the date.
- ``overdue_weekly``: every seven days after the first overdue day while it stays
  overdue; keyed by the start of that week of overdue.

Owners named without an email cannot be reached: they are listed for the seller's
digest instead. Reminders for one person in one MAP on one day make one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from service.domain.calendar import BusinessCalendar
from service.domain.model import Milestone, Plan
from service.domain.owners import parse_owner

DEFAULT_LEAD_BD = 2
WEEK = timedelta(days=7)
WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)


class ReminderKind(StrEnum):
    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    OVERDUE_WEEKLY = "overdue_weekly"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderKey:
    """What makes a reminder the same reminder: sent at most once per key."""

    milestone_id: str
    kind: ReminderKind
    on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder:
    key: ReminderKey
    title: str
    # The date the milestone is due (Due pin or target).
    due: date
    email: str
    name: str
    deliverable: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Unreachable:
    """A milestone that would get a reminder, but whose owner has no email."""

    milestone_id: str
    title: str
    owner: str
    kind: ReminderKind
    due: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """Everything one person hears about one MAP on one day: one message."""

    email: str
    name: str
    reminders: tuple[Reminder, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DueReminders:
    batches: tuple[Batch, ...]
    unreachable: tuple[Unreachable, ...]


def milestone_date(milestone: Milestone, target: date | None) -> date | None:
    """The date a milestone is held to: its Due pin, else its back-scheduled target."""
    return milestone.due if milestone.due is not None else target


def reminder_key(
    milestone_id: str, due: date, today: date, calendar: BusinessCalendar, lead_bd: int
) -> ReminderKey | None:
    """The reminder a milestone due on ``due`` is owed on ``today``, if any."""
    if today > due:
        first_overdue = due + timedelta(days=1)
        weeks = (today - first_overdue) // WEEK
        if weeks >= 1:
            return ReminderKey(
                milestone_id=milestone_id,
                kind=ReminderKind.OVERDUE_WEEKLY,
                on=first_overdue + weeks * WEEK,
            )
        return ReminderKey(milestone_id=milestone_id, kind=ReminderKind.OVERDUE, on=due)
    if calendar.sub_bd(due, lead_bd) <= today:
        return ReminderKey(milestone_id=milestone_id, kind=ReminderKind.UPCOMING, on=due)
    return None


def due_reminders(
    plan: Plan,
    targets: Mapping[str, date | None],
    today: date,
    *,
    lead_bd: int = DEFAULT_LEAD_BD,
    opted_out: Iterable[str] = (),
) -> DueReminders:
    """The reminders ``plan`` owes on ``today``, batched one per person, plus the
    owners who would get one but have no email. ``targets`` maps milestone ids to the
    engine's targets; ``opted_out`` holds emails (any case) that asked for none."""
    if lead_bd < 0:
        raise ValueError("lead_bd must not be negative")
    calendar = BusinessCalendar.get(plan.country, plan.non_working_days)
    silenced = {e.casefold() for e in opted_out}
    by_person: dict[str, list[Reminder]] = {}
    names: dict[str, str] = {}
    unreachable: list[Unreachable] = []
    for milestone in plan.milestones:
        if not milestone.is_open or not milestone.owner.strip():
            continue
        due = milestone_date(milestone, targets.get(milestone.id))
        if due is None:
            continue
        key = reminder_key(milestone.id, due, today, calendar, lead_bd)
        if key is None:
            continue
        name, email = parse_owner(milestone.owner)
        if not email:
            unreachable.append(
                Unreachable(
                    milestone_id=milestone.id,
                    title=milestone.title,
                    owner=milestone.owner.strip(),
                    kind=key.kind,
                    due=due,
                )
            )
            continue
        person = email.casefold()
        if person in silenced:
            continue
        names.setdefault(person, name)
        by_person.setdefault(person, []).append(
            Reminder(
                key=key,
                title=milestone.title,
                due=due,
                email=email,
                name=name,
                deliverable=milestone.deliverable,
            )
        )
    batches = tuple(
        Batch(email=reminders[0].email, name=names[person], reminders=tuple(reminders))
        for person, reminders in sorted(by_person.items())
    )
    return DueReminders(batches=batches, unreachable=tuple(unreachable))


def delivery_time(now: datetime, time_zone: str, calendar: BusinessCalendar) -> datetime:
    """When a message decided at ``now`` may go out: now within working hours
    (09:00-17:00 on a business day in ``time_zone``), else the next business day's
    09:00 there. Returned in the zone of ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    day = local.date()
    if calendar.is_business_day(day):
        if local.time() < WORKDAY_START:
            return datetime.combine(day, WORKDAY_START, zone).astimezone(now.tzinfo)
        if local.time() < WORKDAY_END:
            return now
    next_day = calendar.next_bd(day + timedelta(days=1))
    return datetime.combine(next_day, WORKDAY_START, zone).astimezone(now.tzinfo)


def days_overdue(reminder: Reminder, today: date) -> int:
    """Calendar days since the reminder's milestone was due (0 when it is not late)."""
    return max(0, (today - reminder.due).days)
