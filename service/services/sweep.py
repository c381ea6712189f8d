"""The cron jobs: the periodic sweep (the safety net) and Drive channel renewal.

Sweep: every MAP with a notification left pending (a failed sync, a lost worker) is
synced; then Drive is asked (files.get of ``version``: Drive's quota, not the Sheets
read quota) which MAPs' files changed since their last sync, and those are synced: edits
whose notifications were lost (the backend was down) are read, and a MAP nobody touched
costs no Sheets read. Every other MAP not synced in the last ``interval`` is recomputed
for today from its snapshot, without reading the sheet (DESIGN I8: an overdue milestone
turns red at midnight), which reads the sheet back (reconciliation) once a week per MAP,
in the MAP's own hour of the week (``reconciliation.py``), so the reads are spread over
the week. :func:`sweep` does all of it in the caller; once the Sheets quota refuses a
call it stops calling Google and reports the rest as ``deferred`` (not failed): the next
sweep finds them again.

Renewal: Drive channels expire (a day at most for a file); each channel expiring within
``ahead`` is replaced by a new one and stopped, and a MAP without a channel gets one.

Fanned out (what the cron request does; Cloud Tasks in
``service/runtime/background_tasks.py``, or the in-process sweep thread): the cron request
only asks the store which MAPs need a look (:func:`sweep_units`: notifications left
pending, and every MAP not synced within ``interval``) and which channels need renewing
(:func:`renewal_units`); each unit is then one task, :func:`sweep_map` or
:func:`renew_unit`, run at the queue's pace. The Drive version check moves into each
MAP's task: one Drive call per MAP inside the cron request was the serial part.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from service.services import versions
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.services.provision import watch_map
from service.sheets.errors import RateLimited, SheetsError
from service.store.errors import MapNotFound, StoreError
from service.store.records import WatchChannel

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    retried: int = 0
    changed: int = 0  # synced because their file changed since their last sync
    recomputed: int = 0
    failed: list[str] = field(default_factory=list)
    # Put off because the Sheets quota (Google's, or the shared budget) had no call left:
    # not failures. The sweep stops sending Google calls once refused; the next sweep
    # finds these MAPs again (still pending, still changed on Drive, or still due).
    deferred: list[str] = field(default_factory=list)

    @property
    def quota_spent(self) -> bool:
        return bool(self.deferred)

    def to_json(self) -> dict[str, object]:
        return {
            "retried": self.retried,
            "changed": self.changed,
            "recomputed": self.recomputed,
            "failed": self.failed,
            "deferred": self.deferred,
        }


@dataclass
class RenewReport:
    renewed: int = 0
    created: int = 0
    failed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"renewed": self.renewed, "created": self.created, "failed": self.failed}


# How long the add-on's edit events are kept (they only attribute changes to people).
EDIT_EVENT_RETENTION = timedelta(days=7)


def sweep(
    backend: Backend, *, interval: timedelta = timedelta(hours=1), limit: int = 500
) -> SweepReport:
    report = SweepReport()
    now = backend.now()
    backend.store.prune_edit_events(now - EDIT_EVENT_RETENTION)
    pending = {s.spreadsheet_id for s in backend.store.pending_syncs(now)}
    for spreadsheet_id in sorted(pending):
        if _run(backend, spreadsheet_id, report, rollover_only=False):
            report.retried += 1
    changed = _changed_on_drive(backend, skip=pending, limit=limit)
    for spreadsheet_id in changed:
        if _run(backend, spreadsheet_id, report, rollover_only=False, notify=True):
            report.changed += 1
    for record in backend.store.maps_due_for_sweep(now, min_interval=interval, limit=limit):
        if record.spreadsheet_id in pending or record.spreadsheet_id in changed:
            continue
        if _run(backend, record.spreadsheet_id, report, rollover_only=True):
            report.recomputed += 1
    return report


def _changed_on_drive(backend: Backend, *, skip: set[str], limit: int) -> list[str]:
    """MAPs whose Drive file is not at the version their last sync recorded (one Drive
    call each, no Sheets read); a MAP Drive says nothing about is left out."""
    everyone = backend.store.maps_due_for_sweep(backend.now() + _EVERYONE, limit=limit)
    changed = []
    with backend.sheets() as sheets:
        for record in everyone:
            if record.spreadsheet_id in skip:
                continue
            version = versions.file_version(sheets, record.spreadsheet_id)
            if version is not None and version != record.drive_version:
                changed.append(record.spreadsheet_id)
    return changed


# Further ahead than any MAP's last sync: "every MAP" to maps_due_for_sweep.
_EVERYONE = timedelta(days=3650)


def _run(
    backend: Backend,
    spreadsheet_id: str,
    report: SweepReport,
    *,
    rollover_only: bool,
    notify: bool | None = None,
) -> bool:
    notify = rollover_only if notify is None else notify
    if report.quota_spent:
        report.deferred.append(spreadsheet_id)
        return False
    try:
        sync_coalesced(backend, spreadsheet_id, notify=notify, rollover_only=rollover_only)
    except RateLimited as exc:
        log.info("sweep put %s off: the Sheets quota is spent (%s)", spreadsheet_id, exc)
        report.deferred.append(spreadsheet_id)
        return False
    except (SheetsError, StoreError) as exc:
        log.warning("sweep of %s failed: %s", spreadsheet_id, exc)
        report.failed.append(spreadsheet_id)
        return False
    return True


def renew_channels(backend: Backend, *, ahead: timedelta = timedelta(hours=6)) -> RenewReport:
    report = RenewReport()
    if not backend.drive_hook_url:
        return report
    now = backend.now()
    for channel in backend.store.channels_expiring_before(now + ahead):
        if _replace_channel(backend, channel):
            report.renewed += 1
        else:
            report.failed.append(channel.spreadsheet_id)
    for record in backend.store.maps_due_for_sweep(now + _EVERYONE):
        if not backend.store.channels_for_map(record.spreadsheet_id):
            if watch_map(backend, record.spreadsheet_id):
                report.created += 1
            else:
                report.failed.append(record.spreadsheet_id)
    return report


def _replace_channel(backend: Backend, channel: WatchChannel) -> bool:
    """Watch the channel's MAP anew, then stop and forget the old channel."""
    if not watch_map(backend, channel.spreadsheet_id):
        return False
    try:
        with backend.sheets() as sheets:
            sheets.stop_channel(channel.channel_id, channel.resource_id)
    except SheetsError as exc:  # it expires anyway
        log.info("stopping channel %s: %s", channel.channel_id, exc)
    backend.store.delete_channel(channel.channel_id)
    return True


