"""Which reminders are due on a day: before the date, on the day overdue, weekly while
overdue, none for Done or N/A; unreachable owners; one batch per person."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from service.clock import Clock
from service.domain.calendar import BusinessCalendar
from service.domain.compute import compute
from service.domain.model import Milestone, Plan, Status
from service.domain.reminders import (
    DueReminders,
    ReminderKind,
    delivery_time,
    due_reminders,
    reminder_key,
)
from tests.unit.domain.builders import DANA, PRIYA, make_plan, ms

US = BusinessCalendar.get("US")


def _today(clock: Clock) -> date:
    return clock().date()


def _next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def _run(
    plan: Plan, today: date, *, lead_bd: int = 2, opted_out: tuple[str, ...] = ()
) -> DueReminders:
    targets = {m.id: m.target for m in compute(plan, today).milestones}
    return due_reminders(plan, targets, today, lead_bd=lead_bd, opted_out=opted_out)


def _kinds(plan: Plan, today: date) -> dict[str, tuple[str, date]]:
    run = _run(plan, today)
    return {
        r.key.milestone_id: (r.key.kind.value, r.key.on) for b in run.batches for r in b.reminders
    }


def _pinned(id: str, due: date, **fields: object) -> Milestone:
    fields.setdefault("owner", DANA)
    return ms(id, due=due, depends_on=(), **fields)


def test_two_business_days_before_the_date_and_not_earlier(clock: Clock) -> None:
    monday = _next_monday(_today(clock))
    wednesday = monday + timedelta(days=2)
    plan = make_plan(_pinned("m1", wednesday), go_live=str(wednesday + timedelta(days=60)))
    assert _kinds(plan, monday - timedelta(days=3)) == {}  # the Friday before
    assert _kinds(plan, monday) == {"m1": ("upcoming", wednesday)}
    assert _kinds(plan, wednesday) == {"m1": ("upcoming", wednesday)}


def test_lead_counts_business_days_across_a_weekend(clock: Clock) -> None:
    # Three weeks on: clear of the Thanksgiving holidays.
    monday = _next_monday(_today(clock) + timedelta(days=14))
    friday_before = monday - timedelta(days=3)
    thursday_before = monday - timedelta(days=4)
    plan = make_plan(_pinned("m1", monday), go_live=str(monday + timedelta(days=60)))
    assert _kinds(plan, thursday_before) == {"m1": ("upcoming", monday)}
    assert reminder_key("m1", monday, thursday_before - timedelta(days=1), US, 2) is None
    assert _run(plan, friday_before, lead_bd=0).batches == ()


def test_overdue_on_the_first_day_then_weekly(clock: Clock) -> None:
    due = _next_monday(_today(clock))
    plan = make_plan(_pinned("m1", due), go_live=str(due + timedelta(days=60)))
    first = due + timedelta(days=1)
    assert _kinds(plan, first) == {"m1": ("overdue", due)}
    assert _kinds(plan, first + timedelta(days=6)) == {"m1": ("overdue", due)}
    assert _kinds(plan, first + timedelta(days=7)) == {
        "m1": ("overdue_weekly", first + timedelta(days=7))
    }
    assert _kinds(plan, first + timedelta(days=20)) == {
        "m1": ("overdue_weekly", first + timedelta(days=14))
    }


@pytest.mark.parametrize("status", [Status.DONE, Status.NOT_APPLICABLE])
def test_none_for_done_or_not_applicable(clock: Clock, status: Status) -> None:
    due = _today(clock)
    plan = make_plan(_pinned("m1", due, status=status), go_live=str(due + timedelta(days=60)))
    for later in (0, 1, 8, 30):
        run = _run(plan, due + timedelta(days=later))
        assert run.batches == () and run.unreachable == ()


def test_owner_without_email_is_listed_not_mailed(clock: Clock) -> None:
    due = _today(clock) + timedelta(days=1)
    plan = make_plan(
        _pinned("m1", due, owner="InfoSec lead", title="Security review"),
        _pinned("m2", due, owner=""),
        go_live=str(due + timedelta(days=60)),
    )
    run = _run(plan, due)
    assert run.batches == ()
    assert [(u.milestone_id, u.owner, u.title) for u in run.unreachable] == [
        ("m1", "InfoSec lead", "Security review")
    ]


def test_one_batch_per_person_with_all_their_reminders(clock: Clock) -> None:
    today = _today(clock)
    plan = make_plan(
        _pinned("m1", today - timedelta(days=2)),
        _pinned("m2", today + timedelta(days=1)),
        _pinned("m3", today, owner=PRIYA),
        _pinned("m4", today, owner="DANA@ACME.COM"),
        go_live=str(today + timedelta(days=60)),
    )
    run = _run(plan, today)
    assert [(b.email.casefold(), len(b.reminders)) for b in run.batches] == [
        ("dana@acme.com", 3),
        ("priya@acme.com", 1),
    ]
    kinds = {r.key.kind for r in run.batches[0].reminders}
    assert kinds == {ReminderKind.OVERDUE, ReminderKind.UPCOMING}


def test_opted_out_people_get_nothing(clock: Clock) -> None:
    today = _today(clock)
    plan = make_plan(_pinned("m1", today), go_live=str(today + timedelta(days=60)))
    assert _run(plan, today, opted_out=("Dana@Acme.com",)).batches == ()


def test_target_is_used_when_there_is_no_pin(clock: Clock) -> None:
    today = _today(clock)
    go_live = today + timedelta(days=60)
    plan = make_plan(ms("m1", owner=DANA, lead_bd=5), go_live=str(go_live))
    target = compute(plan, today).milestones[0].target
    assert target is not None
    assert _kinds(plan, target) == {"m1": ("upcoming", target)}


def test_negative_lead_is_refused(clock: Clock) -> None:
    plan = make_plan(_pinned("m1", _today(clock)), go_live=str(_today(clock)))
    with pytest.raises(ValueError, match="lead_bd"):
        _run(plan, _today(clock), lead_bd=-1)


def test_delivery_waits_for_working_hours_in_the_sheet_zone(clock: Clock) -> None:
    monday = _next_monday(_today(clock))
    # 06:00 in New York on a Monday: 09:00 that day.
    early = datetime(monday.year, monday.month, monday.day, 11, 0, tzinfo=UTC)
    at = delivery_time(early, "America/New_York", US)
    assert at.astimezone(UTC).hour == 14 and at.date() == monday
    # 12:00 in New York: now.
    noon = early + timedelta(hours=6)
    assert delivery_time(noon, "America/New_York", US) == noon
    # Friday 18:00 in Berlin: Monday 09:00 there.
    friday_evening = datetime.combine(
        monday - timedelta(days=3), datetime.min.time(), UTC
    ) + timedelta(hours=17)
    at = delivery_time(friday_evening, "Europe/Berlin", US)
    assert at.astimezone(UTC) == datetime(monday.year, monday.month, monday.day, 8, 0, tzinfo=UTC)


def test_delivery_needs_an_aware_time(clock: Clock) -> None:
    with pytest.raises(ValueError, match="aware"):
        delivery_time(datetime(2026, 1, 1, 12), "UTC", US)


def test_public_holidays_are_not_business_days(clock: Clock) -> None:
    # The Monday after Thanksgiving: two business days before it is the Wednesday.
    monday = _next_monday(_today(clock))
    thanksgiving = monday - timedelta(days=4)
    assert not US.is_business_day(thanksgiving)
    assert reminder_key("m1", monday, thanksgiving - timedelta(days=1), US, 2) is not None
    assert reminder_key("m1", monday, thanksgiving - timedelta(days=2), US, 2) is None
