"""The Timeline tab's part of a write, kept from the last sync when its inputs are the
same (``service.sheets.timeline_write``): it gives exactly what working it out gives,
when nothing changed and when the timeline, the locale or the tab did."""

from __future__ import annotations

import copy
import threading
from datetime import timedelta

from service.domain.timeline import Timeline
from service.sheets.timeline_tab import TimelineCells, wanted_cells, write_requests
from service.sheets.timeline_write import timeline_write
from tests.unit.sheets.test_timeline_tab import MONDAY, SHEET, a_timeline


def as_read(timeline: Timeline, locale: str = "en_US") -> TimelineCells:
    """The tab as a read returns it after a write of ``timeline``: equal, not the same."""
    read = copy.deepcopy(wanted_cells(timeline, locale))
    for cell in read.cells.values():
        cell["formattedValue"] = "shown"
    return read


def long_way(current: TimelineCells, timeline: Timeline, locale: str) -> list[dict]:
    return write_requests(SHEET, current, wanted_cells(timeline, locale))


def check(current: TimelineCells, timeline: Timeline, locale: str = "en_US") -> list[dict]:
    wanted, requests = timeline_write(SHEET, current, timeline, locale)
    assert wanted == wanted_cells(timeline, locale)
    assert requests == long_way(current, timeline, locale)
    return requests


def test_the_kept_answer_is_the_long_ways_through_a_series_of_syncs() -> None:
    shown = a_timeline(weeks=4)
    slipped = a_timeline(weeks=6, end=MONDAY + timedelta(weeks=5))
    edited = as_read(shown)  # a person typed over a milestone's title on the tab
    edited.cells[(3, 0)] = {"userEnteredValue": {"stringValue": "typed"}}
    steps = [
        (as_read(shown), shown, "en_US"),  # nothing changed: no request
        (as_read(shown), copy.deepcopy(shown), "en_US"),  # again, from equal objects
        (edited, shown, "en_US"),  # the tab changed: the title is put back
        (as_read(shown), shown, "en_US"),
        (as_read(shown), slipped, "en_US"),  # the timeline changed: it is written
        (as_read(slipped), slipped, "en_US"),
        (as_read(slipped), slipped, "de_DE"),  # the locale changed: the weeks' format
        (as_read(slipped, "de_DE"), slipped, "de_DE"),
        (as_read(slipped, "de_DE"), shown, "de_DE"),  # and back
    ]
    counts = [len(check(current, timeline, locale)) for current, timeline, locale in steps]
    assert counts[0] == counts[1] == counts[3] == counts[5] == counts[7] == 0
    assert counts[2] == 1 and counts[4] > 1 and counts[6] == 1 and counts[8] > 1


def test_equal_inputs_are_answered_from_what_was_kept() -> None:
    shown = a_timeline(weeks=4)
    first, _ = timeline_write(SHEET, as_read(shown), shown, "en_US")
    again, requests = timeline_write(SHEET, as_read(shown), copy.deepcopy(shown), "en_US")
    assert again is first and requests == []
    other, _ = timeline_write(SHEET, as_read(shown), shown, "de_DE")
    assert other is not first


def test_a_thread_works_out_its_own_answers() -> None:
    shown = a_timeline(weeks=4)
    assert check(as_read(shown), shown) == []
    found: list[list[dict]] = []
    blank = TimelineCells(1000, 26)
    other = threading.Thread(target=lambda: found.append(check(blank, shown, "en_US")))
    other.start()
    other.join()
    assert found[0] == long_way(TimelineCells(1000, 26), shown, "en_US") != []
    assert check(as_read(shown), shown) == []
