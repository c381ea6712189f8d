"""The call agenda: missed steps in plain words, owners to reach, the next step to
book, steps to confirm before the next call."""

from __future__ import annotations

from datetime import date, timedelta

from service.clock import Clock
from service.domain.agenda import call_agenda, when_past
from service.domain.model import Side, Status
from tests.unit.domain.builders import DANA, SAM, make_plan, ms


def _items(clock: Clock) -> list[tuple[str, str]]:
    today = clock().date()
    plan = make_plan(
        ms("m1", title="IT review", side=Side.BUYER, owner=DANA, due=today - timedelta(days=8),
           depends_on=()),
        ms("m2", title="Pricing sign-off", side=Side.SELLER, owner=SAM,
           due=today - timedelta(days=2), depends_on=()),
        ms("m3", title="Security review", side=Side.BUYER, owner="InfoSec lead",
           due=today + timedelta(days=3), depends_on=()),
        ms("m4", title="DPA review", side=Side.BUYER, owner="", due=today + timedelta(days=5),
           depends_on=()),
        ms("m5", title="Kickoff", side=Side.JOINT, owner=DANA, due=today + timedelta(days=20),
           depends_on=()),
        ms("m6", title="Done step", owner=DANA, status=Status.DONE, due=today - timedelta(days=9),
           depends_on=()),
        go_live=str(today + timedelta(days=90)),
    )  # fmt: skip
    risks = [{"code": "NEW_STAKEHOLDER", "message": "New on the plan: Lee Wong."}]
    return [(i.kind, i.text) for i in call_agenda(plan, {}, risks, today)]


def test_the_agenda_in_plain_words(clock: Clock) -> None:
    today = clock().date()
    items = _items(clock)
    assert items[0] == ("missed", "The IT review was due last week; what is happening on your end?")
    assert items[1] == (
        "missed",
        "The pricing sign-off was due 2 days ago on our side; say where it stands.",
    )
    assert (
        "missing_contact",
        'Ask Dana Lee for InfoSec lead\'s email (owner of "Security review").',
    ) in items
    assert ("no_owner", 'Who owns "DPA review"?') in items
    assert ("new_stakeholder", "New on the plan: Lee Wong.") in items
    book = [text for kind, text in items if kind == "book_next"]
    assert book == [f'Book the next step: "Security review" by {_day(today + timedelta(days=3))}.']
    confirm = [text for kind, text in items if kind == "confirm"]
    assert len(confirm) == 2 and "Kickoff" not in " ".join(confirm)
    assert not any("Done step" in text for _, text in items)


def _day(day: date) -> str:
    from service.domain.wording import day_text

    return day_text(day)


def test_how_long_ago() -> None:
    today = date(2027, 3, 15)
    assert [when_past(today - timedelta(days=n), today) for n in (0, 1, 3, 7, 13, 14, 30)] == [
        "today", "yesterday", "3 days ago", "last week", "last week", "2 weeks ago", "4 weeks ago",
    ]  # fmt: skip
