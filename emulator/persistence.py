"""Keeps the emulator's state in a data directory, so a restart loses nothing.

Layout of ``data_dir``:
    files/<file id>.json   one Drive file: its metadata and, for a spreadsheet, the
                           Sheets model's ``to_json()``
    emulator.json          extension state: minted tokens, service-account keys,
                           watch channels, invitations
    signing-key.pem        the dev issuer's key (written by :mod:`signing`)

Writes are atomic (a temporary file, then a rename) and debounced: changes mark what
is dirty and a background thread writes it at most every ``interval`` seconds, so a
burst of edits is one write per file. :meth:`Persistence.close` flushes what is left.
Snapshots are taken under the state lock; the disk is written outside it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from emulator.drive.spreadsheets import spreadsheet_from_json, spreadsheet_to_json
from emulator.state import Change, DriveFile, EmulatorState

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
META_FILE = "emulator.json"
FILES_DIR = "files"


def write_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` so a reader sees the old or the new file whole."""
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, separators=(",", ":"))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Persistence:
    """Loads the state from ``state.data_dir`` and keeps the disk up to date."""

    def __init__(self, state: EmulatorState, *, interval: float = 0.5) -> None:
        if state.data_dir is None:
            raise ValueError("persistence needs a data directory")
        self.state = state
        self.root = Path(state.data_dir)
        self.interval = interval
        self._cv = threading.Condition()
        self._dirty_files: set[str] = set()
        self._meta_dirty = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()

    # -- loading ---------------------------------------------------------------------
    def load(self) -> None:
        """Read what the directory holds into the state (before serving requests)."""
        (self.root / FILES_DIR).mkdir(parents=True, exist_ok=True)
        with self.state.lock:
            for path in sorted((self.root / FILES_DIR).glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                file = DriveFile.from_json(data["file"])
                if data.get("spreadsheet") is not None:
                    file.spreadsheet = spreadsheet_from_json(data["spreadsheet"])
                self.state.files[file.id] = file
            meta_path = self.root / META_FILE
            if meta_path.exists():
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                self.state.load_sections(meta.get("sections", {}))

    # -- watching ----------------------------------------------------------------------
    def start(self) -> Persistence:
        self.state.watch(self._on_change)
        self.state.on_touch(self._on_touch)
        self.state.on_close(self.close)
        self._thread = threading.Thread(target=self._run, name="emulator-persist", daemon=True)
        self._thread.start()
        return self

    def _on_change(self, change: Change) -> None:
        with self._cv:
            self._dirty_files.add(change.file.id)
            self._cv.notify()

    def _on_touch(self) -> None:
        with self._cv:
            self._meta_dirty = True
            self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._closed and not (self._dirty_files or self._meta_dirty):
                    self._cv.wait()
                if self._closed:
                    return
                # Let a burst of edits gather before writing (changes arriving
                # meanwhile notify, but do not cut the wait short).
                deadline = time.monotonic() + self.interval
                while not self._closed and (left := deadline - time.monotonic()) > 0:
                    self._cv.wait(timeout=left)
                if self._closed:
                    return
            try:
                self.flush()
            except OSError:
                log.exception("could not write the emulator's state to its data directory")

    # -- writing -----------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything dirty now."""
        with self._write_lock:
            with self._cv:
                file_ids, self._dirty_files = self._dirty_files, set()
                meta_dirty, self._meta_dirty = self._meta_dirty, False
            snapshots, gone, meta = self._snapshot(file_ids, meta_dirty)
            for file_id, snapshot in snapshots.items():
                write_atomic(self._file_path(file_id), snapshot)
            for file_id in gone:
                self._file_path(file_id).unlink(missing_ok=True)
            if meta is not None:
                write_atomic(self.root / META_FILE, meta)

    def _snapshot(
        self, file_ids: set[str], meta_dirty: bool
    ) -> tuple[dict[str, Any], list[str], dict[str, Any] | None]:
        snapshots: dict[str, Any] = {}
        gone: list[str] = []
        with self.state.lock:
            for file_id in file_ids:
                file = self.state.files.get(file_id)
                if file is None:
                    gone.append(file_id)
                    continue
                sheet = file.spreadsheet
                snapshots[file_id] = {
                    "file": file.to_json(),
                    "spreadsheet": None if sheet is None else spreadsheet_to_json(sheet),
                }
            meta = None
            if meta_dirty:
                sections = self.state.sections_json()
                meta = {"version": FORMAT_VERSION, "sections": sections}
        return snapshots, gone, meta

    def _file_path(self, file_id: str) -> Path:
        # Drive ids are [A-Za-z0-9_-]; anything else must not escape the directory.
        safe = "".join(c for c in file_id if c.isalnum() or c in "-_")
        return self.root / FILES_DIR / f"{safe}.json"

    def close(self) -> None:
        with self._cv:
            if self._closed:
                return
            self._closed = True
            self._meta_dirty = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()
