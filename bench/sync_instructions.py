"""Instructions per sync: a CPU figure that does not move with the machine's load.

On a shared 2-core machine, CPU time per sync moves by 10-50 % from one run to the next,
more than most changes to a sync. valgrind's callgrind counts the instructions a process
runs, which depends on the code and its inputs only (the same count twice, within
0.2 %, whatever else the machine is doing). This script runs itself twice under
callgrind against the emulator (another process, not counted): once setting up a
15-milestone MAP (``--size``) and syncing it after 10 one-cell edits (3 above 100
milestones), and once doing the same and then ``N`` more edit-then-sync rounds (default
60), as ``bench_sync.py`` times them. The difference divided by ``N`` is what one round
adds: the sync, and the buyer's edit sent from this process (the same in every tree, so
A/B comparisons hold).

Run: PYTHONPATH=. .venv/bin/python bench/sync_instructions.py [--syncs N] [--size M]
[--database-url URL]  (needs valgrind; about 3 minutes; ``--size 500 --syncs 10``, about
7)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def rounds(syncs: int, size: int, database_url: str) -> None:
    """The measured process: a MAP, a few syncs to warm up, then ``syncs`` more."""
    from bench_sync import Harness, big_template, cpu_per_sync, emulator_process

    from service.runtime.start_up import settle
    from service.services.coalesce import sync_coalesced
    from service.store import Store, migrate

    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        store = Store.from_url(database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(store.engine)
        harness = Harness(url, store)
        settle()  # as a gunicorn worker or a sync process does once started
        template = None if size == 15 else big_template(size)
        spreadsheet = harness.provision(template, name="bench" if template else "enterprise")
        sync_coalesced(harness.backend, spreadsheet)
        rows = min(size, 15)
        cpu_per_sync(harness, spreadsheet, rows, 10 if size <= 100 else 3)
        if syncs:
            cpu_per_sync(harness, spreadsheet, rows, syncs)
        store.close()


def instructions(syncs: int, size: int, database_url: str) -> int:
    """Instructions of one measured process, as callgrind counts them."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--inner",
        str(syncs),
        "--size",
        str(size),
    ]
    if database_url:
        command += ["--database-url", database_url]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in callgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syncs", type=int, default=60, help="rounds measured (default 60)")
    parser.add_argument("--size", type=int, default=15, help="milestones (default 15)")
    parser.add_argument("--database-url", default="", help="the store (default: a SQLite file)")
    parser.add_argument("--inner", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner is not None:
        rounds(args.inner, args.size, args.database_url)
        return
    if args.syncs < 1:
        parser.error("--syncs must be at least 1")
    if args.size < 1:
        parser.error("--size must be at least 1")
    if shutil.which("valgrind") is None:
        print("sync_instructions.py: valgrind is not installed (apt-get install valgrind).")
        raise SystemExit(2)
    base = instructions(0, args.size, args.database_url)
    more = instructions(args.syncs, args.size, args.database_url)
    per_round = (more - base) / args.syncs
    print(
        f"edit + sync of a {args.size}-milestone MAP: {per_round / 1e6:.2f} million instructions "
        f"a round ({args.syncs} rounds; set-up alone {base / 1e6:.0f} million)"
    )


if __name__ == "__main__":
    main()
