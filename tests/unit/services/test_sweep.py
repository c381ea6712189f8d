"""The cron jobs: the sweep (retry what failed, recompute the rest for today) and the
renewal of Drive channels before they expire."""

from __future__ import annotations

from datetime import timedelta

from service.services.sweep import renew_channels, sweep
from tests.unit.services.conftest import Desk

HOOK = "https://map.example/hooks/drive"


def test_the_sweep_retries_failed_syncs_and_recomputes_the_rest_without_reading(
    desk: Desk,
) -> None:
    first = desk.new_map(account="First")
    second = desk.new_map(account="Second")
    desk.sync(second)
    desk.store.request_sync(first)  # a notification whose sync never ran
    desk.clock.advance(hours=2)
    desk.drive.reset_calls()
    report = sweep(desk.backend)
    assert (report.retried, report.recomputed, report.failed) == (1, 1, [])
    assert desk.drive.calls == {"read": 1}  # the retry read; the recompute needed no call
    state = desk.store.sync_state(first)
    assert state is not None and not state.pending


def test_channels_are_renewed_before_they_expire_and_the_old_one_stopped(desk: Desk) -> None:
    desk.backend.drive_hook_url = HOOK
    sid = desk.provision().spreadsheet_id
    [old] = desk.store.channels_for_map(sid)
    desk.clock.advance(hours=20)
    report = renew_channels(desk.backend, ahead=timedelta(hours=6))
    assert (report.renewed, report.created, report.failed) == (1, 0, [])
    [new] = desk.store.channels_for_map(sid)
    assert new.channel_id != old.channel_id
    assert list(desk.drive.channels) == [new.channel_id]  # the old one was stopped
