"""A row read again as it was gives what it gave: the reader keeps, per thread, what each
row of its last read gave (``reader._read_rows``), and takes it again only when the
row's cells, its metadata, the table's columns, the day and the locale are the same.
Read through the emulator, a read's rows, problems, notices and stray rows are those a
reading afresh gives."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import service.sheets.reader as reader
from emulator.sheets.values_ops import apply_values_update
from service.sheets.reading import reading_of
from tests.integration.services.conftest import BUYER, World, provisioned
from tests.integration.services.sheet_view import row_number

DUE, NOTES, TITLE = "F", "I", "B"


def typed(world: World, sid: str, a1: str, text: str) -> None:
    """Text kept as text (as a cell formatted as plain text keeps what is typed)."""
    apply_values_update(world.backend_emulator_state, sid, a1, [[text]], "RAW", BUYER)


def _fresh(reply: dict[str, Any], world: World) -> reader.SheetRead:
    reader._last_rows.rows = {}  # nothing kept: read afresh
    return reading_of(copy.deepcopy(reply), world.clock()).read


def _outcome(read: reader.SheetRead) -> tuple[Any, ...]:
    return (read.rows, read.problems, read.notices, read.stray_rows)


def test_rows_read_again_are_those_read_afresh_and_a_changed_row_is_read(world: World) -> None:
    sid = provisioned(world)
    state = world.backend_emulator_state
    world.edit(sid, f"Plan!{DUE}{row_number(state, sid, 'm3')}", "next tuesday-ish")  # a problem
    typed(world, sid, f"Plan!{DUE}{row_number(state, sid, 'm4')}", "04.03.2027")  # a notice
    cleared = row_number(state, sid, "m5")
    world.edit(sid, f"Plan!{TITLE}{cleared}", "")  # a stray row: its computed cells remain
    reply = world.gateways().read_map(sid, history=False, reviews=False)

    first = reading_of(copy.deepcopy(reply), world.clock()).read
    again = reading_of(copy.deepcopy(reply), world.clock()).read
    assert first.problems and first.notices and first.stray_rows == [cleared - 1]
    assert all(a is b for a, b in zip(again.rows, first.rows, strict=True))

    # One cell changed: that row is read again, the others are kept.
    edited = row_number(state, sid, "m2")
    world.edit(sid, f"Plan!{NOTES}{edited}", "legal is on it")
    changed = world.gateways().read_map(sid, history=False, reviews=False)
    later = reading_of(copy.deepcopy(changed), world.clock()).read
    by_row = {r.row: r for r in first.rows}
    assert [r.row for r in later.rows if r is not by_row.get(r.row)] == [edited - 1]
    assert next(r for r in later.rows if r.id == "m2").inputs["notes"] == "legal is on it"

    # What was kept is what reading afresh gives.
    assert _outcome(again) == _outcome(first) == _outcome(_fresh(reply, world))
    assert _outcome(later) == _outcome(_fresh(changed, world))


def test_a_row_is_read_again_on_another_day(world: World) -> None:
    """A date typed without a year is read against today: another day reads it again."""
    sid = provisioned(world)
    row = row_number(world.backend_emulator_state, sid, "m3")
    typed(world, sid, f"Plan!{DUE}{row}", "Jan 5")
    reply = world.gateways().read_map(sid, history=False, reviews=False)
    today = reading_of(copy.deepcopy(reply), world.clock()).read
    later = reading_of(copy.deepcopy(reply), world.clock() + timedelta(days=300)).read
    now, after = (next(r for r in read.rows if r.id == "m3") for read in (today, later))
    assert now is not after
    assert after.inputs["due"] > now.inputs["due"], (now.inputs, after.inputs)


def test_the_timeline_read_again_unchanged_is_the_one_read_last(world: World) -> None:
    """The tab read as it was gives the very cells read last (the steps after the read
    then find it equal at a glance); a changed cell gives what reading afresh gives."""
    sid = provisioned(world)
    reply = world.gateways().read_map(sid, history=False, reviews=False)
    first = reading_of(copy.deepcopy(reply), world.clock()).read.timeline
    again = reading_of(copy.deepcopy(reply), world.clock()).read.timeline
    assert first is not None and again is first

    world.edit(sid, "Timeline!A4", "Our own words")
    changed = world.gateways().read_map(sid, history=False, reviews=False)
    later = reading_of(copy.deepcopy(changed), world.clock()).read.timeline
    assert later is not first and later != first
    assert later.cells[(3, 0)]["userEnteredValue"] == {"stringValue": "Our own words"}
    reader._last_timeline.cells = reader._last_timeline.reply = None  # read afresh
    assert reading_of(copy.deepcopy(changed), world.clock()).read.timeline == later
