"""``/tasks``: the cron jobs (cron.yaml) and the Cloud Tasks routes. Only the scheduler
may run the cron jobs: App Engine's ``X-Appengine-Cron: true`` header where it is trusted,
or the cron service account's ID token. App Engine cron sends GET, Cloud Scheduler POST:
both are accepted. The task routes (``/tasks/sync``, ``/tasks/sweep-map``,
``/tasks/renew-channel``, ``/tasks/remind``) take only the queue's OIDC token.

With ``MAP_SYNC_DISPATCHER=cloud_tasks`` the sweep, channel renewal and reminders cron
jobs fan out: they only decide which MAPs or channels need work, make one named task per
unit (``service/runtime/background_tasks.py``) and answer their counts at once; each
task does one unit. With the in-process queue (``serve``) the sweep hands its MAPs to a
thread of this process (``build_sweep_pool``) and answers at once too; renewal and
reminders do their work in the cron request, as they always did.

A sync task is paced (``service.services.pacing``): when the MAP is not due yet (people
are still typing), when notifications arrived during its sync, or when Google's quota or
the shared budget refused a call, it makes a new task for the instant the MAP is due and
answers 2xx ("deferred"). It answers 2xx too when it is done or can never succeed (the
failure is recorded on the MAP, and retrying would only spend quota), and an error
status when it should be tried again: 503 when Google or the store did not answer (or
the next task could not be made), 409 when the sheet changed under the sync. Cloud
Tasks then retries it with the queue's backoff."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, request

from service import sheets
from service.runtime.fan_out import FanOutReport, Unit, submit_all
from service.runtime.reminders import (
    RemindersNotConfigured,
    remind_map,
    require_links,
    run_reminders,
)
from service.runtime.sync_queue import pacing_of
from service.services.calibrate import refresh_calibrations
from service.services.pacing import paced_sync
from service.services.sweep import (
    RenewalUnit,
    renew_channels,
    renew_unit,
    renewal_units,
    sweep_map,
    sweep_units,
)
from service.store.errors import MapNotFound
from service.web.auth import cron_allowed, queue_allowed
from service.web.context import web
from service.web.errors import Unavailable
from service.web.schemas import (
    CalibrateCounts,
    ChannelTask,
    FanOutCounts,
    MapTask,
    ReminderRunCounts,
    RenewCounts,
    RenewTaskResult,
    SweepMapResult,
    SyncTask,
    SyncTaskResult,
    dump,
)
from service.web.validation import parse_json_body

log = logging.getLogger(__name__)

# Google's answers that no retry mends: the MAP is gone, unshared or no longer a MAP.
PERMANENT = (sheets.SheetNotFound, sheets.PermissionDenied, sheets.NotAMap, sheets.InvalidRequest)

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _require_scheduler() -> None:
    context = web()
    settings = context.settings
    cron_allowed(
        cron_header=request.headers.get("X-Appengine-Cron"),
        trust_cron_header=settings.trust_cron_header,
        authorization=request.headers.get("Authorization"),
        verifier=context.verifier,
        cron_account=settings.cron_service_account,
        cron_audiences=settings.resolved_cron_audiences(),
    )


def _require_queue() -> None:
    context = web()
    settings = context.settings
    queue_allowed(
        require_oidc=settings.tasks_require_oidc,
        authorization=request.headers.get("Authorization"),
        verifier=context.verifier,
        queue_account=settings.resolved_tasks_service_account(),
        audience=settings.resolved_tasks_audience(),
    )


def _fanned_out(report: FanOutReport) -> Any:
    return dump(FanOutCounts.model_validate(report.to_json()))


@bp.route("/sweep", methods=["GET", "POST"])
def run_sweep() -> Any:
    """Queue each MAP that needs a look (a pending notification, not synced in the last
    hour): one Cloud Task each, or into the in-process sweep thread; answer at once."""
    _require_scheduler()
    context = web()
    units = sweep_units(context.backend)
    if context.background is not None:
        return _fanned_out(
            context.background.fan_out(
                "sweep-map",
                "sweep",
                (Unit(u.spreadsheet_id, {"spreadsheet_id": u.spreadsheet_id}) for u in units),
            )
        )
    return _fanned_out(submit_all(context.sweeps, (u.spreadsheet_id for u in units)))


@bp.post("/sweep-map")
def run_sweep_map_task() -> Any:
    """Cloud Tasks: one MAP's share of the sweep (a pending notification synced, a
    changed file read, or today's recompute, read back when its reconciliation is due)."""
    _require_queue()
    task = parse_json_body(request, MapTask)
    try:
        outcome = sweep_map(web().backend, task.spreadsheet_id)
    except MapNotFound:
        return dump(SweepMapResult(outcome="gone"))
    except PERMANENT as exc:
        log.warning("sweep of %s failed for good: %s", task.spreadsheet_id, type(exc).__name__)
        return dump(SweepMapResult(outcome="failed"))
    return dump(SweepMapResult(outcome=outcome))


