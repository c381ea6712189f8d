"""Crash recovery: MAPs with pending edits, the backend killed (SIGKILL), started again.

gunicorn (one worker) on SQLite (PostgreSQL with ``--postgres``), the emulator in its own
process. MAPs are created through the API; every sheet read is held in the emulator, a
buyer edits each MAP (its Drive notification reaches the backend and is recorded, its
sync waits inside its read), then gunicorn and its worker are killed with SIGKILL, the
reads let go, and gunicorn started again.

Prints: edits sent; lost (not in the store's history, or not shown on the sheet, once the
wait is over); doubled (in the store's history or on the History tab more than once);
the time from the restart command to the last MAP settled, and from the backend
answering again.

Every request goes to 127.0.0.1 only; the run is bounded in count and time.

Run: .venv/bin/python bench/crash_recovery.py --maps 50
     TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
     .venv/bin/python bench/crash_recovery.py --maps 50 --postgres
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_hooks import (
    AUDIENCE,
    BUYER,
    ROOT,
    buyer_edits,
    create_maps,
    emulator_process,
    free_port,
    mint,
    postgres_schema,
)

from service.store import Store

HEALTH_CELL = "L13"  # first milestone's Health (service/sheets/layout.py)


class Backend:
    """gunicorn in a process group of its own, so that SIGKILL takes its worker too."""

    def __init__(self, database_url: str, emulator_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MAP_")},
            "DATABASE_URL": database_url,
            "MAP_DATA_DIR": str(workdir),
            "MAP_GOOGLE_MODE": "local",
            "MAP_EMULATOR_URL": emulator_url,
            "MAP_OAUTH_AUDIENCES": f'["{AUDIENCE}"]',
            "MAP_PUBLIC_URL": self.url,
            "MAP_LOG_LEVEL": "WARNING",
            "MAP_SYNC_WORKERS": "8",
            # The emulator enforces no Sheets quota here, so neither does the budget.
            "MAP_SHEETS_READS_PER_MINUTE": "100000",
            "MAP_SHEETS_WRITES_PER_MINUTE": "100000",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self.workdir / "gunicorn.log").open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "-c", "python:service.web.gunicorn_config",
                    "-b", f"127.0.0.1:{self.port}", "-w", "1",
                    "--threads", "8", "service.web.app:create_app()",
                ],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {self.workdir / 'gunicorn.log'}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def reads_held(emulator_url: str) -> Iterator[dict[str, Any]]:
    rule = {"method": "sheets.spreadsheets.get", "hold": True}
    added = requests.post(f"{emulator_url}/__emulator/faults", json=rule, timeout=10).json()
    try:
        yield added
    finally:
        requests.delete(
            f"{emulator_url}/__emulator/faults", params={"id": added["id"]}, timeout=10
        ).raise_for_status()


def wait_until(check: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not happen within {timeout_s:.0f} s")
        time.sleep(0.1)


def done_in_store(store: Store, sid: str) -> int:
    return sum(1 for e in store.history(sid) if e.field == "status" and e.new == "Done")


def settled(store: Store, sid: str) -> bool:
    state = store.sync_state(sid)
    return state is not None and not state.pending and done_in_store(store, sid) >= 1


def sheet_view(emulator_url: str, token: str, sid: str) -> tuple[int, str]:
    """(rows on the History tab for the edit, the first milestone's Health)."""
    ranges = [("ranges", "History!A2:I"), ("ranges", f"Plan!{HEALTH_CELL}")]
    reply = requests.get(
        f"{emulator_url}/v4/spreadsheets/{quote(sid)}/values:batchGet",
        params=ranges,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()["valueRanges"]
    history = reply[0].get("values", [])
    health = (reply[1].get("values") or [[""]])[0][0]
    rows = sum(1 for r in history if len(r) > 5 and r[3] == "Status" and r[5] == "Done")
    return rows, health


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maps", type=int, default=50)
    parser.add_argument("--postgres", action="store_true", help="TEST_DATABASE_URL's server")
    parser.add_argument("--wait", type=float, default=120.0, help="longest wait to settle (s)")
    args = parser.parse_args()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.postgres:
            server = os.environ.get("TEST_DATABASE_URL", "")
            if not server:
                raise SystemExit("--postgres needs TEST_DATABASE_URL")
            database_url = stack.enter_context(postgres_schema(server))
        else:
            database_url = f"sqlite:///{workdir / 'store.sqlite3'}"
        emulator_url = stack.enter_context(emulator_process())
        backend = Backend(database_url, emulator_url, workdir)
        stack.callback(backend.stop)
        backend.start()
        sids = create_maps(backend.url, emulator_url, args.maps)
        store = stack.enter_context(Store.from_url(database_url))
        wait_until(
            lambda: all(not (s := store.sync_state(sid)) or not s.pending for sid in sids),
            120,
            "the new MAPs settling",
        )
        with reads_held(emulator_url):
            buyer_edits(emulator_url, sids, "Done")
            wait_until(
                lambda: all((s := store.sync_state(sid)) and s.pending for sid in sids),
                120,
                "every edit's notification recorded",
            )
            backend.kill()
        restarted = time.monotonic()
        backend.start()
        answering = time.monotonic()
        deadline = restarted + args.wait
        while not all(settled(store, sid) for sid in sids) and time.monotonic() < deadline:
            time.sleep(0.1)
        converged = time.monotonic()
        token = mint(emulator_url, "access-token", email=BUYER)
        lost = doubled = 0
        for sid in sids:
            rows, health = sheet_view(emulator_url, token, sid)
            stored = done_in_store(store, sid)
            if stored == 0 or rows == 0 or health != "Done":
                lost += 1
            if stored > 1 or rows > 1:
                doubled += 1
        all_settled = all(settled(store, sid) for sid in sids)
        print(f"database: {store.engine.dialect.name}; MAPs: {len(sids)}")
        print(f"edits sent: {len(sids)}")
        print(f"lost: {lost}")
        print(f"doubled: {doubled}")
        if all_settled:
            print(f"converged after the restart command: {converged - restarted:.1f} s")
            print(f"converged after the backend answered: {converged - answering:.1f} s")
        else:
            print(f"NOT converged within {args.wait:.0f} s of the restart")


if __name__ == "__main__":
    main()
