"""Two backend instances on Google's machinery: a burst of buyer edits across many MAPs.

Two gunicorn processes on different ports share one PostgreSQL database and one Cloud
Tasks queue (the project's Cloud Tasks emulator, ``python -m emulator.cloud_tasks``);
the Google emulator runs in its own process. Tasks and Drive's push notifications go
to one address in front of both instances (a small round-robin proxy in this process,
standing in for the load balancer, which skips an instance that does not answer), so
work one instance queued can run on the other. Edit reports from the add-on's trigger
(``POST /hooks/sheet-edit``) go straight to the instances, half to each, as a load
balancer would spread them; their latency is the hook's.

Prints: MAPs created, hook requests per second and p50/p99 latency, Sheets reads and
writes the backend made, 429s the emulator refused (with ``--sheets-quota`` it enforces
Google's per-user-per-minute quota at that figure; with the quota budget configured to
fit under it, target 0), the time until every MAP shows the last edit in its sheet and
its store, and whether any edit report was lost or any history entry doubled.
``--kill-one`` kills the second instance (SIGKILL, gunicorn's master and workers) once
its share of the reports is acknowledged, while its syncs are in flight, and reports
how long the first instance takes to finish them.

Run (a few minutes on 2 cores; the issue's figure is --maps 1000 --reports 3):
  TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
  PYTHONPATH=. .venv/bin/python bench/two_instances.py --maps 100 --reports 3 [--kill-one]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import requests
from bench_hooks import (
    BACKEND_METHODS,
    ROOT,
    SELLER,
    buyer_edits,
    check,
    counters,
    create_maps,
    emulator_process,
    fire_hooks,
    gunicorn,
    mint,
    percentile,
    postgres_schema,
    wait_converged,
)
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from service.store import Store

AUDIENCE = "map-addon-bench"
PROJECT, LOCATION, QUEUE = "map-local", "us-central1", "map-sync"
TASKS_ACCOUNT = "map-tasks@map-local.iam.gserviceaccount.com"
LAST_VALUES = ("In progress", "Blocked", "Done")


@contextmanager
def tasks_emulator(google_url: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator.cloud_tasks", "--port", "0", "--oidc-issuer", google_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip().rsplit(" ", 1)[1]
    finally:
        process.terminate()
        process.wait(10)


def create_queue(host: str, rate: float, concurrent: int) -> None:
    client = tasks_v2.CloudTasksClient(
        transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(host))
    )
    parent = f"projects/{PROJECT}/locations/{LOCATION}"
    client.create_queue(
        parent=parent,
        queue=tasks_v2.Queue(
            name=f"{parent}/queues/{QUEUE}",
            rate_limits=tasks_v2.RateLimits(
                max_dispatches_per_second=rate, max_concurrent_dispatches=concurrent
            ),
            retry_config=tasks_v2.RetryConfig(
                min_backoff=timedelta(seconds=1), max_backoff=timedelta(seconds=30)
            ),
        ),
    )


class Balancer:
    """Round robin over the instances that answer; one that refuses the connection is
    skipped (the next one gets the request), as a load balancer's health checks do.
    While ``refusing`` is set, every request is answered 503 and reaches no instance."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.refusing = False
        self._next = 0
        self._lock = threading.Lock()
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if balancer.refusing:
                    self.send_error(503, "refusing")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                for url in balancer.order():
                    host, port = url.removeprefix("http://").split(":")
                    connection = http.client.HTTPConnection(host, int(port), timeout=120)
                    try:
                        connection.request(self.command, self.path, body, headers)
                        answer = connection.getresponse()
                        payload = answer.read()
                    except OSError:
                        continue
                    finally:
                        connection.close()
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in ("connection", "transfer-encoding"):
                            self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_error(503, "no instance answers")

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def order(self) -> list[str]:
        with self._lock:
            self._next += 1
            start = self._next
        return [self.backends[(start + i) % len(self.backends)] for i in range(len(self.backends))]


