"""Memory of a backend process that has provisioned and synced many MAPs.

A web worker syncs in its own threads by default (the in-process queue), so what one
process holds after serving many MAPs is what an instance needs per worker. This
process plays that worker: it provisions N MAPs (default 1,000) against the emulator
(another process, not counted), and syncs each after a buyer's edit, through the same
gateways a worker uses (one Sheets client per thread). It prints its resident set size
(VmRSS) and peak (VmHWM) at the start, after importing the Google client libraries,
and along the way. Target (issue 15): 150 MiB after 1,000 MAPs.

Run: .venv/bin/python bench/worker_memory.py [N]
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path


def memory_mib() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MiB, from /proc (Linux)."""
    fields: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def report(label: str) -> None:
    gc.collect()
    rss, peak = memory_mib()
    print(f"  {label:<34} RSS {rss:6.1f} MiB   peak {peak:6.1f} MiB", flush=True)


def main() -> None:
    maps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"one backend process, {maps} MAPs provisioned and synced after a buyer's edit:")
    report("start (Python, nothing imported)")
    import googleapiclient.discovery  # noqa: F401  (what every process pays for)

    report("Google API client imported")
    from bench_sync import Harness, emulator_process

    from service.runtime.start_up import settle
    from service.services.coalesce import sync_coalesced
    from service.store import Store, migrate

    report("backend imported")
    checkpoints = {1, 10, 100, 250, 500, 750, 1000, maps}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        store = Store.from_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(store.engine)
        h = Harness(url, store)
        settle()  # as a gunicorn worker does once it has loaded the app
        for n in range(1, maps + 1):
            sid = h.provision()
            h.edit(sid, "Plan!I13", f"edit {n}")
            sync_coalesced(h.backend, sid)
            if n in checkpoints:
                report(f"after {n} MAPs")
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
