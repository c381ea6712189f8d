"""Single flight across OS processes (I4): two spawned interpreters contend on one database."""

from __future__ import annotations

import multiprocessing
import queue

import pytest

from service.store import Store
from tests.db_fixtures import make_map
from tests.integration.store.sync_probe import (
    SyncRun,
    contend,
    generations_in_time_order,
    overlapping,
)

PROCESSES = 2
BURSTS = 12
PER_BURST = 5


@pytest.mark.slow
def test_two_processes_never_hold_the_lease_at_once_and_cover_every_notification(
    store: Store, database_url: str
) -> None:
    sid = make_map(store).spreadsheet_id
    context = multiprocessing.get_context("spawn")
    together = context.Barrier(PROCESSES, timeout=120)
    results = context.Queue()
    processes = [
        context.Process(
            target=contend, args=(database_url, sid, BURSTS, PER_BURST, together, results)
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        reports = [results.get(timeout=240) for _ in processes]
    except queue.Empty:
        pytest.fail("a contending process did not report within 240 s")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join()
        results.close()
        results.join_thread()

    assert [report["errors"] for report in reports] == [[], []]
    assert [report["problems"] for report in reports] == [[], []]
    runs: list[SyncRun] = [run for report in reports for run in report["runs"]]
    assert overlapping(runs) == [], "two syncs held the lease at the same time"
    assert {run.owner.split(":")[1] for run in runs} <= {str(p.pid) for p in processes}
    generations = generations_in_time_order(runs)
    assert generations == sorted(set(generations)), "each sync covers newer notifications"
    total = PROCESSES * BURSTS * PER_BURST
    state = store.sync_state(sid)
    assert state is not None
    assert (state.requested, state.completed, state.lease_owner) == (total, total, None)
    assert generations[-1] == total
    assert all(process.exitcode == 0 for process in processes)
