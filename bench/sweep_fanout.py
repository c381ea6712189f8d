"""The hourly sweep's cron request fanned out on Cloud Tasks: how long the request takes
for N MAPs when it only decides and enqueues (one named task per MAP), against the
serial sweep that ran every MAP inside the request.

The Google emulator runs in this process (it only mints the queue's tokens), the Cloud
Tasks emulator in its own (``python -m emulator.cloud_tasks``), the app on a SQLite
store (or ``--database-url``) with ``MAP_SYNC_DISPATCHER=cloud_tasks``. N MAPs are
registered in the store, never synced, so every one is due; the queue is paused, so the
figure is the request alone, not the tasks' work. The request is made twice: the second,
in the same hour, finds every task made already (ALREADY_EXISTS) and makes none.

Run: .venv/bin/python bench/sweep_fanout.py --maps 500

Measured on a 2-core machine shared with other work (SQLite, three runs): 500 MAPs,
0.50-0.60 s for the first request, 0.51-0.68 s for the second; 1,000 MAPs, 1.17 s and
0.88 s. The serial sweep's figure (42.5 s for 500 MAPs, every MAP synced or recomputed
inside the request) was measured before the fan-out (issue 15); it is printed for
comparison, not measured here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import grpc
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from emulator.server import EmulatorServer
from service.config import Settings
from service.web.app import create_app
from service.web.context import EXTENSION

SERIAL_SWEEP_500_S = 42.5
PARENT = "projects/map-local/locations/us-central1"
CRON = {"X-Appengine-Cron": "true"}


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
    parser.add_argument("--maps", type=int, default=500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, EmulatorServer() as emulator:
        process, host = start_tasks_emulator(emulator.url)
        client = tasks_v2.CloudTasksClient(
            transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(host))
        )
        for name in ("map-sync", "map-background"):
            client.create_queue(parent=PARENT, queue=tasks_v2.Queue(name=f"{PARENT}/queues/{name}"))
        client.pause_queue(name=f"{PARENT}/queues/map-background")
        settings = Settings(
            data_dir=Path(tmp),
            database_url=args.database_url,
            google_mode="local",
            emulator_url=emulator.url,
            public_url="http://127.0.0.1:9",
            trust_cron_header=True,
            log_format="none",
            resume_syncs_at_start=False,
            sync_dispatcher="cloud_tasks",
            tasks_emulator_host=host,
            tasks_project="map-local",
            tasks_location="us-central1",
            tasks_background_queue="map-background",
            tasks_service_account="map-tasks@map-local.iam.gserviceaccount.com",
        )
        app = create_app(settings)
        context = app.extensions[EXTENSION]
        store = context.backend.store
        today = date.today()
        for n in range(args.maps):
            store.register_map(
                spreadsheet_id=f"bench-sweep-{n:05d}",
                org="vendor.example",
                seller_email="sam@vendor.example",
                account=f"Account {n}",
                template="simple-close-plan",
                committed_go_live=today + timedelta(days=120),
                created_on=today,
            )
        web = app.test_client()
        try:
            for label in ("first request", "same hour again"):
                started = time.perf_counter()
                response = web.post("/tasks/sweep", headers=CRON)
                took = time.perf_counter() - started
                assert response.status_code == 200, response.get_data(as_text=True)
                counts = response.get_json()
                print(
                    f"sweep cron request, {args.maps} MAPs, fanned out ({label}): "
                    f"{took:.2f} s; tasks made {counts['queued']}, already queued "
                    f"{counts['already_queued']}, failed {len(counts['failed'])}",
                    flush=True,
                )
            listed = sum(1 for _ in client.list_tasks(parent=f"{PARENT}/queues/map-background"))
            print(f"tasks in the background queue: {listed}")
            print(
                f"serial sweep inside the cron request (before the fan-out, 500 MAPs): "
                f"{SERIAL_SWEEP_500_S:.1f} s"
            )
        finally:
            context.close()
            client.transport.close()
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
