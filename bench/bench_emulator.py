"""How fast the emulator's Sheets v4 answers, through google-api-python-client.

Run: ``.venv/bin/python bench/bench_emulator.py``. Starts an in-memory emulator on a
free port and prints:

- the median round trip of a ``values.batchGet`` of 50 rows (8 columns of dates,
  numbers, text and formulas) in two ranges;
- the median round trip of one ``batchUpdate`` of 200 requests (cell writes, formats,
  notes, dimension properties, developer metadata);
- requests per second of a plain ``spreadsheets.get``, one client, sequentially.

Requests are built before the clock starts (building one with google-api-python-client
costs more than the emulator's answer); the times are ``execute()`` alone.

``--map``: the emulator's own CPU (its process's, from /proc, with the emulator in a
process of its own) per call of what a MAP sync sends: the backend's read of a MAP
(``spreadsheets.get`` with grid data for four ranges and its field mask) and the
``batchUpdate`` of a sync after a one-cell edit (captured once, then sent again), with
``--copies`` copies of the MAP in the emulator besides (Drive ``files.copy``), as a
burst over that many MAPs finds it (the state's size sets what garbage collection
costs). The figures are CPU, not wall time, so a loaded machine changes them little.

``--push``: the CPU per push notification of the delivery threads alone (a sender that
answers at once), for 4 and 16 workers: 3,000 queued at once over 300 channels, and
1,000 arriving one every 2 ms (most workers idle; the process's CPU, this loop's
sleeps included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import google.oauth2.credentials
from googleapiclient.discovery import build

from emulator.server import EmulatorServer


def client(url: str) -> Any:
    credentials = google.oauth2.credentials.Credentials("bench-token")  # type: ignore[no-untyped-call]
    return build(
        "sheets",
        "v4",
        credentials=credentials,
        client_options={"api_endpoint": f"{url}/"},
        static_discovery=True,
        cache_discovery=False,
    )


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def seed(spreadsheets: Any, sid: str) -> None:
    rows = [
        [
            f"Milestone {i}",
            "Buyer" if i % 2 else "Seller",
            f"owner{i}@acme.com",
            f"1/{i % 28 + 1}/2027",
            i * 1.5,
            "In progress",
            f"=D{i + 2}+5",
            "notes",
        ]
        for i in range(50)
    ]
    spreadsheets.values().update(
        spreadsheetId=sid, range="A2", valueInputOption="USER_ENTERED", body={"values": rows}
    ).execute()


def two_hundred_requests() -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = []
    for i in range(50):
        cell = {
            "sheetId": 0,
            "startRowIndex": i + 1,
            "endRowIndex": i + 2,
            "startColumnIndex": 8,
            "endColumnIndex": 9,
        }
        requests.append(
            {
                "updateCells": {
                    "range": cell,
                    "rows": [{"values": [{"userEnteredValue": {"numberValue": i}}]}],
                    "fields": "userEnteredValue",
                }
            }
        )
        requests.append(
            {
                "repeatCell": {
                    "range": cell,
                    "cell": {
                        "userEnteredFormat": {
                            "backgroundColor": {"red": 1, "green": 0.9, "blue": 0.8}
                        }
                    },
                    "fields": "userEnteredFormat.backgroundColor",
                }
            }
        )
        requests.append(
            {
                "updateCells": {
                    "range": cell,
                    "rows": [{"values": [{"note": f"risk {i}"}]}],
                    "fields": "note",
                }
            }
        )
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": 0,
                        "dimension": "ROWS",
                        "startIndex": i + 1,
                        "endIndex": i + 2,
                    },
                    "properties": {"pixelSize": 24},
                    "fields": "pixelSize",
                }
            }
        )
    return requests


def process_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of a process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def map_calls(repeat: int, copies: int) -> None:
    """The emulator's CPU per MAP read and per sync write (see the module docstring)."""
    import requests
    from bench_sync import SELLER, SERVICE_ACCOUNT, Harness

    from service.services.sync import SyncDeps, sync_map
    from service.sheets.gateway import SheetsGateway
    from service.store import Store, migrate

    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = next(w for w in process.stdout.readline().split() if w.startswith("http"))
        with (
            tempfile.TemporaryDirectory() as folder,
            Store.from_url(f"sqlite:///{folder}/bench.sqlite3") as store,
        ):
            migrate(store.engine)
            h = Harness(url, store)
            sid = h.provision()
            seller = requests.Session()
            seller.headers["Authorization"] = f"Bearer {h.token(SELLER)}"
            for n in range(copies):
                seller.post(
                    f"{url}/drive/v3/files/{sid}/copy", json={"name": f"MAP {n}"}
                ).raise_for_status()
            sent: list[Any] = []
            original = SheetsGateway._call

            def capture(self: Any, request: Any, **kwargs: Any) -> Any:
                sent.append(request)
                return original(self, request, **kwargs)

            SheetsGateway._call = capture  # type: ignore[method-assign]
            try:
                h.edit(sid, "Plan!G13", "In progress")
                with h.backend.sheets() as sheets:
                    sync_map(SyncDeps(h.backend.store, sheets, h.backend.now), sid)
            finally:
                SheetsGateway._call = original  # type: ignore[method-assign]
            write = next(r for r in sent if r.uri.split("?")[0].endswith(":batchUpdate"))
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {h.token(SERVICE_ACCOUNT)}"
            session.headers["Content-Type"] = "application/json"

            def per_call(run: Callable[[], Any]) -> float:
                run()
                start = process_cpu_s(process.pid)
                for _ in range(repeat):
                    run()
                return (process_cpu_s(process.pid) - start) * 1000 / repeat

            gateway = h.gateways()
            read_ms = per_call(lambda: gateway.read_map(sid))
            write_ms = per_call(lambda: session.post(write.uri, data=write.body).raise_for_status())
        print(f"With the MAP and {copies} copies of it in the emulator:")
        print(f"MAP read (spreadsheets.get with grid data): {read_ms:5.1f} ms of emulator CPU")
        size = len(write.body)
        print(f"sync write (batchUpdate, {size} bytes):  {write_ms:5.1f} ms of emulator CPU")
    finally:
        process.terminate()
        process.wait(10)


