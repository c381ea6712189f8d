"""A person typing into one MAP: 100 edits at 1 a second and at 5 a second, through the
real hooks over HTTP, in real time (the 5-a-second run takes 20 s, the 1-a-second run
100 s, plus about 10 s of setup each).

The stack: the emulator in its own process (niced: it stands in for Google), gunicorn
(1 worker, 4 threads) on a SQLite store, its public URL reachable by the emulator, so
each buyer edit reaches the backend twice, as in production with live updates on: the
Drive push notification (``/hooks/drive``, sent by the emulator) and the add-on
trigger's report (``/hooks/sheet-edit``, sent here; ``--no-trigger`` leaves it out).
Each edit sets the first milestone's Status; the last one sets "Blocked", which no
earlier edit does.

Prints per pace: syncs that read the sheet (the backend's ``spreadsheets.get``), Sheets
writes, Drive ``files.get`` calls (version checks: a notification of our own write costs
one and no Sheets read), and the lag from the last edit until the computed Health cell
of the edited milestone shows it ("Blocked"), polled every 20 ms with
``values.get`` as the buyer (not a ``spreadsheets.get``, so not counted as a sync), and
until the store has recorded that sync.

Run: .venv/bin/python bench/typing_bursts.py [--edits 100] [--rates 5 1]
     [--env MAP_SYNC_QUIET_S=1.2 --env MAP_SYNC_MAX_WAIT_S=40]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import requests
from bench_hooks import (
    AUDIENCE,
    BUYER,
    HEALTH_CELL,
    STATUS_CELL,
    create_maps,
    emulator_process,
    gunicorn,
    mint,
)

from service.store import Store

EARLIER_VALUES = ("In progress", "Not started")
LAST_VALUE = "Blocked"


def map_calls(emulator_url: str, sid: str) -> dict[str, int]:
    body = requests.get(
        f"{emulator_url}/__emulator/counters", params={"spreadsheet_id": sid}, timeout=30
    ).json()
    return {method: int(count) for method, count in body.get("counts", body).items()}


def last_status(store: Store, sid: str) -> str | None:
    statuses = [e.new for e in store.history(sid) if e.field == "status"]
    return statuses[-1] if statuses else None


def health_reader(emulator_url: str, sid: str) -> Callable[[], str]:
    """Reads the edited milestone's Health cell as the buyer (``values.get``)."""
    token = mint(emulator_url, "access-token", email=BUYER)
    session = requests.Session()
    url = f"{emulator_url}/v4/spreadsheets/{sid}/values/{quote(f'Plan!{HEALTH_CELL}')}"

    def read() -> str:
        reply = session.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        values = reply.json().get("values") or [[""]]
        return str(values[0][0])

    return read


def type_edits(
    url: str, emulator_url: str, sid: str, edits: int, rate: float, trigger: bool
) -> float:
    """Type ``edits`` values at ``rate`` a second; returns the instant (monotonic) of
    the last edit."""
    access = mint(emulator_url, "access-token", email=BUYER)
    id_token = mint(emulator_url, "id-token", email=BUYER, audience=AUDIENCE)
    cell = quote(f"Plan!{STATUS_CELL}")
    sheets = requests.Session()
    hooks = requests.Session()
    begin = time.monotonic()
    last_at = begin
    for n in range(edits):
        time.sleep(max(0.0, begin + n / rate - time.monotonic()))
        value = LAST_VALUE if n == edits - 1 else EARLIER_VALUES[n % 2]
        reply = sheets.put(
            f"{emulator_url}/v4/spreadsheets/{sid}/values/{cell}",
            params={"valueInputOption": "USER_ENTERED"},
            json={"values": [[value]]},
            headers={"Authorization": f"Bearer {access}"},
            timeout=30,
        )
        reply.raise_for_status()
        last_at = time.monotonic()
        if trigger:
            report = {
                "spreadsheet_id": sid,
                "sheet": "Plan",
                "a1": STATUS_CELL,
                "value": value,
                "user": BUYER,
                "ts": datetime.now(UTC).isoformat(),
            }
            threading.Thread(
                target=hooks.post,
                args=(f"{url}/hooks/sheet-edit",),
                kwargs={
                    "json": report,
                    "headers": {"Authorization": f"Bearer {id_token}"},
                    "timeout": 30,
                },
                daemon=True,
            ).start()
    return last_at


def run(rate: float, edits: int, trigger: bool, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder, emulator_process() as emulator_url:
        workdir = Path(folder)
        database_url = f"sqlite:///{workdir / 'map.sqlite3'}"
        with gunicorn(database_url, emulator_url, workdir, 1, 4, env) as url:
            store = Store.from_url(database_url)
            try:
                (sid,) = create_maps(url, emulator_url, 1)
                # The new MAP settles (its own notifications) before the typing starts.
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    state = store.sync_state(sid)
                    if state is None or not state.pending:
                        break
                    time.sleep(0.1)
                time.sleep(3)
                before = map_calls(emulator_url, sid)
                started = time.monotonic()
                last_at = type_edits(url, emulator_url, sid, edits, rate, trigger)
                typed_s = last_at - started
                lag = stored = float("nan")
                health = health_reader(emulator_url, sid)
                while time.monotonic() - last_at < 120:
                    if lag != lag and health() == LAST_VALUE:
                        lag = time.monotonic() - last_at
                    if stored != stored and last_status(store, sid) == LAST_VALUE:
                        stored = time.monotonic() - last_at
                    if lag == lag and stored == stored:
                        break
                    time.sleep(0.02)
                # Our own write's notification is handled too (no Sheets read).
                time.sleep(5)
                after = map_calls(emulator_url, sid)
            finally:
                store.close()

    def delta(method: str) -> int:
        return after.get(method, 0) - before.get(method, 0)

    reads = delta("sheets.spreadsheets.get")
    writes = delta("sheets.spreadsheets.batchUpdate")
    version_checks = delta("drive.files.get")
    print(
        f"{edits} edits at {rate:g}/s ({typed_s:.0f} s of typing"
        f"{', Drive push + trigger report each' if trigger else ', Drive push each'}): "
        f"{reads} syncs that read the sheet ({reads * 100 / edits:.1f} per 100 edits), "
        f"{reads} Sheets reads, {writes} Sheets writes, {version_checks} Drive files.get; "
        f"lag from the last edit to its computed cells on the sheet: {lag:.2f} s "
        f"(to the sync recorded in the store: {stored:.2f} s)"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--rates", type=float, nargs="+", default=[5.0, 1.0])
    parser.add_argument("--no-trigger", action="store_true", help="Drive push only")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for gunicorn")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    for rate in args.rates:
        run(rate, args.edits, not args.no_trigger, env)


if __name__ == "__main__":
    main()
