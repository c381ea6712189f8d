"""CPU per edit report on ``POST /hooks/sheet-edit``: the gunicorn worker's own CPU, and
that of the PostgreSQL backends serving it, per request, with nothing else running in
the worker.

One gunicorn instance (1 worker, gthread) on PostgreSQL and the Cloud Tasks queue of
the project's emulator, set up as in ``two_instances.py``. The queue's tasks reach the
instance through the benches' balancer (balancer.py, on a thread here): it forwards them
while the MAPs are made and their syncs settle, and refuses them (503: Cloud Tasks keeps
each task and retries it later) during a measured burst, so that the worker's CPU in the
burst is the hooks' alone
(auth, org check, the store's transaction, the create_task calls that a MAP's first
report of a burst makes). Each round: the tasks flow again and every MAP converges, then a
burst of ``--reports`` reports per MAP, interleaved, from ``--clients`` keep-alive
clients; CPU is read from /proc before and after the burst (the worker's utime+stime,
and every PostgreSQL backend whose ``application_name`` is this run's).

Prints per round: reports, req/s, p50/p99 (ms), worker CPU ms per report, PostgreSQL CPU
ms per report; then the median of the rounds. CPU figures hold on a loaded machine
better than latencies do; compare runs in alternation all the same.
``--py-spy FILE`` records the worker during the measured bursts (py-spy must be
installed in the venv; ``--py-spy-format raw`` for collapsed stacks).

Run: TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
     PYTHONPATH=. .venv/bin/python bench/hook_cpu.py --maps 300 --reports 3 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from balancer import Balancer
from bench_hooks import (
    SELLER,
    buyer_edits,
    create_maps,
    emulator_process,
    fire_hooks,
    gunicorn,
    mint,
    percentile,
    postgres_schema,
    wait_converged,
)
from sqlalchemy import create_engine, make_url, text
from two_instances import (
    AUDIENCE,
    LOCATION,
    PROJECT,
    QUEUE,
    TASKS_ACCOUNT,
    create_queue,
)
from two_instances import tasks_emulator as tasks_emulator_process

from service.store import Store

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")
VALUES = ("In progress", "Blocked", "Done", "Not started")


def cpu_s(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * TICK_S


def worker_pid(workdir: Path) -> int:
    master = (workdir / "gunicorn.pid").read_text().strip()
    children = subprocess.run(
        ["pgrep", "-P", master], capture_output=True, text=True, check=True
    ).stdout.split()
    if len(children) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def backend_pids(admin: Any, application: str) -> set[int]:
    with admin.connect() as connection:
        rows = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
            {"name": application},
        )
        return {int(pid) for (pid,) in rows}


@contextmanager
def py_spy(pid: int, output: str, fmt: str) -> Iterator[None]:
    """py-spy recording ``pid`` for the duration of the block (nothing without a file)."""
    if not output:
        yield
        return
    spy = Path(sys.executable).with_name("py-spy")
    process = subprocess.Popen(
        [str(spy), "record", "--pid", str(pid), "--output", output, "--format", fmt,
         "--rate", "250", "--threads", "--gil", "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=int, default=300)
    parser.add_argument("--reports", type=int, default=3, help="edit reports per MAP per burst")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8, help="concurrent hook clients")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads")
    parser.add_argument("--py-spy", default="", help="record the worker's bursts to this file")
    parser.add_argument("--py-spy-format", default="flamegraph")
    parser.add_argument("--env", action="append", default=[], help="backend setting NAME=VALUE")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    server = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgresql"):
        print("Set TEST_DATABASE_URL to a PostgreSQL server (see the module docstring).")
        return 2
    application = f"hook-cpu-{uuid.uuid4().hex[:8]}"

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        emulator_url = stack.enter_context(emulator_process())
        database_url = stack.enter_context(postgres_schema(server))
        database_url = (
            make_url(database_url)
            .update_query_dict({"application_name": application})
            .render_as_string(hide_password=False)
        )
        host = stack.enter_context(tasks_emulator_process(emulator_url))
        create_queue(host, 50.0, 8)
        gate = Balancer().serve_in_background()  # refusing during a measured burst
        settings = {
            "MAP_SYNC_DISPATCHER": "cloud_tasks",
            "MAP_TASKS_EMULATOR_HOST": host,
            "MAP_TASKS_PROJECT": PROJECT,
            "MAP_TASKS_LOCATION": LOCATION,
            "MAP_TASKS_QUEUE": QUEUE,
            "MAP_TASKS_TARGET_URL": gate.url,
            "MAP_TASKS_SERVICE_ACCOUNT": TASKS_ACCOUNT,
            "MAP_OAUTH_AUDIENCES": f'["{AUDIENCE}"]',
            "GUNICORN_CMD_ARGS": f"--pid {workdir / 'gunicorn.pid'}",
            **dict(e.split("=", 1) for e in args.env),
        }
        url = stack.enter_context(
            gunicorn(database_url, emulator_url, workdir, 1, args.threads, settings)
        )
        gate.backends = [url]
        worker = worker_pid(workdir)
        store = stack.enter_context(Store.from_url(database_url))
        admin = create_engine(make_url(server))
        stack.callback(admin.dispose)
        sids = create_maps(url, emulator_url, args.maps)
        wait_converged(store, sids, None, 900)
        token = mint(emulator_url, "id-token", email=SELLER, audience=AUDIENCE)
        print(
            f"1 instance (gunicorn -w 1 --threads {args.threads}) on PostgreSQL, Cloud Tasks "
            f"(shut during bursts); {len(sids)} MAPs, {args.clients} clients; "
            f"settings {args.env or 'default'}"
        )
        print(f"{'round':>5} {'reports':>7} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'worker CPU ms/req':>17} {'PostgreSQL CPU ms/req':>21}")  # fmt: skip
        worker_ms: list[float] = []
        postgres_ms: list[float] = []
        for round_ in range(args.rounds + 1):  # round 0 warms up: not counted
            value = VALUES[round_ % len(VALUES)]
            gate.refusing = False
            if round_:  # the last burst's syncs run and settle first
                wait_converged(store, sids, VALUES[(round_ - 1) % len(VALUES)], 900)
            buyer_edits(emulator_url, sids, value)
            edits = [(sid, value) for sid in sids for _ in range(args.reports)]
            random.Random(round_).shuffle(edits)
            gate.refusing = True
            backends = backend_pids(admin, application)
            worker_before = cpu_s(worker)
            postgres_before = {pid: cpu_s(pid) for pid in backends}
            spied = f"{args.py_spy}.{round_}" if args.py_spy and round_ else ""
            with py_spy(worker, spied, args.py_spy_format):
                latencies, wall, failures = fire_hooks(url, token, edits, args.clients)
            worker_used = cpu_s(worker) - worker_before
            backends |= backend_pids(admin, application)
            postgres_used = sum(cpu_s(pid) - postgres_before.get(pid, 0.0) for pid in backends)
            if failures:
                print(f"{failures} reports failed")
                return 1
            if not round_:
                continue
            worker_ms.append(worker_used / len(edits) * 1000)
            postgres_ms.append(postgres_used / len(edits) * 1000)
            print(
                f"{round_:>5} {len(edits):>7} {len(edits) / wall:>6.0f} "
                f"{percentile(latencies, 0.5) * 1000:>7.1f} "
                f"{percentile(latencies, 0.99) * 1000:>7.1f} "
                f"{worker_ms[-1]:>17.2f} {postgres_ms[-1]:>21.2f}"
            )
        gate.refusing = False
        print(
            f"median: worker {statistics.median(worker_ms):.2f} ms CPU per report, "
            f"PostgreSQL {statistics.median(postgres_ms):.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
