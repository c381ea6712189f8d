"""Run the emulator alone, in the foreground:

    python -m emulator [--port 8765] [--data DIR] [--sheets-quotas] [--push-workers N]

It serves on 127.0.0.1, prints its URL, and runs until Ctrl-C (or SIGTERM); on the way
out it stops push deliveries and writes the state to ``DIR``. Without ``--data`` the
state lives in memory and is gone when it stops. Bad arguments, an unreadable state or
a port in use: one line on stderr, exit status 2. (``python -m service emulator`` does
the same from the product's command line.)
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from emulator.drive.delivery import DEFAULT_WORKERS
from emulator.quotas import quotas
from emulator.server import EmulatorServer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="A local emulator of Google Sheets v4, Drive v3 and sign-in.",
    )
    parser.add_argument(
        "--port", default="8765", help="port on 127.0.0.1 (default 8765; 0 picks a free one)"
    )
    parser.add_argument(
        "--data",
        default=None,
        metavar="DIR",
        help="directory that keeps the state across restarts (default: in memory)",
    )
    parser.add_argument(
        "--sheets-quotas",
        action="store_true",
        help="enforce Google's default per-minute Sheets quotas (60 reads and 60 writes "
        "per user, 300 per project; see /__emulator/quotas)",
    )
    parser.add_argument(
        "--push-workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"push notifications delivered at once (default {DEFAULT_WORKERS})",
    )
    args = parser.parse_args(argv)
    data_dir = None if args.data is None else _data_dir(args.data)
    if args.push_workers < 1:
        _fail(f"--push-workers must be 1 or more, not {args.push_workers}")
    return serve(
        _port(args.port),
        data_dir,
        sheets_quotas=args.sheets_quotas,
        push_workers=args.push_workers,
    )


def serve(
    port: int,
    data_dir: Path | None,
    *,
    sheets_quotas: bool = False,
    push_workers: int = DEFAULT_WORKERS,
) -> int:
    """Serve until interrupted; the exit status."""
    try:
        server = EmulatorServer(port=port, data_dir=data_dir, push_workers=push_workers)
    except OSError as exc:
        _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")
    except ValueError as exc:
        _fail(f"cannot read the state in '{data_dir}': {exc}")

    if sheets_quotas:
        quotas(server.state).configure({})
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


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        _fail(f"--port must be a number from 0 to 65535, not '{text}'")
    if not 0 <= port <= 65535:
        _fail(f"--port must be a number from 0 to 65535, not {port}")
    return port


def _data_dir(text: str) -> Path:
    """``--data``: a directory (made if missing)."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        _fail(f"--data must be a directory; '{text}' is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"cannot use '{text}' as the data directory: {exc.strerror}")
    return path


def _fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


if __name__ == "__main__":
    raise SystemExit(main())
