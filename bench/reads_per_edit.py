"""Sheets reads and writes per buyer edit, against the emulator.

Prints, for a plan of 15 milestones:
- a buyer's burst of edits (3 cells typed one after another), its 3 notifications and the
  notification of our own write that follows: Sheets reads and writes per burst (target 1
  and 1), with every notification read as before for comparison;
- a notification for a file nobody changed since our last sync: Sheets calls (target 0).

Each notification is handled as the sync queue handles it (``sync_coalesced`` with
``if_changed``); the buyer's own edits are not counted.

Run: .venv/bin/python bench/reads_per_edit.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench_sync import Harness, emulator_process

from service.services.coalesce import sync_coalesced
from service.store import Store, migrate

BURSTS = 20
EDITS_PER_BURST = 3
NOTES_COLUMN, FIRST_ROW = "I", 13


def backend_calls(calls: dict[str, int]) -> tuple[int, int, int]:
    """(Sheets reads, Sheets writes, Drive calls) the backend made (the buyer's
    values.update edits left out)."""
    reads = sum(
        v for k, v in calls.items() if k.startswith("sheets.") and k.split(".")[-1] == "get"
    )
    writes = calls.get("sheets.spreadsheets.batchUpdate", 0)
    drive = sum(v for k, v in calls.items() if k.startswith("drive."))
    return reads, writes, drive


def bursts(h: Harness, spreadsheet_id: str, *, if_changed: bool) -> tuple[int, int, int]:
    h.reset()
    for burst in range(BURSTS):
        for i in range(EDITS_PER_BURST):
            row = FIRST_ROW + (burst * EDITS_PER_BURST + i) % 15
            h.edit(spreadsheet_id, f"Plan!{NOTES_COLUMN}{row}", f"burst {burst} edit {i}")
        for _ in range(EDITS_PER_BURST):  # the edits' notifications
            sync_coalesced(h.backend, spreadsheet_id, if_changed=if_changed)
        sync_coalesced(h.backend, spreadsheet_id, if_changed=if_changed)  # our write's
    return backend_calls(h.calls(spreadsheet_id))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        store = Store.from_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(store.engine)
        h = Harness(url, store)
        sid = h.provision()
        sync_coalesced(h.backend, sid)

        print(f"{BURSTS} bursts of {EDITS_PER_BURST} buyer edits, each with its notifications")
        print("and the notification of our own write; per burst:")
        for label, if_changed in (("every notification read", False), ("if changed", True)):
            reads, writes, drive = bursts(h, sid, if_changed=if_changed)
            print(
                f"  {label:<24} {reads / BURSTS:.2f} Sheets reads, "
                f"{writes / BURSTS:.2f} Sheets writes, {drive / BURSTS:.2f} Drive calls"
            )

        h.reset()
        for _ in range(BURSTS):
            sync_coalesced(h.backend, sid, if_changed=True)
        reads, writes, drive = backend_calls(h.calls(sid))
        print(
            f"unchanged notification: {(reads + writes) / BURSTS:.2f} Sheets calls, "
            f"{drive / BURSTS:.2f} Drive calls"
        )


if __name__ == "__main__":
    main()
