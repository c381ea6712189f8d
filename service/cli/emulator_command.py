"""``emulator``: run the local Google emulator alone, in the foreground.

    python -m service emulator [--port N] [--data DIR]

Serves on 127.0.0.1, prints its URL, and runs until Ctrl-C (or SIGTERM); on the way
out it stops push deliveries and writes the state to ``DIR``. Without ``--data`` the
state lives in memory and is gone when it stops.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import Any

from service.cli.common import data_dir, fail


def add_parser(sub: Any, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--port",
        default="8765",
        help="port on 127.0.0.1 (default 8765; 0 picks a free one)",
    )
    parser.add_argument(
        "--data",
        default=None,
        metavar="DIR",
        help="directory that keeps the state across restarts (default: in memory)",
    )
    parser.set_defaults(handler=run)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        fail(f"--port must be a number from 0 to 65535, not '{text}'")
    if not 0 <= port <= 65535:
        fail(f"--port must be a number from 0 to 65535, not {port}")
    return port


def _data_dir(text: str | None) -> Path | None:
    return None if text is None else data_dir(text)


def run(args: argparse.Namespace) -> int:
    port = _port(args.port)
    data_dir = _data_dir(args.data)

    from emulator.server import EmulatorServer

    try:
        server = EmulatorServer(port=port, data_dir=data_dir)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")
    except ValueError as exc:
        fail(f"cannot read the state in '{data_dir}': {exc}")

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    # Ctrl-C stops it even when started from a shell that had SIGINT ignored (a
    # background job): Python then installs no handler of its own.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server.start()
    where = f"data in {data_dir}" if data_dir is not None else "in memory"
    try:
        # Inside the try: Ctrl-C may come the moment the URL is out (a script that waits
        # for this line and interrupts at once), before the loop below is reached.
        print(f"Google emulator at {server.url} ({where}); press Ctrl-C to stop", flush=True)
        while not stopping.wait(timeout=1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("Google emulator stopped", flush=True)
    return 0