def kill_instance(workdir: Path) -> list[int]:
    """SIGKILL the gunicorn master whose pid file is in ``workdir`` and its workers;
    returns their pids."""
    master = int((workdir / "gunicorn.pid").read_text())
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    ).stdout.split()
    pids = [master, *map(int, children)]
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def held_by(store: Store, pids: list[int]) -> dict[str, int]:
    """The syncs the killed processes were running: spreadsheet -> the generation its
    lease covered (lease owners are ``host:pid:nonce``)."""
    marks = tuple(f":{pid}:" for pid in pids)
    return {
        s.spreadsheet_id: s.requested
        for s in store.unfinished_syncs()
        if s.lease_owner and any(mark in s.lease_owner for mark in marks)
    }


def wait_finished(store: Store, work: dict[str, int], timeout_s: float) -> float:
    """Seconds until every sync in ``work`` is covered by a finished one; NaN on timeout."""
    started = time.monotonic()
    left = dict(work)
    while time.monotonic() - started < timeout_s:
        for sid, generation in list(left.items()):
            state = store.sync_state(sid)
            if state is not None and state.completed >= generation:
                del left[sid]
        if not left:
            return time.monotonic() - started
        time.sleep(0.2)
    return float("nan")


def doubled_history(store: Store, sids: list[str]) -> int:
    """History entries stored twice for the same change (the same dedupe key)."""
    doubled = 0
    for sid in sids:
        keys = [(e.at, e.milestone_id, e.field, e.old, e.new) for e in store.history(sid)]
        doubled += len(keys) - len(set(keys))
    return doubled


