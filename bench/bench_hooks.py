"""Load on the edit hook: gunicorn (2 workers, 4 threads) on PostgreSQL, the emulator in
its own process, MAPs created through the API, then bursts of buyer edits, each edit
reported through ``POST /hooks/sheet-edit`` as the add-on's trigger would.

Prints, per burst and overall: hook requests per second, p50/p99/max acknowledgement
latency, syncs (sheet reads) and Google API calls per burst (the emulator's counters),
then checks that every MAP converged (its sheet and the store show the last edit, no
sync is pending) and that no edit report was lost (each one is in the store).

Every request goes to 127.0.0.1 only; the run is bounded in count and time.

The emulator runs niced: it stands in for Google, whose servers do not share our CPU.

Run: TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
     .venv/bin/python bench/bench_hooks.py --maps 200 --rounds 3 --clients 16 \\
     --env MAP_SYNC_PROCESSES=1
(``--rate 300`` sends at a fixed rate instead of as fast as 16 clients can;
``--workers``/``--threads`` size gunicorn; ``--env`` passes backend settings.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from sqlalchemy import create_engine, make_url, text

from service.store import Store

ROOT = Path(__file__).resolve().parents[1]
AUDIENCE = "map-addon-bench"
SELLER, BUYER = "sam@vendor.example", "dana@acme.example"
STATUS_CELL = "G13"  # first milestone's Status (service/sheets/layout.py)
HEALTH_CELL = "L13"
ROUND_VALUES = ["In progress", "Blocked", "Done", "Not started"]
BACKEND_METHODS = ("sheets.spreadsheets.get", "sheets.spreadsheets.batchUpdate")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def emulator_process() -> Iterator[str]:
    # Niced: it stands in for Google, whose servers do not share the backend's CPU.
    process = subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "-m", "service", "emulator", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = next(word for word in line.split() if word.startswith("http"))
        yield url.rstrip(".")
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A fresh schema on the server, dropped afterwards (as the tests do it)."""
    server = make_url(server_url)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = f"{server.query.get('options', '')} -csearch_path={schema}".strip()
        yield server.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def gunicorn(
    database_url: str,
    emulator_url: str,
    workdir: Path,
    workers: int,
    threads: int,
    extra: dict[str, str],
) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MAP_")},
        "DATABASE_URL": database_url,
        "MAP_DATA_DIR": str(workdir),
        "MAP_GOOGLE_MODE": "local",
        "MAP_EMULATOR_URL": emulator_url,
        "MAP_OAUTH_AUDIENCES": f'["{AUDIENCE}"]',
        "MAP_PUBLIC_URL": url,
        "MAP_LOG_LEVEL": "WARNING",
        # The emulator enforces no Sheets quota here, so neither does the backend's
        # budget: the figures are the machine's (pass --env to measure with a budget).
        "MAP_SHEETS_READS_PER_MINUTE": "100000",
        "MAP_SHEETS_WRITES_PER_MINUTE": "100000",
        **extra,
    }
    log = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "-c", "python:service.web.gunicorn_config",
            "-b", f"127.0.0.1:{port}", "-w", str(workers),
            "--threads", str(threads), "--backlog", "512", "service.web.app:create_app()",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def mint(emulator_url: str, kind: str, **body: Any) -> str:
    response = requests.post(f"{emulator_url}/__emulator/oidc/{kind}", json=body, timeout=10)
    response.raise_for_status()
    token: str = response.json()["id_token" if kind == "id-token" else "access_token"]
    return token


def counters(emulator_url: str) -> dict[str, int]:
    rows = requests.get(f"{emulator_url}/__emulator/counters", timeout=30).json()["counters"]
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["method"]] = totals.get(row["method"], 0) + row["count"]
    return totals


def create_maps(url: str, emulator_url: str, count: int) -> list[str]:
    headers = {
        "Authorization": "Bearer "
        + mint(emulator_url, "id-token", email=SELLER, audience=AUDIENCE),
        "X-Goog-Access-Token": mint(emulator_url, "access-token", email=SELLER),
    }
    go_live = (datetime.now(UTC) + timedelta(days=150)).date().isoformat()

    def create(n: int) -> str:
        body = {
            "template": "simple-close-plan",
            "account": f"Account {n:03d}",
            "outcome": "Faster onboarding",
            "go_live": go_live,
            "buyers": [{"name": "Dana Lee", "email": BUYER}],
            "seller_owner": f"Sam Seller <{SELLER}>",
        }
        with requests.Session() as session:
            response = session.post(f"{url}/api/maps", json=body, headers=headers, timeout=120)
        response.raise_for_status()
        sid: str = response.json()["spreadsheet_id"]
        return sid

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(create, range(count)))


