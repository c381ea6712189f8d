"""A sync that reads the sheet only when the file changed since the last sync
(docs/sync.md, "One Sheets read per edit").

A Drive notification (or the add-on's trigger) asks for a sync; most of the time the
change it announces is our own write. Each sync records the Drive version it read at,
and after its own write the version that write alone produced (see ``versions``): when
Drive still shows that version (one Drive call, Drive's quota), nobody has touched the
file since, so the sheet is not read. What we know is recomputed from the snapshot (for
the date, the organisation's calibration) and written only where it differs, like the
daily rollover; usually nothing at all.

An edit landing between a sync's read and its write moves the version on by more than
our write, so that version is not recorded and the edit's notification reads the sheet.
An edit the add-on's trigger reported as made since the last read began is read whatever
the version says (in case Drive's version lags the edit).
"""

from __future__ import annotations

from service.services import versions
from service.services.rollover import recompute_from_state
from service.services.sync import Loaded, SyncDeps, SyncResult, load_inputs, sync_map
from service.sheets.errors import LayoutChanged, TabMissing


def sync_if_changed(deps: SyncDeps, spreadsheet_id: str) -> SyncResult:
    """Sync ``spreadsheet_id``, skipping the Sheets read when its Drive file is at the
    version the last sync recorded. What the store holds is loaded once (one read
    transaction) and handed to the sync that reads."""
    loaded = load_inputs(deps.store, spreadsheet_id)
    record, state = loaded.record, loaded.state
    known = record.drive_version
    if known is None or state.pending is not None or not state.sheet:
        return sync_map(deps, spreadsheet_id, loaded=loaded)
    if _reported_since_last_read(loaded):
        return sync_map(deps, spreadsheet_id, loaded=loaded)
    drive = versions.drive_file(deps.sheets, spreadsheet_id)
    if drive is None or drive.version != known:
        return sync_map(deps, spreadsheet_id, version=drive, loaded=loaded)
    try:
        return recompute_from_state(deps, record, state, calibration=loaded.calibration)
    except (LayoutChanged, TabMissing):
        # Rows moved, or a tab was renamed or deleted: a sync reads (restoring tabs).
        return sync_map(deps, spreadsheet_id)


def _reported_since_last_read(loaded: Loaded) -> bool:
    """Whether the add-on's trigger reported a person's edit made no earlier than the
    last read began: that read may not have seen it, so the sheet is read whatever
    Drive's version says (our own writes fire no trigger)."""
    since = loaded.record.last_read_at
    return since is None or bool(loaded.reported_since(since))