def push_deliveries() -> None:
    """CPU per delivery of the push dispatcher (see the module docstring)."""
    from emulator.drive.delivery import Dispatcher, Notification

    def cpu_per_delivery(workers: int, count: int, channels: int, gap_s: float) -> float:
        dispatcher = Dispatcher(lambda channel_id: True, send=lambda n: True, workers=workers)
        try:
            start = time.process_time()
            for i in range(count):
                dispatcher.enqueue(Notification(f"c{i % channels}", "http://x", {}))
                if gap_s:
                    time.sleep(gap_s)
            while dispatcher.delivered < count:
                time.sleep(0.01)
            return (time.process_time() - start) * 1000 / count
        finally:
            dispatcher.stop()

    for workers in (4, 16):
        burst = cpu_per_delivery(workers, 3000, 300, 0.0)
        trickle = cpu_per_delivery(workers, 1000, 50, 0.002)
        print(
            f"push, {workers:2d} workers: {burst:.3f} ms CPU a delivery queued at once, "
            f"{trickle:.3f} ms one every 2 ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to count gets")
    parser.add_argument("--map", action="store_true", help="emulator CPU per MAP read / write")
    parser.add_argument("--copies", type=int, default=300, help="with --map: MAPs besides")
    parser.add_argument("--push", action="store_true", help="CPU per push delivery")
    args = parser.parse_args()
    if args.push:
        push_deliveries()
        return
    if args.map:
        map_calls(max(args.repeat, 100), args.copies)
        return
    with EmulatorServer() as server:
        service = client(server.url)
        spreadsheets = service.spreadsheets()
        sid = spreadsheets.create(body={"properties": {"title": "Bench"}}).execute()[
            "spreadsheetId"
        ]
        seed(spreadsheets, sid)
        batch_get = spreadsheets.values().batchGet(
            spreadsheetId=sid, ranges=["Sheet1!A2:H26", "Sheet1!A27:H51"]
        )
        get_ms = median_ms(batch_get.execute, args.repeat)

        body = {"requests": two_hundred_requests()}
        update = spreadsheets.batchUpdate(spreadsheetId=sid, body=body)
        update_ms = median_ms(update.execute, args.repeat)

        plain = spreadsheets.get(spreadsheetId=sid)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            plain.execute()
            count += 1
        rate = count / (time.perf_counter() - start)
        service.close()
    print(f"values.batchGet, 50 rows x 8 columns:  median {get_ms:.1f} ms")
    print(f"batchUpdate, 200 requests:              median {update_ms:.1f} ms")
    print(f"spreadsheets.get, one client:           {rate:.0f} requests/s")


if __name__ == "__main__":
    main()