@bp.route("/renew-channels", methods=["GET", "POST"])
def run_renew_channels() -> Any:
    """Replace Drive channels about to expire; watch MAPs that have none (on Cloud
    Tasks: one task per channel or MAP)."""
    _require_scheduler()
    context = web()
    if context.background is not None:
        units = renewal_units(context.backend)
        return _fanned_out(
            context.background.fan_out(
                "renew-channel",
                "renew",
                (
                    Unit(u.key, {"spreadsheet_id": u.spreadsheet_id, "channel_id": u.channel_id})
                    for u in units
                ),
            )
        )
    report = renew_channels(context.backend)
    return dump(RenewCounts.model_validate(report.to_json()))


@bp.post("/renew-channel")
def run_renew_channel_task() -> Any:
    """Cloud Tasks: replace one Drive channel, or watch one MAP that has none."""
    _require_queue()
    task = parse_json_body(request, ChannelTask)
    unit = RenewalUnit(task.spreadsheet_id, task.channel_id)
    return dump(RenewTaskResult(outcome=renew_unit(web().backend, unit)))


@bp.post("/sync")
def run_sync_task() -> Any:
    """Cloud Tasks: sync one MAP (its notifications are already in the store)."""
    _require_queue()
    context = web()
    task = parse_json_body(request, SyncTask)
    try:
        # One attempt: a transient failure goes back to the queue, which backs off.
        run = paced_sync(
            context.backend, task.spreadsheet_id, pacing_of(context.settings), attempts=1
        )
    except PERMANENT as exc:
        log.warning("sync task for %s failed for good: %s", task.spreadsheet_id, type(exc).__name__)
        return dump(SyncTaskResult(syncs=0, outcome="failed"))
    if run.again_in_s is not None:
        # Not due yet, notifications handed back, or the quota says wait: a new task
        # for that instant (its own window's name). If it cannot be made, this task
        # fails and Cloud Tasks retries it.
        if not context.syncs.submit_later(task.spreadsheet_id, run.again_in_s):
            raise Unavailable("the sync could not be scheduled again; retry")
        if run.syncs == 0:
            return dump(SyncTaskResult(syncs=0, outcome="deferred"))
    return dump(SyncTaskResult(syncs=run.syncs, outcome="synced"))


@bp.route("/reminders", methods=["GET", "POST"])
def reminders_task() -> Any:
    """Decide today's reminders, digests and chat alerts of every MAP, then deliver
    what is due (within each recipient's working hours)."""
    _require_scheduler()
    context = web()
    try:
        if context.background is not None:
            require_links(context.links)
            spreadsheet_ids = context.backend.store.maps_with_reminders()
            return _fanned_out(
                context.background.fan_out(
                    "remind", "remind", (Unit(s, {"spreadsheet_id": s}) for s in spreadsheet_ids)
                )
            )
        counts = run_reminders(context.settings, context.backend, context.links, context.http)
    except RemindersNotConfigured as exc:
        raise Unavailable(str(exc)) from exc
    return dump(ReminderRunCounts.model_validate(counts))


@bp.post("/remind")
def remind_task() -> Any:
    """Cloud Tasks: decide one MAP's reminders of today, then deliver what is due."""
    _require_queue()
    task = parse_json_body(request, MapTask)
    context = web()
    try:
        counts = remind_map(
            context.settings, context.backend, context.links, context.http, task.spreadsheet_id
        )
    except RemindersNotConfigured as exc:
        raise Unavailable(str(exc)) from exc
    return dump(ReminderRunCounts.model_validate(counts))


@bp.route("/calibrate", methods=["GET", "POST"])
def run_calibrate() -> Any:
    """Rebuild each organisation's calibration from its finished MAPs (daily)."""
    _require_scheduler()
    report = refresh_calibrations(web().backend)
    return dump(CalibrateCounts.model_validate(report.to_json()))
