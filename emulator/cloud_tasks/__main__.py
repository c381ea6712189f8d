"""Run the Cloud Tasks emulator in the foreground:

    python -m emulator.cloud_tasks [--port 8123] --oidc-issuer http://127.0.0.1:8765
        [--clock-offset-s SECONDS | --clock-url URL]

It prints ``listening on 127.0.0.1:PORT`` (``--port 0`` picks a free port) and serves
until SIGTERM or Ctrl-C. ``--oidc-issuer`` is the sign-in emulator that mints the tasks'
ID tokens; ``--clock-offset-s`` puts its clock that far from real time (a test's clock),
so schedule times and backoffs agree with the process that submits the tasks;
``--clock-url`` reads the time from the Google emulator's ``/__emulator/clock`` instead
(for a test that moves its clock).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from emulator.cloud_tasks.dispatch import Dispatcher
from emulator.cloud_tasks.grpc_api import start_server
from emulator.cloud_tasks.queues import FollowedClock, Queues


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator.cloud_tasks", description="A local Cloud Tasks v2 emulator."
    )
    parser.add_argument("--port", type=int, default=8123, help="0 picks a free port")
    parser.add_argument("--oidc-issuer", required=True, help="base URL of the sign-in emulator")
    parser.add_argument("--clock-offset-s", type=float, default=0.0)
    parser.add_argument("--clock-url", default="", help="the Google emulator's /__emulator/clock")
    args = parser.parse_args(argv)

    offset = timedelta(seconds=args.clock_offset_s)
    now = FollowedClock(args.clock_url) if args.clock_url else lambda: datetime.now(UTC) + offset
    queues = Queues(now)
    dispatcher = Dispatcher(queues, oidc_issuer=args.oidc_issuer)
    try:
        server, port = start_server(queues, args.port)
    except (OSError, RuntimeError) as exc:
        print(f"python -m emulator.cloud_tasks: {exc}", file=sys.stderr)
        return 2
    dispatcher.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"listening on 127.0.0.1:{port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    server.stop(grace=1).wait()
    dispatcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
