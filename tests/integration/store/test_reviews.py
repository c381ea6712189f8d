from __future__ import annotations

from datetime import date

import pytest

from service.store import MapNotFound, Store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock


def test_a_map_without_reviews_has_no_last_review(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")

    assert store.last_review("sheet-1") is None


def test_the_last_review_is_the_latest_by_date(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    summary = {"completed": ["m1"], "overdue": [], "risks": [{"code": "STALE_PLAN"}]}

    clocked_store.record_review("sheet-1", date(2026, 11, 16), {"completed": []})
    latest = clocked_store.record_review("sheet-1", date(2026, 11, 23), summary)
    clocked_store.record_review("sheet-1", date(2026, 11, 9), {"completed": []})

    assert clocked_store.last_review("sheet-1") == latest
    assert latest.summary == summary
    assert latest.created_at == clock.now


def test_two_reviews_on_one_day_make_the_later_one_last(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    store.record_review("sheet-1", date(2026, 11, 23), {"n": 1})
    second = store.record_review("sheet-1", date(2026, 11, 23), {"n": 2})

    assert store.last_review("sheet-1") == second


def test_a_review_on_a_day_already_reviewed_replaces_that_days(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    monday = store.record_review("sheet-1", date(2026, 11, 23), {"n": 1})
    store.record_review("sheet-1", date(2026, 11, 24), {"n": 2})
    store.record_review("sheet-1", date(2026, 11, 24), {"n": 3})

    # Tuesday's first review is gone: the one before Tuesday is Monday's.
    assert store.last_review("sheet-1", before=date(2026, 11, 24)) == monday
    last = store.last_review("sheet-1")
    assert last is not None and last.summary == {"n": 3}
    assert store.last_review("sheet-1", before=date(2026, 11, 23)) is None


def test_a_review_moves_the_maps_last_reviewed_date_forward_only(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")

    store.record_review("sheet-1", date(2026, 11, 23), {})
    store.record_review("sheet-1", date(2026, 11, 9), {})

    reviewed = store.get_map("sheet-1")
    assert reviewed is not None and reviewed.last_reviewed_on == date(2026, 11, 23)


def test_a_review_of_an_unknown_map_raises_map_not_found(store: Store) -> None:
    with pytest.raises(MapNotFound):
        store.record_review("nope", date(2026, 11, 23), {})