# -- fanned out: the cron request decides, one task per unit does the work -------------

# How many MAPs one fanned-out sweep looks at (enqueueing costs no Google call).
FAN_OUT_LIMIT = 20_000


@dataclass(frozen=True)
class SweepUnit:
    spreadsheet_id: str


def sweep_units(
    backend: Backend, *, interval: timedelta = timedelta(hours=1), limit: int = FAN_OUT_LIMIT
) -> list[SweepUnit]:
    """The MAPs the sweep must look at, from the store alone: those with notifications
    left pending, then those not synced within ``interval`` (their Drive version, the
    day's rollover and the reconciliation are each task's to check)."""
    now = backend.now()
    backend.store.prune_edit_events(now - EDIT_EVENT_RETENTION)
    pending = sorted({s.spreadsheet_id for s in backend.store.pending_syncs(now)})
    due = [
        r.spreadsheet_id
        for r in backend.store.maps_due_for_sweep(now, min_interval=interval, limit=limit)
    ]
    seen = set(pending)
    return [SweepUnit(sid) for sid in pending + [sid for sid in due if sid not in seen]]


SweepOutcome = Literal["retried", "changed", "recomputed"]


def sweep_map(backend: Backend, spreadsheet_id: str, *, attempts: int = 1) -> SweepOutcome:
    """One MAP's share of the sweep, as its task runs it: a notification left pending is
    synced; else a file Drive says changed is read; else the MAP is recomputed for today
    (read back when its reconciliation is due). Transient Google or store trouble is
    raised for the queue to retry; :class:`MapNotFound` when the MAP is gone."""
    state = backend.store.sync_state(spreadsheet_id)
    if state is not None and state.pending:
        sync_coalesced(backend, spreadsheet_id, notify=False, attempts=attempts)
        return "retried"
    record = backend.store.get_map(spreadsheet_id)
    if record is None:
        raise MapNotFound(spreadsheet_id)
    with backend.sheets() as sheets:
        version = versions.file_version(sheets, spreadsheet_id)
    if version is not None and version != record.drive_version:
        sync_coalesced(backend, spreadsheet_id, notify=True, attempts=attempts)
        return "changed"
    sync_coalesced(backend, spreadsheet_id, notify=True, rollover_only=True, attempts=attempts)
    return "recomputed"


@dataclass(frozen=True)
class RenewalUnit:
    spreadsheet_id: str
    channel_id: str | None  # None: the MAP has no channel; watch it

    @property
    def key(self) -> str:
        return self.channel_id or self.spreadsheet_id


def renewal_units(backend: Backend, *, ahead: timedelta = timedelta(hours=6)) -> list[RenewalUnit]:
    """The channels to replace and the MAPs to watch (none without a Drive hook URL)."""
    if not backend.drive_hook_url:
        return []
    now = backend.now()
    units = [
        RenewalUnit(c.spreadsheet_id, c.channel_id)
        for c in backend.store.channels_expiring_before(now + ahead)
    ]
    for record in backend.store.maps_due_for_sweep(now + _EVERYONE):
        if not backend.store.channels_for_map(record.spreadsheet_id):
            units.append(RenewalUnit(record.spreadsheet_id, None))
    return units


RenewOutcome = Literal["renewed", "created", "nothing", "failed"]


def renew_unit(backend: Backend, unit: RenewalUnit) -> RenewOutcome:
    """Replace one channel, or watch one unwatched MAP; "nothing" when that was done
    meanwhile (the channel is gone, the MAP has one) or there is no Drive hook URL."""
    if not backend.drive_hook_url:
        return "nothing"
    channels = backend.store.channels_for_map(unit.spreadsheet_id)
    if unit.channel_id is None:
        if channels:
            return "nothing"
        return "created" if watch_map(backend, unit.spreadsheet_id) else "failed"
    channel = next((c for c in channels if c.channel_id == unit.channel_id), None)
    if channel is None:
        return "nothing"
    return "renewed" if _replace_channel(backend, channel) else "failed"
