"""``serve``: the whole product on one machine.

    python -m service serve [--port 8080] [--data DIR] [--demo] [--host 127.0.0.1]

Runs, in one process, the backend on ``--port`` and the Google emulator (Sheets, Drive,
sign-in, and the preview of the MAP spreadsheets) on ``--port`` + 1 (``--port 0``: free
ports), with the cron jobs on a timer. State lives in ``DIR`` (default ``.map-data``): the
emulator's under ``DIR/emulator``, the store's SQLite file beside it. Prints the URL to
open and runs until Ctrl-C (or SIGTERM). ``--demo`` seeds a sample MAP, once per ``DIR``.
No network and no Google account are needed. See docs/local-mode.md.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.cli.common import data_dir as checked_data_dir
from service.cli.common import fail


def add_parser(sub: Any, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--port",
        default="8080",
        help="the backend's port; the emulator and the preview take the next one "
        "(default 8080; 0 picks free ports)",
    )
    parser.add_argument(
        "--data",
        default=".map-data",
        metavar="DIR",
        help="directory that keeps everything across restarts (default .map-data)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed a sample MAP with some buyer history (once per data directory)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else lets other "
        "machines mint sign-in tokens here)",
    )
    parser.set_defaults(handler=run)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        fail(f"--port must be a number from 0 to 65534, not '{text}'")
    if not 0 <= port <= 65534:
        fail(f"--port must be a number from 0 to 65534 (the emulator takes the next), not {port}")
    return port


def run(args: argparse.Namespace) -> int:
    port = _port(args.port)
    data_dir = checked_data_dir(args.data)
    host = str(args.host).strip()
    if not host:
        fail("--host must not be empty")

    from service.local.stack import LocalOptions, LocalStack

    stack = LocalStack(LocalOptions(data_dir=data_dir, port=port, host=host))
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    # Ctrl-C stops it even where the shell started it with SIGINT ignored (in the background).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        stack.start()
    except OSError as exc:
        where = f"{host}:{port} or {port + 1}" if port else host
        fail(f"cannot listen on {where}: {exc.strerror or exc}")
    except ValueError as exc:
        fail(f"cannot read the state in '{data_dir}': {exc}")
    except KeyboardInterrupt:
        stack.stop()
        return 130

    from service.runtime.start_up import settle

    settle()
    try:
        _announce(stack, data_dir)
        if args.demo:
            _seed_demo(stack, data_dir)
        print("Ready. Press Ctrl-C to stop.", flush=True)
        while not stopping.wait(timeout=1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
    print("Stopped; everything is saved in " + str(data_dir), flush=True)
    return 0


def _announce(stack: Any, data_dir: Path) -> None:
    print("MAP local mode", flush=True)
    print(f"  Open      {stack.preview_url}", flush=True)
    print(f"  Backend   {stack.backend_url}  (the add-on's API)", flush=True)
    print(f"  Emulator  {stack.emulator_url}  (Google Sheets, Drive and sign-in)", flush=True)
    print(f"  Data      {data_dir.resolve()}", flush=True)


def _seed_demo(stack: Any, data_dir: Path) -> None:
    from service.local.demo import DemoFailed, seed_demo, seeded

    already = seeded(data_dir.resolve())
    if already is None:
        print("Seeding the demo MAP (once for this data directory) ...", flush=True)
    try:
        demo = seed_demo(
            stack.emulator.state,
            data_dir=data_dir.resolve(),
            backend_url=stack.backend_url,
            emulator_url=stack.emulator_url,
            today=datetime.now(UTC).date(),
        )
    except (DemoFailed, OSError) as exc:
        print(f"The demo MAP could not be seeded: {exc}", file=sys.stderr, flush=True)
        return
    print(f"  Demo MAP  {stack.emulator_url}/preview/{demo.spreadsheet_id}", flush=True)
