"""The weekly review, the periodic sweep and Drive channel renewal."""

from __future__ import annotations

from datetime import timedelta

from service.services.coalesce import sync_coalesced
from service.services.provision import Contact, watch_map
from service.services.review import run_review
from service.services.sweep import renew_channels, sweep
from service.services.views import map_view, pipeline
from tests.integration.services.conftest import World
from tests.integration.services.sheet_view import header_value, row_number, tab_cells


def test_the_weekly_review_lists_what_happened_and_stamps_the_review_date(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=2)
    world.edit(sid, f"Plan!G{row_number(world.backend_emulator_state, sid, 'm1')}", "Done")
    row = row_number(world.backend_emulator_state, sid, "m2")
    world.edit(sid, f"Plan!D{row}", "Priya Patel <priya@acme.example>")
    world.clock.advance(days=8)
    summary = run_review(world.backend, sid)
    assert summary.completed == ["Pricing proposal review"]
    assert "Priya Patel <priya@acme.example>" in summary.new_stakeholders
    reviews = tab_cells(world.backend_emulator_state, sid, "Reviews")
    sections = [r[1].get("formattedValue") for r in reviews[1:] if len(r) > 1]
    assert {"Completed", "Overdue", "Dates moved", "New stakeholders", "Open risk"} <= set(sections)
    today = world.today()
    assert (
        header_value(world.backend_emulator_state, sid, "Last review")
        == f"{today:%b} {today.day}, {today.year}"
    )
    record = world.store.get_map(sid)
    assert record is not None and record.last_reviewed_on == today
    # The review acknowledged the newcomer: NEW_STAKEHOLDER no longer fires.
    codes = [r["code"] for r in map_view(world.backend, sid).risks]
    assert "NEW_STAKEHOLDER" not in codes


def test_a_plan_nobody_touches_goes_stale_and_a_review_freshens_it(world: World) -> None:
    sid = world.provision().spreadsheet_id
    sync_coalesced(world.backend, sid)
    world.clock.advance(days=15)
    sweep(world.backend)
    assert "STALE_PLAN" in [r["code"] for r in map_view(world.backend, sid).risks]
    run_review(world.backend, sid)
    assert "STALE_PLAN" not in [r["code"] for r in map_view(world.backend, sid).risks]


def test_the_sweep_retries_failed_syncs_and_recomputes_the_rest(world: World) -> None:
    first = world.provision(account="First").spreadsheet_id
    second = world.provision(account="Second").spreadsheet_id
    sync_coalesced(world.backend, second)
    world.clock.advance(hours=2)
    world.store.request_sync(first)  # a notification whose sync never ran
    report = sweep(world.backend)
    assert report.retried == 1 and report.changed == 0 and report.recomputed == 1
    assert not report.failed
    assert not world.store.sync_state(first).pending
    assert world.store.get_map(second).last_synced_at is not None


def test_the_pipeline_lists_an_organisations_maps_most_at_risk_first(world: World) -> None:
    world.provision(account="Calm Co", template="simple-close-plan")
    # Two weeks to go live: the plan's own lead times cannot fit, so it will be late.
    risky = world.provision(
        account="Risky Co", go_live=world.today() + timedelta(days=14), template="enterprise"
    )
    world.provision(account="Elsewhere", org="other.example")
    rows = pipeline(world.backend, "vendor.example")
    assert rows[0]["account"] == "Risky Co"
    assert {r["account"] for r in rows} == {"Calm Co", "Risky Co"}
    assert rows[0]["url"].endswith(f"/d/{risky.spreadsheet_id}/edit")


def test_channels_are_watched_and_renewed_before_they_expire(world: World) -> None:
    world.backend.drive_hook_url = "http://127.0.0.1:9/hooks/drive"
    sid = world.provision(buyers=(Contact("Dana Lee", "dana@acme.example"),)).spreadsheet_id
    assert len(world.store.channels_for_map(sid)) == 1
    old = world.store.channels_for_map(sid)[0]
    world.clock.advance(hours=20)
    report = renew_channels(world.backend, ahead=timedelta(hours=6))
    assert report.renewed == 1
    channels = world.store.channels_for_map(sid)
    assert len(channels) == 1 and channels[0].channel_id != old.channel_id
    assert watch_map(world.backend, sid)
