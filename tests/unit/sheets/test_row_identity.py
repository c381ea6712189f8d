"""Which milestone each row of the sheet is, and what a row people added becomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from service.domain.history import Change, diff_plans
from service.domain.model import Milestone, Plan, Side, Status
from service.services.map_sheets import SheetPlan
from service.sheets.reader import MilestoneRow, ReadProblem, SheetRead
from service.sheets.reading import GoogleReading
from service.sheets.sheet_state import KnownSheet
from tests.clock import START


def previous() -> Plan:
    return Plan(
        go_live=date(2027, 3, 31),
        milestones=(
            Milestone(id="m1", title="Pricing review", side=Side.BUYER, lead_bd=3),
            Milestone(id="m2", title="Security review", side=Side.BUYER, lead_bd=15),
            Milestone(id="m3", title="Go-live", side=Side.JOINT, depends_on=("m1", "m2")),
        ),
    )


def row(index: int, milestone_id: str | None, title: str, **inputs: Any) -> MilestoneRow:
    values = {"title": title, **inputs}
    return MilestoneRow(
        row=index,
        id=milestone_id,
        row_metadata=[],
        inputs=values,
        raw={k: str(v) for k, v in values.items()},
        computed={},
        notes={},
    )


def sheet(*rows: MilestoneRow, problems: list[ReadProblem] | None = None) -> SheetRead:
    """A read of the Plan tab holding ``rows``."""
    return SheetRead(
        spreadsheet_id="s",
        title="t",
        map_id="x",
        sheet_ids={"Plan": 1},
        row_count=100,
        columns={},
        table_header_row=11,
        header={"go_live": date(2027, 4, 30), "reason": "procurement delay"},
        header_raw={},
        header_cells={},
        header_computed={},
        header_notes={},
        rows=list(rows),
        problems=problems or [],
    )


def plan_from_sheet(read: SheetRead, known: Plan, *, next_id: int) -> SheetPlan:
    return GoogleReading(read, START.date()).to_plan(known, next_id=next_id, reason="")


def layout_of(result: SheetPlan) -> KnownSheet:
    assert isinstance(result.layout, KnownSheet)
    return result.layout


def test_rows_keep_their_milestone_and_its_hidden_structure() -> None:
    read = sheet(
        row(12, "m1", "Pricing review", status="Done"),
        row(13, "m2", "Security review"),
        row(14, "m3", "Go-live"),
    )
    result = plan_from_sheet(read, previous(), next_id=4)
    m1, m2, m3 = result.plan.milestones
    assert (m1.status, m1.lead_bd, m2.lead_bd) == (Status.DONE, 3, 15)
    assert m3.depends_on == ("m1", "m2")
    assert result.plan.go_live == date(2027, 4, 30) and result.reason == "procurement delay"
    assert layout_of(result).given_ids == {} and result.given_ids == ()


def test_a_row_a_person_added_gets_the_next_id_and_default_structure() -> None:
    read = sheet(
        row(12, "m1", "Pricing review"),
        row(13, None, "Budget approval"),
        row(14, "m2", "Security review"),
        row(15, "m3", "Go-live"),
    )
    result = plan_from_sheet(read, previous(), next_id=4)
    added = result.plan.milestones[1]
    assert (added.id, added.lead_bd, added.depends_on) == ("m4", 5, None)
    assert layout_of(result).given_ids == {13: "m4"} and result.given_ids == ("m4",)
    assert layout_of(result).row_of["m4"] == 13


def test_a_copied_row_becomes_a_new_milestone_and_the_original_keeps_its_id() -> None:
    read = sheet(
        row(12, "m1", "Pricing review"),
        row(13, "m1", "Pricing review (second round)"),
        row(14, "m2", "Security review"),
        row(15, "m3", "Go-live"),
    )
    result = plan_from_sheet(read, previous(), next_id=4)
    assert [m.id for m in result.plan.milestones] == ["m1", "m4", "m2", "m3"]
    assert layout_of(result).given_ids == {13: "m4"}


def test_a_row_whose_id_was_lost_is_recognised_by_its_title() -> None:
    read = sheet(
        row(12, "m1", "Pricing review"),
        row(13, "zz-unknown", "Security review"),
        row(14, "m3", "Go-live"),
    )
    result = plan_from_sheet(read, previous(), next_id=4)
    assert [m.id for m in result.plan.milestones] == ["m1", "m2", "m3"]
    assert layout_of(result).given_ids == {13: "m2"}  # the ID cell is put right


def test_dependencies_on_a_deleted_milestone_are_dropped() -> None:
    read = sheet(row(12, "m1", "Pricing review"), row(14, "m3", "Go-live"))
    result = plan_from_sheet(read, previous(), next_id=4)
    assert result.plan.milestones[-1].depends_on == ("m1",)


def test_ids_of_deleted_milestones_are_never_reused() -> None:
    read = sheet(row(12, "m1", "Pricing review"), row(13, None, "New step"))
    result = plan_from_sheet(read, previous(), next_id=9)
    assert result.plan.milestones[1].id == "m9"


def test_an_unreadable_cell_keeps_the_last_good_value() -> None:
    before = previous()
    in_progress = Milestone(id="m1", title="Pricing review", status=Status.IN_PROGRESS)
    earlier = Plan(go_live=before.go_live, milestones=(in_progress, *before.milestones[1:]))
    problem = ReadProblem("Status", 12, 6, "almost", "'almost' is not a status", None)
    unreadable = row(12, "m1", "Pricing review")  # no "status" among the parsed inputs
    read = sheet(
        unreadable, row(13, "m2", "Security review"), row(14, "m3", "Go-live"), problems=[problem]
    )
    result = plan_from_sheet(read, earlier, next_id=4)
    assert result.plan.milestones[0].status is Status.IN_PROGRESS
    assert result.unreadable[0].milestone_id == "m1"
    assert result.unreadable[0].label == 'Status of "Pricing review": "almost"'
    assert layout_of(result).notes == {(12, 6): "MAP could not read this: 'almost' is not a status"}


def test_a_row_whose_id_was_recorded_as_removed_is_that_milestone_again() -> None:
    known = Plan(go_live=date(2027, 3, 31), milestones=previous().milestones[:1])
    removed = previous().milestones[1:2]  # m2, deleted earlier: lead time 15
    read = sheet(row(12, "m1", "Pricing review"), row(13, "m2", "Security review"))

    result = GoogleReading(read, START.date()).to_plan(known, next_id=4, reason="", removed=removed)

    _, m2 = result.plan.milestones
    assert (m2.id, m2.lead_bd, m2.side) == ("m2", 15, Side.BUYER)
    assert result.given_ids == () and result.next_id == 4


def test_a_removed_milestone_is_not_matched_by_its_title() -> None:
    known = Plan(go_live=date(2027, 3, 31), milestones=previous().milestones[:1])
    removed = previous().milestones[1:2]
    read = sheet(row(12, "m1", "Pricing review"), row(13, None, "Security review"))

    result = GoogleReading(read, START.date()).to_plan(known, next_id=4, reason="", removed=removed)

    assert [m.id for m in result.plan.milestones] == ["m1", "m4"]


def test_a_row_that_shows_its_milestone_as_it_was_is_that_milestone_and_no_change() -> None:
    """A row read again unchanged gives the very milestone known (what compares plans
    then sees it unchanged at a glance); a row with one cell changed gives a new one
    with that change, and the diff names that change alone."""
    known = previous()
    read = sheet(
        row(12, "m1", "Pricing review", status="Not started"),
        row(13, "m2", "Security review", owner="Dana Lee"),
        row(14, "m3", "Go-live"),
    )
    result = plan_from_sheet(read, known, next_id=4)
    m1, m2, m3 = result.plan.milestones
    assert m1 is known.milestones[0] and m3 is known.milestones[2]
    assert m2 is not known.milestones[1]
    assert (m2.owner, m2.lead_bd, m2.side) == ("Dana Lee", 15, Side.BUYER)
    assert diff_plans(known, result.plan) == [
        Change(None, "", "go_live", "2027-03-31", "2027-04-30"),  # the header's, moved
        Change("m2", "Security review", "owner", "", "Dana Lee"),
    ]


def test_a_plan_read_again_with_equal_values_has_no_changes() -> None:
    """Milestones equal in every field but not the same objects (a plan parsed back from
    the store) differ in nothing."""
    known = previous()
    again = replace(
        known, milestones=tuple(replace(m, notes=str(m.notes)) for m in known.milestones)
    )
    assert all(a is not b for a, b in zip(known.milestones, again.milestones, strict=True))
    assert diff_plans(known, again) == []
    moved = replace(
        again,
        milestones=(replace(again.milestones[0], due=date(2027, 2, 1)), *again.milestones[1:]),
    )
    assert diff_plans(known, moved) == [Change("m1", "Pricing review", "due", "", "2027-02-01")]


def test_a_row_with_the_inputs_of_last_time_gives_its_milestone_of_last_time() -> None:
    """The reader gives a row read again unchanged the very inputs it gave before; with
    the same milestone before, the row's milestone is the one made last time. Another
    milestone before (its structure changed), or other inputs, make it afresh."""
    known = previous()
    shown = row(13, "m2", "Security review", owner="Dana Lee")
    first = plan_from_sheet(sheet(shown), known, next_id=4).plan.milestones[0]
    again = plan_from_sheet(sheet(shown), known, next_id=4).plan.milestones[0]
    assert again is first and first.owner == "Dana Lee"

    longer = replace(known, milestones=(replace(known.milestones[1], lead_bd=20),))
    restructured = plan_from_sheet(sheet(shown), longer, next_id=4).plan.milestones[0]
    assert restructured is not first
    assert (restructured.owner, restructured.lead_bd) == ("Dana Lee", 20)

    typed = row(13, "m2", "Security review", owner="Sam Park")
    retyped = plan_from_sheet(sheet(typed), longer, next_id=4).plan.milestones[0]
    assert (retyped.owner, retyped.lead_bd) == ("Sam Park", 20)
    moved = row(14, "m2", "Security review", owner="Sam Park")  # another row now
    assert plan_from_sheet(sheet(moved), longer, next_id=4).plan.milestones[0] == retyped