def quota_refused(emulator_url: str) -> int:
    reply = requests.get(f"{emulator_url}/__emulator/quotas", timeout=10).json()
    return int(reply.get("refused", 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=int, default=100)
    parser.add_argument("--reports", type=int, default=3, help="edit reports per MAP")
    parser.add_argument("--clients", type=int, default=16, help="concurrent hook clients")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per instance")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--queue-rate", type=float, default=50.0, help="tasks dispatched/s")
    parser.add_argument("--queue-concurrent", type=int, default=8)
    parser.add_argument(
        "--sheets-quota", type=int, default=0, help="emulator's per-user quota a minute (0: off)"
    )
    parser.add_argument("--kill-one", action="store_true")
    parser.add_argument("--env", action="append", default=[], help="backend setting NAME=VALUE")
    args = parser.parse_args()
    server = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgresql"):
        print("Set TEST_DATABASE_URL to a PostgreSQL server (see the module docstring).")
        return 2

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        emulator_url = stack.enter_context(emulator_process())
        database_url = stack.enter_context(postgres_schema(server))
        host = stack.enter_context(tasks_emulator(emulator_url))
        create_queue(host, args.queue_rate, args.queue_concurrent)
        balancer = Balancer()
        settings = {
            "MAP_SYNC_DISPATCHER": "cloud_tasks",
            "MAP_TASKS_EMULATOR_HOST": host,
            "MAP_TASKS_PROJECT": PROJECT,
            "MAP_TASKS_LOCATION": LOCATION,
            "MAP_TASKS_QUEUE": QUEUE,
            "MAP_TASKS_TARGET_URL": balancer.url,
            "MAP_TASKS_SERVICE_ACCOUNT": TASKS_ACCOUNT,
            "MAP_PUBLIC_URL": balancer.url,  # Drive's pushes reach whichever instance lives
            "MAP_OAUTH_AUDIENCES": f'["{AUDIENCE}"]',
            # With Google's quota enforced, the backend's shared budget sits just under it
            # (as in production: 55 for 60); without, bench_hooks lifts it.
            **(
                {
                    "MAP_SHEETS_READS_PER_MINUTE": str(max(1, args.sheets_quota * 11 // 12)),
                    "MAP_SHEETS_WRITES_PER_MINUTE": str(max(1, args.sheets_quota * 11 // 12)),
                }
                if args.sheets_quota
                else {}
            ),
            **dict(e.split("=", 1) for e in args.env),
        }
        dirs = [tmp / "one", tmp / "two"]
        urls = []
        for workdir in dirs:
            workdir.mkdir()
            extra = {**settings, "GUNICORN_CMD_ARGS": f"--pid {workdir / 'gunicorn.pid'}"}
            urls.append(
                stack.enter_context(
                    gunicorn(database_url, emulator_url, workdir, args.workers, args.threads, extra)
                )
            )
        balancer.backends = list(urls)
        store = stack.enter_context(Store.from_url(database_url))
        print(
            f"2 instances (gunicorn -w {args.workers} --threads {args.threads}) on PostgreSQL, "
            f"Cloud Tasks queue at {args.queue_rate:g}/s x {args.queue_concurrent}; "
            f"Sheets quota {args.sheets_quota or 'off'} a minute; settings {args.env or 'default'}"
        )
        started = time.perf_counter()
        sids = create_maps(balancer.url, emulator_url, args.maps)
        settle = wait_converged(store, sids, None, 900)
        print(
            f"{len(sids)} MAPs created in {time.perf_counter() - started:.1f} s "
            f"(first syncs settled {settle:.1f} s later)"
        )
        id_token = mint(emulator_url, "id-token", email=SELLER, audience=AUDIENCE)
        last = random.Random(0).choice(LAST_VALUES)
        buyer_edits(emulator_url, sids, last)
        if args.sheets_quota:
            # From here on: the MAPs are made and the buyer's edits typed (as the one seller
            # and the one buyer of this bench, whose own quotas would otherwise be the
            # limit); what follows is the backend's.
            requests.put(
                f"{emulator_url}/__emulator/quotas",
                json={"read_per_user": args.sheets_quota, "write_per_user": args.sheets_quota},
                timeout=10,
            ).raise_for_status()
        before = counters(emulator_url)
        refused_before = quota_refused(emulator_url)
        edits = [(sid, last) for sid in sids for _ in range(args.reports)]
        random.Random(1).shuffle(edits)
        halves = [edits[0::2], edits[1::2]]
        results: list[tuple[list[float], float, int]] = [([], 0.0, 0), ([], 0.0, 0)]

        def send(index: int) -> None:
            results[index] = fire_hooks(urls[index], id_token, halves[index], args.clients // 2)

        burst_started = time.monotonic()
        senders = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
        for thread in senders:
            thread.start()
        senders[1].join()
        killed_at = None
        orphaned: dict[str, int] = {}
        taken_over = [float("nan")]
        watcher = None
        if args.kill_one:
            killed = kill_instance(dirs[1])
            balancer.backends = [urls[0]]
            killed_at = time.monotonic()
            orphaned = held_by(store, killed)

            # "Its work": the syncs it was running when it died (their leases expire and
            # instance one takes them over); its queued work is Cloud Tasks', not its own.
            def watch() -> None:
                taken_over[0] = wait_finished(store, orphaned, 600)

            watcher = threading.Thread(target=watch)
            watcher.start()
        senders[0].join()
        converged = wait_converged(store, sids, last, 1800)
        done = time.monotonic()
        if watcher is not None:
            watcher.join()
        after = counters(emulator_url)
        latencies = results[0][0] + results[1][0]
        wall = max(results[0][1], results[1][1])
        failures = results[0][2] + results[1][2]
        reads = after.get(BACKEND_METHODS[0], 0) - before.get(BACKEND_METHODS[0], 0)
        writes = after.get(BACKEND_METHODS[1], 0) - before.get(BACKEND_METHODS[1], 0)
        print(
            f"burst: {len(edits)} edit reports in {wall:.1f} s = {len(edits) / wall:.0f} req/s; "
            f"hook p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms; {failures} failed"
        )
        refused = quota_refused(emulator_url) - refused_before
        # The checks below read every sheet as the buyer: not counted against the backend.
        requests.delete(f"{emulator_url}/__emulator/quotas", timeout=10).raise_for_status()
        print(
            f"Sheets reads {reads}, writes {writes} for {len(sids)} MAPs; "
            f"429s refused by the emulator's quota: {refused}"
        )
        print(f"every MAP shows the last edit {converged:.1f} s after the burst's last report")
        if killed_at is not None:
            print(
                f"instance two killed {killed_at - burst_started:.1f} s into the burst, "
                f"running {len(orphaned)} syncs; instance one finished them "
                f"{taken_over[0]:.1f} s later, and everything {done - killed_at:.1f} s later"
            )
        problems = check(store, emulator_url, sids, last, len(edits) - failures)
        doubled = doubled_history(store, sids)
        print(f"history entries doubled: {doubled}")
        if problems or doubled:
            print(f"NOT CONVERGED: {len(problems)} problems")
            for problem in problems[:20]:
                print(f"  {problem}")
            return 1
        print(f"every MAP converged to {last!r}; all {len(edits) - failures} reports stored")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
