"""The MAP lifecycle's cost: API calls and CPU time, against the emulator.

Prints:
- API calls for provisioning, a sync after an edit, a no-op sync, and a burst of 100
  buyer edits each followed by its notification;
- CPU time of this process per sync (the emulator runs in its own process, so only the
  backend's work is counted) at 15 / 100 / 500 / 2,000 milestones (``--sizes``), with the
  store transactions and statements each sync makes (read-only and writing ones, counted
  by SQLAlchemy event listeners on the store's engine);
- a baseline: the same sync written as a typical script does it (gspread, reading the
  sheet and writing each changed cell with its own update call), and the ratio of API
  calls and of wall time against the backend's sync.

Run: PYTHONPATH=. .venv/bin/python bench/bench_sync.py [--sizes 15,100,500,2000]
[--skip-calls] [--stages] [--notifications] [--edit notes|due] [--database-url URL]
[--history N,...] [--profile N].
``--edit due``: each timed sync follows a new pin date instead of a note (a scheduling
field: the forecast is worked out again, not kept from the sync before);
``--notifications``: also the CPU of an edit's whole notification, lease included;
``--stages``: the CPU of each step of a sync; ``--history 0,1000``: a sync of a
15-milestone MAP whose History tab holds that many rows, and the read's reply size;
``--profile 500``: cProfile of one sync of a 500-milestone plan (CPU time, the top 40
functions by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import gspread
import requests

from service.domain.compute import compute
from service.domain.model import Category, Side
from service.runtime.start_up import settle
from service.services.backend import Backend
from service.services.coalesce import sync_coalesced
from service.services.provision import Contact, MapRequest, provision_map
from service.services.sync import SyncDeps, sync_map
from service.sheets import (
    GoogleMapSheets,
    PerThreadGateways,
    build_gateway,
    service_account_credentials,
    user_credentials,
)
from service.sheets.cell_values import date_to_serial, read_date
from service.sheets.requests import append_text_rows
from service.store import Store, migrate
from service.store.counting import StoreCounts, count_store
from service.templates import Template, TemplateMilestone

SERVICE_ACCOUNT = "map-backend@map-local.iam.gserviceaccount.com"
SELLER, BUYER = "sam@vendor.example", "dana@acme.example"
GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@contextmanager
def emulator_process() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "emulator", "--port", "0"],
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


class Harness:
    def __init__(self, url: str, store: Store) -> None:
        self.url = url
        self.session = requests.Session()
        key = self.session.post(
            f"{url}/__emulator/oidc/service-account", json={"email": SERVICE_ACCOUNT}
        ).json()
        credentials = service_account_credentials(key_info=key)
        self.gateways = PerThreadGateways(lambda: build_gateway(credentials, api_root=url))
        self.backend = Backend(
            store=store,
            sheets=lambda: GoogleMapSheets(self.gateways()),
            seller_sheets=lambda token: GoogleMapSheets(
                build_gateway(user_credentials(token), api_root=url)
            ),
            service_account_email=SERVICE_ACCOUNT,
            now=lambda: NOW,
        )
        self.buyer_token = self.token(BUYER)

    def token(self, email: str) -> str:
        reply = self.session.post(f"{self.url}/__emulator/oidc/access-token", json={"email": email})
        return str(reply.json()["access_token"])

    def calls(self, spreadsheet_id: str) -> dict[str, int]:
        body = self.session.get(
            f"{self.url}/__emulator/counters", params={"spreadsheet_id": spreadsheet_id}
        ).json()
        return dict(body.get("counts", {}))

    def all_calls(self) -> dict[str, int]:
        """Every call since the last reset, by method (a create has no spreadsheet id yet)."""
        body = self.session.get(f"{self.url}/__emulator/counters").json()
        totals: dict[str, int] = {}
        for row in body.get("counters", []):
            totals[row["method"]] = totals.get(row["method"], 0) + int(row["count"])
        return totals

    def reset(self) -> None:
        self.session.delete(f"{self.url}/__emulator/counters")

    def edit(self, spreadsheet_id: str, a1: str, value: str) -> None:
        self.session.put(
            f"{self.url}/v4/spreadsheets/{spreadsheet_id}/values/{a1}",
            params={"valueInputOption": "USER_ENTERED"},
            json={"values": [[value]]},
            headers={"Authorization": f"Bearer {self.buyer_token}"},
        ).raise_for_status()

    def provision(self, template: Template | None = None, name: str = "enterprise") -> str:
        request = MapRequest(
            template=name,
            account="Acme Corp",
            outcome="Cut new-hire ramp time by half",
            go_live=date(2027, 6, 30) if template is None else date(2029, 12, 31),
            buyers=(Contact("Dana Lee", BUYER),),
            seller_owner=f"Sam Seller <{SELLER}>",
            seller_email=SELLER,
            org="vendor.example",
        )
        return provision_map(
            self.backend, request, self.token(SELLER), template=template
        ).spreadsheet_id


def big_template(size: int) -> Template:
    steps = [
        TemplateMilestone(
            key=f"s{i}",
            title=f"Step {i}",
            side=Side.BUYER if i % 2 else Side.SELLER,
            owner_role="Project lead",
            category=Category.IMPLEMENTATION,
            lead_bd=2,
            deliverable=f"Deliverable {i}",
        )
        for i in range(size)
    ]
    return Template(name="bench", title="Bench", description="A long plan.", milestones=steps)


def plus(calls: dict[str, int]) -> str:
    sheets = sum(v for k, v in calls.items() if k.startswith("sheets."))
    drive = sum(v for k, v in calls.items() if k.startswith("drive."))
    return f"{sheets} Sheets + {drive} Drive  {dict(sorted(calls.items()))}"


def edited_cell(edit: str, i: int, rows: int) -> tuple[str, str]:
    """The cell and value of the ``i``-th one-cell edit: a note (``notes``: the forecast is
    kept from the sync before), or a pin date never set before (``due``: a scheduling
    field, so the forecast is worked out again)."""
    row = 13 + (i % rows)
    if edit == "due":
        return f"Plan!F{row}", (date(2027, 1, 4) + timedelta(days=i)).isoformat()
    return f"Plan!I{row}", f"note {i} {time.perf_counter_ns()}"


def cpu_per_sync(
    h: Harness,
    spreadsheet_id: str,
    rows: int,
    runs: int,
    *,
    notification: bool = False,
    edit: str = "notes",
) -> tuple[float, float, StoreCounts]:
    """Median CPU and wall ms of a sync that follows a one-cell edit (:func:`edited_cell`),
    and the store transactions and statements of the last one. ``notification``: the
    whole of the edit's notification instead (``sync_coalesced``: recorded, the lease
    taken, the sync and its record with the release), as a Drive push or the add-on's
    trigger runs it."""
    cpu, wall = [], []
    for i in range(runs + 1):
        h.edit(spreadsheet_id, *edited_cell(edit, i, rows))
        # The store's statements are counted on one more run, not timed: the counting
        # listeners would be part of what is timed.
        counting = count_store(h.backend.store) if i == runs else nullcontext(None)
        with h.backend.sheets() as sheets, counting as counted:
            deps = SyncDeps(h.backend.store, sheets, h.backend.now)
            c0, w0 = time.process_time(), time.perf_counter()
            if notification:
                sync_coalesced(h.backend, spreadsheet_id, if_changed=True)
            else:
                sync_map(deps, spreadsheet_id)
            if counted is not None:
                counts = counted
                break
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(cpu), statistics.median(wall), counts


def stage_split(h: Harness, spreadsheet_id: str, rows: int, runs: int) -> dict[str, float]:
    """Median CPU ms of each step of a sync (``sync.py``'s six calls, the Drive version
    checks, and the ``batchUpdate`` with its state), timed by
    wrapping those functions for the duration of the runs."""
    from service.services import sync as steps
    from service.services import versions

    samples: dict[str, list[float]] = {}
    originals: dict[tuple[Any, str], Any] = {}

    def timed(owner: Any, name: str, label: str) -> None:
        function = getattr(owner, name)
        originals[(owner, name)] = function

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                samples.setdefault(label, []).append((time.process_time() - start) * 1000)

        setattr(owner, name, wrapper)

    for name in ("load_inputs", "read", "diff", "recompute", "write", "save"):
        timed(steps, name, name)
    timed(steps, "write_guarded", "  write: batchUpdate")
    timed(versions, "drive_file", "drive version before")
    timed(versions, "after_own_write", "drive version after")
    try:
        cpu_per_sync(h, spreadsheet_id, rows, runs)
    finally:
        for (owner, name), function in originals.items():
            setattr(owner, name, function)
    return {label: statistics.median(values) for label, values in samples.items()}


def profile_sync(h: Harness, spreadsheet_id: str, rows: int, sort: str) -> None:
    """cProfile of 20 syncs, each after a one-cell edit, in this process, once 5 syncs
    have warmed the caches a long-lived process has warm (compiled statements, the
    held state, kept connections)."""
    cpu_per_sync(h, spreadsheet_id, rows, 5)
    profiler = cProfile.Profile(time.process_time)
    for i in range(20):
        h.edit(spreadsheet_id, *edited_cell("notes", i, rows))
        with h.backend.sheets() as sheets:
            deps = SyncDeps(h.backend.store, sheets, h.backend.now)
            profiler.enable()
            sync_map(deps, spreadsheet_id)
            profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(60)


def sync_logic_cpu(h: Harness, spreadsheet_id: str, runs: int) -> float:
    """Median CPU ms of the sync's own work on one read: parse the sheet, identify rows,
    diff, compute (the forecast worked out afresh each time, not kept), prepare the write
    (no network, no store)."""
    from service.domain.forecast_memo import forget
    from service.domain.history import diff_plans
    from service.services.sync import engine_plan, load, sheet_update
    from service.sheets.reading import reading_of

    record, state = load(h.backend.store, spreadsheet_id)
    gateway = h.gateways()
    grid = gateway.read_map(spreadsheet_id)
    sheets = GoogleMapSheets(gateway)
    times = []
    for _ in range(runs):
        forget()
        start = time.process_time()
        reading = reading_of(grid, NOW)
        seen = reading.to_plan(state.plan, next_id=state.next_id, reason=state.reason)
        diff_plans(state.plan, seen.plan)
        plan = engine_plan(record, state, seen.plan)
        computed = compute(plan, reading.today)
        sheets.prepare_write(seen.layout, sheet_update(plan, computed, record))
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def gspread_baseline(h: Harness, spreadsheet_id: str) -> tuple[int, float]:
    """A script's sync: read the Plan with gspread, compute, update each changed cell."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {h.token(SERVICE_ACCOUNT)}"
    original = session.request

    def to_emulator(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        for host in GOOGLE_HOSTS:
            if url.startswith(host):
                url = h.url + url[len(host) :]
        return original(method, url, *args, **kwargs)

    session.request = to_emulator  # type: ignore[method-assign]
    client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
    h.reset()
    start = time.perf_counter()
    sheet = client.open_by_key(spreadsheet_id).worksheet("Plan")
    values = sheet.get_all_values(value_render_option="UNFORMATTED_VALUE")
    snapshot = h.backend.store.latest_snapshot(spreadsheet_id)
    assert snapshot is not None
    from service.services.map_state import MapState

    plan = MapState.from_snapshot(snapshot).plan
    go_live = read_date(values[3][2], today=NOW.date())
    assert go_live is not None
    from dataclasses import replace

    computed = compute(replace(plan, go_live=go_live), NOW.date())
    by_id = {m.id: m for m in computed.milestones}
    for index, row in enumerate(values[12:], start=13):
        if not row or row[0] not in by_id:
            continue
        milestone = by_id[row[0]]
        for col, value in (
            (10, milestone.target),
            (11, milestone.projected),
            (12, milestone.health.value),
        ):
            wanted = date_to_serial(value) if isinstance(value, date) else value
            if row[col - 1] != wanted:
                sheet.update_cell(index, col, wanted)
    elapsed = time.perf_counter() - start
    session.close()
    calls = sum(h.calls(spreadsheet_id).values())
    return calls, elapsed


def long_lived(h: Harness, rows: int) -> None:
    """CPU per sync of a 15-milestone MAP whose History tab holds ``rows`` rows (appended
    as the backend appends them), and the size of the read's reply with and without the
    History tab's rows (a sync reads them only when it needs them: docs/sheet.md)."""
    spreadsheet = h.provision()
    sync_coalesced(h.backend, spreadsheet)
    gateway = h.gateways()
    tabs = gateway.read_tabs(spreadsheet)
    history = next(
        s["properties"]["sheetId"] for s in tabs["sheets"] if s["properties"]["title"] == "History"
    )
    logged = [
        [
            "2026-11-20 10:00",
            BUYER,
            f"Milestone {i % 15}",
            "Notes",
            f"old {i}",
            f"new {i}",
            "",
            "Sheet",
            f"bench{i:08x}",
        ]
        for i in range(rows)
    ]
    for start in range(0, rows, 500):
        gateway.batch_update(spreadsheet, [append_text_rows(history, logged[start : start + 500])])
    sync_coalesced(h.backend, spreadsheet)
    runs = 30
    cpu, wall, _ = cpu_per_sync(h, spreadsheet, 15, runs)
    full = len(json.dumps(gateway.read_map(spreadsheet, history=True)))
    header = len(json.dumps(gateway.read_map(spreadsheet, history=False)))
    print(
        f"sync, 15-milestone plan, {rows:>5} History rows: {cpu:7.2f} ms CPU in all "
        f"({wall:7.1f} ms wall); the read's reply {header / 1024:.0f} KB "
        f"({full / 1024:.0f} KB with the History rows)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="15,100,500,2000", help="milestones per plan")
    parser.add_argument("--profile", type=int, default=0, help="profile one sync at N")
    parser.add_argument(
        "--sort", default="cumulative", help="the profile's order (cumulative, tottime, ...)"
    )
    parser.add_argument("--skip-calls", action="store_true", help="only the CPU figures")
    parser.add_argument("--stages", action="store_true", help="CPU of each step of a sync")
    parser.add_argument(
        "--edit",
        choices=("notes", "due"),
        default="notes",
        help="the edit before each timed sync: a note (default) or a new pin date",
    )
    parser.add_argument(
        "--notifications",
        action="store_true",
        help="also the CPU of an edit's whole notification (lease included)",
    )
    parser.add_argument("--database-url", default="", help="the store (default: a new SQLite file)")
    parser.add_argument(
        "--history",
        default="",
        help="also a sync of a 15-milestone MAP whose History tab holds N rows (N,N,...)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        store = Store.from_url(args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(store.engine)
        h = Harness(url, store)
        settle()  # as a gunicorn worker or a sync process does once started

        if args.profile:
            spreadsheet = h.provision(big_template(args.profile), name="bench")
            sync_coalesced(h.backend, spreadsheet)
            profile_sync(h, spreadsheet, min(args.profile, 15), args.sort)
            return
        after = ", after a new pin date" if args.edit == "due" else ""
        for size in sizes:
            template = None if size == 15 else big_template(size)
            spreadsheet = h.provision(template, name="bench" if template else "enterprise")
            sync_coalesced(h.backend, spreadsheet)
            runs = max(3, min(30, 3000 // size))
            cpu, wall, counts = cpu_per_sync(h, spreadsheet, min(size, 15), runs, edit=args.edit)
            logic = sync_logic_cpu(h, spreadsheet, runs)
            print(
                f"sync, {size:>4}-milestone plan{after}: {logic:7.2f} ms CPU in the sync's own "
                f"work, {cpu:7.2f} ms CPU in all ({wall:7.1f} ms wall); store: {counts}"
            )
            if args.notifications:
                cpu, wall, counts = cpu_per_sync(
                    h, spreadsheet, min(size, 15), runs, notification=True
                )
                print(
                    f"notification, {size:>4}-milestone plan: {cpu:7.2f} ms CPU in all "
                    f"({wall:7.1f} ms wall); store: {counts}"
                )
            if args.stages:
                for label, ms in stage_split(h, spreadsheet, min(size, 15), runs).items():
                    print(f"    {label:32} {ms:7.2f} ms CPU")
        for rows in [int(n) for n in args.history.split(",") if n]:
            long_lived(h, rows)
        if args.skip_calls:
            return

        h.reset()
        sid = h.provision()
        print(f"provision (enterprise, 15 milestones, 1 buyer): {plus(h.all_calls())}")
        sync_coalesced(h.backend, sid)
        h.edit(sid, "Plan!G13", "Done")
        h.reset()
        sync_coalesced(h.backend, sid)
        print(f"sync after one edit:                 {plus(h.calls(sid))}")
        h.reset()
        sync_coalesced(h.backend, sid)
        print(f"no-op sync:                          {plus(h.calls(sid))}")

        from concurrent.futures import ThreadPoolExecutor

        h.reset()

        def one(i: int) -> int:
            h.edit(sid, f"Plan!I{13 + i % 15}", f"burst {i}")
            return sync_coalesced(h.backend, sid).syncs

        with ThreadPoolExecutor(8) as pool:
            syncs = sum(pool.map(one, range(100)))
        calls = h.calls(sid)
        print(f"100-edit burst ({syncs} syncs):        {plus(calls)}")
        print("  (the 100 values.update calls are the buyer's own edits, not the backend's)")

        # Baseline: the go-live moves, so every target moves; the backend vs a script.
        base = h.provision()
        sync_coalesced(h.backend, base)
        ours = h.provision()
        sync_coalesced(h.backend, ours)
        for spreadsheet in (base, ours):
            h.edit(spreadsheet, "Plan!C4", "2027-08-31")
        h.reset()
        start = time.perf_counter()
        sync_coalesced(h.backend, ours)
        our_wall = time.perf_counter() - start
        our_calls = sum(h.calls(ours).values())
        script_calls, script_wall = gspread_baseline(h, base)
        print(
            f"go-live moved (every date changes): backend {our_calls} calls in "
            f"{our_wall * 1000:.0f} ms; gspread script {script_calls} calls in "
            f"{script_wall * 1000:.0f} ms; the script makes {script_calls / our_calls:.1f}x "
            f"the calls and takes {script_wall / our_wall:.1f}x the time"
        )
        store.close()
        h.session.close()


if __name__ == "__main__":
    main()
