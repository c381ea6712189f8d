"""The sync's read parsed whole (orjson) and row by row as it was (``read_reply.parse``).

Provisions a MAP (the enterprise template, 15 milestones) in the emulator, takes the
bytes of a sync's read of it, and prints the CPU time of making and of letting go of the
parsed reply, both ways: when no row changed since the last read, and when one cell of
one row did (the common sync). Best of 5 runs of 300 parses each.

Run: PYTHONPATH=. .venv/bin/python bench/read_reply.py
"""

from __future__ import annotations

import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from bench_sync import Harness, emulator_process

from service.runtime.start_up import settle
from service.sheets import read_reply
from service.store import Store, migrate

RUNS, PARSES = 5, 300


def best(make: Callable[[int], Any]) -> tuple[float, float]:
    """Best microseconds to make one parsed reply, and to let one go."""
    made_us, freed_us = [], []
    for _ in range(RUNS):
        gc.disable()
        start = time.process_time()
        kept = [make(i) for i in range(PARSES)]
        made = time.process_time()
        del kept
        freed = time.process_time()
        gc.enable()
        made_us.append((made - start) / PARSES * 1e6)
        freed_us.append((freed - made) / PARSES * 1e6)
    return min(made_us), min(freed_us)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        store = Store.from_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(store.engine)
        h = Harness(url, store)
        settle()
        sid = h.provision(None, name="enterprise")
        reply = h.gateways().read_map(sid, history=False, reviews=False)
    same = orjson.dumps(reply)
    rows = reply["sheets"][0]["data"][0]["rowData"]
    edits = []
    for i in range(2):  # one cell of the 14th row, two ways in turn
        rows[13]["values"][8] = {"userEnteredValue": {"stringValue": f"note {i}"}}
        edits.append(orjson.dumps(reply))
    print(f"a 15-milestone MAP's read: {len(same) / 1024:.1f} KB")
    cases: list[tuple[str, Callable[[int], bytes]]] = [
        ("no row changed", lambda i: same),
        ("one cell changed", lambda i: edits[i % 2]),
    ]
    for label, pick in cases:
        whole = best(lambda i, pick=pick: orjson.loads(pick(i)))
        by_rows = best(lambda i, pick=pick: read_reply.parse(pick(i)))
        print(
            f"{label:17} parse whole: {whole[0]:6.1f} us to make, {whole[1]:6.1f} us to let go; "
            f"by rows: {by_rows[0]:6.1f} us, {by_rows[1]:6.1f} us "
            f"(by rows / whole, both: {(sum(by_rows)) / sum(whole):.2f})"
        )


if __name__ == "__main__":
    main()
