"""Edits typed into one MAP, synced through Cloud Tasks: how many tasks, syncs (Sheets
reads) and writes a burst costs, and how far the computed cells lag the last edit.

The Google emulator runs in this process, the Cloud Tasks emulator in its own
(``python -m emulator.cloud_tasks``), the app is served over HTTP on a SQLite store with
``MAP_SYNC_DISPATCHER=cloud_tasks``. For each rate, ``--edits`` buyer edits are typed
into the first milestone's Notes and reported through ``POST /hooks/sheet-edit`` at that
rate; then it waits until the store has nothing pending and reports the counts.

Run: .venv/bin/python bench/bench_cloud_tasks.py --edits 20 --rates 1 5 [--coalesce-s 2]

Measured on a 2-core machine (1 s windows), with syncs paced (docs/sync.md, "Pacing":
quiet 1.2 s, at most 40 s): 20 edits at 1/s made 21 tasks (19 more refused as
duplicates) and 1 Sheets read and 1 write; at 5/s, 6 tasks and 1 read and 1 write; settled
1.8-2.0 s after the last edit report (the quiet period, rounded up to the end of the
1 s window the deferred task is named for, and the sync). Before pacing: 20 tasks and
19 reads at 1/s, 5 tasks and 9 reads at 5/s, settled within 0.2-0.3 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import grpc
import requests
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from emulator.http_server import WSGIServer
from emulator.server import EmulatorServer
from service.config import Settings
from service.runtime.cloud_tasks import CloudTasksQueue
from service.web.app import create_app
from service.web.context import EXTENSION

AUDIENCE = "map-addon-bench"
SELLER, BUYER = "sam@vendor.example", "dana@acme.example"
TASKS_ACCOUNT = "map-tasks@map-local.iam.gserviceaccount.com"
NOTES_ROW = 13


def token(url: str, kind: str, email: str) -> str:
    body: dict[str, Any] = {"email": email}
    if kind == "id-token":
        body["audience"] = AUDIENCE
    reply = requests.post(f"{url}/__emulator/oidc/{kind}", json=body, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["id_token" if kind == "id-token" else "access_token"])


def start_tasks_emulator(url: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator.cloud_tasks", "--port", "0", "--oidc-issuer", url],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line.strip().rsplit(" ", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--rates", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--coalesce-s", type=float, default=1.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, EmulatorServer() as emulator:
        process, host = start_tasks_emulator(emulator.url)
        client = tasks_v2.CloudTasksClient(
            transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(host))
        )
        parent = "projects/map-local/locations/us-central1"
        client.create_queue(
            parent=parent,
            queue=tasks_v2.Queue(
                name=f"{parent}/queues/map-sync",
                rate_limits=tasks_v2.RateLimits(
                    max_dispatches_per_second=0.9, max_concurrent_dispatches=5
                ),
                retry_config=tasks_v2.RetryConfig(min_backoff=timedelta(seconds=1)),
            ),
        )
        holder: dict[str, Any] = {}
        server = WSGIServer(("127.0.0.1", 0), lambda e, s: holder["app"](e, s))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        app_url = f"http://127.0.0.1:{server.server_address[1]}"
        settings = Settings(
            data_dir=Path(tmp),
            google_mode="local",
            emulator_url=emulator.url,
            oauth_audiences=[AUDIENCE],
            public_url="http://127.0.0.1:9",
            log_format="none",
            sync_dispatcher="cloud_tasks",
            tasks_emulator_host=host,
            tasks_project="map-local",
            tasks_location="us-central1",
            tasks_target_url=app_url,
            tasks_service_account=TASKS_ACCOUNT,
            tasks_coalesce_s=args.coalesce_s,
        )
        app = holder["app"] = create_app(settings)
        context = app.extensions[EXTENSION]
        queue: CloudTasksQueue = context.syncs
        web = app.test_client()
        seller = {
            "Authorization": f"Bearer {token(emulator.url, 'id-token', SELLER)}",
            "X-Goog-Access-Token": token(emulator.url, "access-token", SELLER),
        }
        buyer_token = token(emulator.url, "access-token", BUYER)
        hook = {"Authorization": f"Bearer {token(emulator.url, 'id-token', SELLER)}"}
        store = context.backend.store
        try:
            for rate in args.rates:
                body = {
                    "template": "simple-close-plan",
                    "account": "Acme",
                    "go_live": "2027-06-30",
                    "buyers": [{"name": "Dana", "email": BUYER}],
                }
                created = web.post("/api/maps", json=body, headers=seller)
                sid = created.get_json()["spreadsheet_id"]
                time.sleep(2 * args.coalesce_s)
                requests.delete(
                    f"{emulator.url}/__emulator/counters",
                    params={"spreadsheet_id": sid},
                    timeout=10,
                )
                made, deduplicated = queue.created, queue.deduplicated
                started = time.perf_counter()
                for i in range(args.edits):
                    if i:
                        time.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
                    started = time.perf_counter()
                    cell = quote(f"Plan!I{NOTES_ROW}")
                    requests.put(
                        f"{emulator.url}/v4/spreadsheets/{sid}/values/{cell}",
                        params={"valueInputOption": "USER_ENTERED"},
                        json={"values": [[f"note {i}"]]},
                        headers={"Authorization": f"Bearer {buyer_token}"},
                        timeout=10,
                    ).raise_for_status()
                    edit = {
                        "spreadsheet_id": sid,
                        "sheet": "Plan",
                        "a1": f"I{NOTES_ROW}",
                        "value": f"note {i}",
                        "user": BUYER,
                        "ts": context.backend.now().isoformat(),
                    }
                    assert web.post("/hooks/sheet-edit", json=edit, headers=hook).status_code == 202
                last = time.perf_counter()
                while True:
                    state = store.sync_state(sid)
                    if state is not None and not state.pending:
                        break
                    time.sleep(0.02)
                lag = time.perf_counter() - last
                counts = requests.get(
                    f"{emulator.url}/__emulator/counters",
                    params={"spreadsheet_id": sid},
                    timeout=10,
                ).json()["counts"]
                print(
                    f"{args.edits} edits at {rate:g}/s: tasks {queue.created - made} "
                    f"(+{queue.deduplicated - deduplicated} deduplicated), "
                    f"Sheets reads {counts.get('sheets.spreadsheets.get', 0)}, "
                    f"writes {counts.get('sheets.spreadsheets.batchUpdate', 0)}, "
                    f"settled {lag:.2f} s after the last edit report",
                    flush=True,
                )
        finally:
            server.shutdown()
            context.close()
            client.transport.close()
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