def buyer_edits(emulator_url: str, sids: list[str], value: str) -> None:
    token = mint(emulator_url, "access-token", email=BUYER)
    cell = quote(f"Plan!{STATUS_CELL}")
    local = threading.local()

    def edit(sid: str) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        response = session.put(
            f"{emulator_url}/v4/spreadsheets/{sid}/values/{cell}",
            params={"valueInputOption": "USER_ENTERED"},
            json={"values": [[value]]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        response.raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(edit, sids))


def fire_hooks(
    url: str, id_token: str, edits: list[tuple[str, str]], clients: int, rate: float = 0.0
) -> tuple[list[float], float, int]:
    """Post each (spreadsheet, value) edit report from ``clients`` keep-alive connections
    (http.client: a light client, so the load generator leaves the CPU to the server);
    latencies (s), wall time, failures.

    ``rate`` > 0: reports are due at that many per second, as independent triggers
    would send them, and each latency counts from when its report was due (so a late
    client does not hide a slow server); 0: each client sends as fast as it can."""
    work: queue.Queue[tuple[str, str, float]] = queue.Queue()
    begin = time.perf_counter() + 0.2
    for n, (sid, value) in enumerate(edits):
        work.put((sid, value, begin + n / rate if rate > 0 else 0.0))
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    host, port = url.removeprefix("http://").split(":")
    headers = {"Authorization": f"Bearer {id_token}", "Content-Type": "application/json"}

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            while True:
                try:
                    sid, value, due = work.get_nowait()
                except queue.Empty:
                    return
                if due:
                    time.sleep(max(0.0, due - time.perf_counter()))
                body = json.dumps(
                    {
                        "spreadsheet_id": sid,
                        "sheet": "Plan",
                        "a1": STATUS_CELL,
                        "value": value,
                        "user": BUYER,
                        "ts": datetime.now(UTC).isoformat(),
                    }
                )
                started = due or time.perf_counter()
                try:
                    connection.request("POST", "/hooks/sheet-edit", body, headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 202
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(host, int(port), timeout=30)
                    ok = False
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    failures[0] += 0 if ok else 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    if rate <= 0:
        begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - begin, failures[0]


def wait_converged(store: Store, sids: list[str], last: str | None, timeout_s: float) -> float:
    """Seconds until no sync is pending and (when ``last`` is given) every MAP's history
    ends with the edit ``last``; NaN on timeout."""
    started = time.monotonic()
    shown = started
    while time.monotonic() - started < timeout_s:
        pending = store.pending_syncs(datetime.now(UTC) + timedelta(days=1))
        if time.monotonic() - shown >= 5:
            shown = time.monotonic()
            print(f"  {shown - started:.0f} s: {len(pending)} MAPs pending", file=sys.stderr)
        # The histories are read only once nothing is pending (reading every MAP's on
        # each look would load the machine being measured).
        if not pending and (last is None or all(_last_status(store, sid) == last for sid in sids)):
            return time.monotonic() - started
        time.sleep(0.5)
    return float("nan")


def _last_status(store: Store, sid: str) -> str | None:
    statuses = [e.new for e in store.history(sid) if e.field == "status"]
    return statuses[-1] if statuses else None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check(store: Store, emulator_url: str, sids: list[str], last: str, reported: int) -> list[str]:
    """Problems found: a MAP whose sheet or store does not show the last edit, a pending
    sync, an edit report the store does not have."""
    problems: list[str] = []
    token = mint(emulator_url, "access-token", email=BUYER)
    expected_health = {"Done": "Done", "Blocked": "Blocked"}.get(last)
    stored_reports = 0
    since = datetime.now(UTC) - timedelta(hours=6)
    with requests.Session() as session:
        for sid in sids:
            state = store.sync_state(sid)
            if state is not None and state.pending:
                problems.append(f"{sid}: sync still pending ({state.last_error})")
            cells = session.get(
                f"{emulator_url}/v4/spreadsheets/{sid}/values/{quote(f'Plan!{STATUS_CELL}:{HEALTH_CELL}')}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()["values"][0]
            if cells[0] != last:
                problems.append(f"{sid}: sheet status {cells[0]!r}, expected {last!r}")
            if expected_health and cells[-1] != expected_health:
                problems.append(f"{sid}: health {cells[-1]!r} not recomputed for {last!r}")
            statuses = [e.new for e in store.history(sid) if e.field == "status"]
            if not statuses or statuses[-1] != last:
                problems.append(f"{sid}: history ends with {statuses[-1:]} not {last!r}")
            stored_reports += len(store.edit_events_since(sid, since))
    if stored_reports != reported:
        problems.append(f"{reported} edit reports sent, {stored_reports} stored")
    return problems


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwind the with-blocks: stop gunicorn and the emulator


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="bursts of edits")
    parser.add_argument("--reports", type=int, default=3, help="edit reports per MAP per burst")
    parser.add_argument("--clients", type=int, default=16, help="concurrent hook clients")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="reports per second (0: as fast as possible)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--env", action="append", default=[], help="extra MAP_ setting for the backend: NAME=VALUE"
    )
    args = parser.parse_args()
    server = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgresql"):
        print("Set TEST_DATABASE_URL to a PostgreSQL server (see the module docstring).")
        return 2

    with (
        tempfile.TemporaryDirectory() as tmp,
        emulator_process() as emulator_url,
        postgres_schema(server) as database_url,
        gunicorn(
            database_url,
            emulator_url,
            Path(tmp),
            args.workers,
            args.threads,
            dict(e.split("=", 1) for e in args.env),
        ) as url,
        Store.from_url(database_url) as store,
    ):
        print(
            f"gunicorn -w {args.workers} --threads {args.threads} on PostgreSQL; "
            f"emulator at {emulator_url}; backend settings {args.env or 'default'}"
        )
        started = time.perf_counter()
        sids = create_maps(url, emulator_url, args.maps)
        settle = wait_converged(store, sids, None, 300)
        print(f"{len(sids)} MAPs created in {time.perf_counter() - started:.1f} s "
              f"(first syncs settled {settle:.1f} s later)")  # fmt: skip
        id_token = mint(emulator_url, "id-token", email=SELLER, audience=AUDIENCE)
        all_latencies: list[float] = []
        total_hooks = total_wall = 0.0
        last = ""
        # Warm-up, not counted: every worker imports, connects and verifies a token once.
        buyer_edits(emulator_url, sids, "Blocked")
        _, _, warm_failures = fire_hooks(
            url, id_token, [(sid, "Blocked") for sid in sids], args.clients, 0.0
        )
        wait_converged(store, sids, "Blocked", 600)
        reported = len(sids) - warm_failures  # the warm-up's reports are checked too
        print(f"warm-up: {len(sids)} edit reports, not counted")
        print(
            f"{'burst':>5} {'hooks':>6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
            f"{'fail':>4} {'syncs':>6} {'API':>6} {'converged s':>11}"
        )
        for burst in range(args.rounds):
            last = ROUND_VALUES[burst % len(ROUND_VALUES)]
            buyer_edits(emulator_url, sids, last)
            before = counters(emulator_url)
            # Interleaved, as edits from many buyers arrive: one MAP's reports are spread
            # over the burst rather than sent side by side (seeded, so runs repeat).
            edits = [(sid, last) for sid in sids for _ in range(args.reports)]
            random.Random(burst).shuffle(edits)
            latencies, wall, failures = fire_hooks(url, id_token, edits, args.clients, args.rate)
            converged = wait_converged(store, sids, last, 600)
            after = counters(emulator_url)
            syncs = after.get(BACKEND_METHODS[0], 0) - before.get(BACKEND_METHODS[0], 0)
            api = sum(
                n - before.get(m, 0)
                for m, n in after.items()
                if m.startswith(("sheets.spreadsheets.get", "sheets.spreadsheets.batchUpdate",
                                 "drive."))
            )  # fmt: skip
            reported += len(edits) - failures
            all_latencies += latencies
            total_hooks += len(edits)
            total_wall += wall
            print(
                f"{burst + 1:>5} {len(edits):>6} {len(edits) / wall:>7.0f} "
                f"{percentile(latencies, 0.5) * 1000:>7.1f} "
                f"{percentile(latencies, 0.99) * 1000:>7.1f} {max(latencies) * 1000:>7.1f} "
                f"{failures:>4} {syncs:>6} {api:>6} {converged:>11.1f}"
            )
        print(
            f"overall: {total_hooks / total_wall:.0f} hook requests/s, "
            f"p50 {percentile(all_latencies, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(all_latencies, 0.99) * 1000:.1f} ms, "
            f"mean {statistics.fmean(all_latencies) * 1000:.1f} ms"
        )
        problems = check(store, emulator_url, sids, last, reported)
        if problems:
            print(f"NOT CONVERGED: {len(problems)} problems")
            for problem in problems[:20]:
                print(f"  {problem}")
            return 1
        print(f"every MAP converged to {last!r}; all {reported} edit reports are in the store")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
