"""Each MAP's weekly reconciling read falls in its own hour of the week (its slot), at
least half a week after its last read, so a thousand MAPs are read a few an hour."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from service.services.reconciliation import (
    MIN_GAP,
    SLOTS_PER_WEEK,
    WEEK,
    next_reconciliation,
    reconcile_slot,
    reconciliation_due,
)
from tests.clock import START


def test_a_maps_slot_is_the_same_every_time_and_an_hour_of_the_week() -> None:
    slot = reconcile_slot("1AbC-sheet_id")
    assert slot == reconcile_slot("1AbC-sheet_id")
    assert 0 <= slot < SLOTS_PER_WEEK


def test_a_thousand_maps_spread_over_the_week_a_few_an_hour() -> None:
    per_hour = Counter(reconcile_slot(f"sheet-{n}") for n in range(1000))
    assert len(per_hour) > 150  # nearly every hour of the week has some
    assert max(per_hour.values()) <= 15  # about 6 an hour; never a crowd


def test_the_reconciliation_starts_at_the_slots_hour_on_a_monday_based_week() -> None:
    sid = "sheet-7"
    at = next_reconciliation(sid, START)
    monday = datetime(2026, 11, 23, tzinfo=UTC)  # START's Monday
    assert (at - monday) % WEEK == timedelta(hours=reconcile_slot(sid))
    assert at.minute == 0 and at.second == 0


@pytest.mark.parametrize("n", range(40))
def test_it_comes_half_a_week_to_a_week_and_a_half_after_the_last_read(n: int) -> None:
    sid = f"sheet-{n}"
    last_read = START + timedelta(hours=7 * n, minutes=13)
    at = next_reconciliation(sid, last_read)
    assert last_read + MIN_GAP <= at < last_read + MIN_GAP + WEEK
    assert not reconciliation_due(sid, last_read, at - timedelta(seconds=1))
    assert reconciliation_due(sid, last_read, at)
    assert reconciliation_due(sid, last_read, at + timedelta(days=30))


def test_a_map_read_at_its_slot_is_read_again_a_week_later() -> None:
    sid = "sheet-3"
    first = next_reconciliation(sid, START)
    assert next_reconciliation(sid, first) == first + WEEK


def test_a_map_never_read_is_due_at_once() -> None:
    assert reconciliation_due("sheet-1", None, START)


def test_maps_read_all_at_once_are_not_read_back_all_at_once() -> None:
    ids = [f"sheet-{n}" for n in range(1000)]
    reads = Counter(next_reconciliation(sid, START) for sid in ids)
    assert max(reads.values()) <= 15
