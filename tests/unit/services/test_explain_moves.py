"""A go-live or signature move takes the reason people typed later on its History row
(``changes.explain_moves``)."""

from __future__ import annotations

from datetime import date

from service.domain.model import HistoryEntry, Kind, Milestone, Plan
from service.services.changes import explain_moves
from service.services.map_sheets import LoggedChange

ON = date(2026, 11, 23)


def plan() -> Plan:
    return Plan(
        account="Acme",
        go_live=date(2027, 3, 31),
        milestones=(
            Milestone(id="m1", title="Order form"),
            Milestone(id="m2", title="Contract signature", kind=Kind.SIGNATURE),
        ),
    )


def move(field: str, old: str, new: str, reason: str = "") -> HistoryEntry:
    return HistoryEntry(on=ON, field=field, old=old, new=new, reason=reason)


def logged(milestone: str, field: str, old: str, new: str, reason: str = "") -> LoggedChange:
    return LoggedChange(milestone=milestone, field=field, old=old, new=new, reason=reason)


def test_a_reason_typed_on_a_moves_row_explains_it() -> None:
    moves = [
        move("go_live", "2027-03-31", "2027-04-07"),
        move("go_live", "2027-04-07", "2027-04-14"),
    ]
    rows = [
        logged("", "Committed Go-Live", "2027-03-31", "2027-04-07"),
        logged("", "Committed Go-Live", "2027-04-07", "2027-04-14", "Budget moved"),
    ]
    explained = explain_moves(moves, rows, plan())
    assert [m.reason for m in explained] == ["", "Budget moved"]


def test_a_signature_move_is_the_due_row_of_a_signature_milestone() -> None:
    moves = [move("signature", "2027-02-01", "2027-02-08")]
    other = logged("Order form", "Due", "2027-02-01", "2027-02-08", "not this one")
    mine = logged("Contract signature", "Due", "2027-02-01", "2027-02-08", "Legal is late")
    assert explain_moves(moves, [other, mine], plan())[0].reason == "Legal is late"
    assert explain_moves(moves, [other], plan())[0].reason == ""


def test_identical_moves_take_rows_in_order_and_a_given_reason_stays() -> None:
    moves = [
        move("go_live", "2027-03-31", "2027-04-07", "Said at the time"),
        move("go_live", "2027-03-31", "2027-04-07"),
    ]
    rows = [
        logged("", "Committed Go-Live", "2027-03-31", "2027-04-07", ""),  # cleared later
        logged("", "Committed Go-Live", "2027-03-31", "2027-04-07", "Second reason"),
    ]
    explained = explain_moves(moves, rows, plan())
    assert [m.reason for m in explained] == ["Said at the time", "Second reason"]
