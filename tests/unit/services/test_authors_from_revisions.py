"""Who made a change the add-on's trigger did not name, from Drive's revision history
(``changes.from_revisions``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from service.domain.history import Change
from service.domain.model import Milestone, Plan, Side
from service.services.changes import buyer_edited, from_revisions
from service.services.map_sheets import Revision

BUYER, SELLER = "dana@acme.example", "sam@vendor.example"
BACKEND = "map-backend@map-local.iam.gserviceaccount.com"
PLAN = Plan(
    account="Acme",
    go_live=date(2027, 3, 31),
    milestones=(
        Milestone(id="b1", title="Security review", side=Side.BUYER),
        Milestone(id="s1", title="Order form", side=Side.SELLER),
    ),
)


def change(milestone_id: str | None) -> Change:
    return Change(milestone_id, "", "status", "Not started", "Done")


def revision(minute: int, email: str) -> Revision:
    return Revision(at=datetime(2026, 12, 1, 9, minute, tzinfo=UTC), email=email)


def test_one_person_besides_the_backend_made_every_change() -> None:
    revisions = [revision(1, BACKEND), revision(2, BUYER), revision(3, BACKEND)]
    who = from_revisions([change("s1"), change(None)], ["", ""], revisions, PLAN, [BUYER])
    assert who == [BUYER, BUYER]


def test_with_several_people_each_change_is_probably_its_sides_latest_editor() -> None:
    revisions = [revision(1, BUYER), revision(2, SELLER), revision(3, "ops@vendor.example")]
    changes = [change("b1"), change("s1"), change(None)]
    who = from_revisions(changes, ["", "", ""], revisions, PLAN, [BUYER])
    assert who == [
        f"probably {BUYER}",
        "probably ops@vendor.example",
        "probably ops@vendor.example",
    ]
    assert buyer_edited(changes[:1], who[:1], PLAN, [BUYER])


def test_the_trigger_wins_and_no_revision_leaves_who_unknown() -> None:
    assert from_revisions([change("b1")], [SELLER], [revision(1, BUYER)], PLAN, [BUYER]) == [SELLER]
    assert from_revisions([change("b1")], [""], [revision(1, BACKEND)], PLAN, [BUYER]) == [""]
    assert from_revisions([change("b1")], [""], [revision(1, "")], PLAN, [BUYER]) == [""]
