"""``reminders``: the reminder job by hand, and opting a person back in.

    python -m service reminders run          # decide today's messages, deliver what is due
    python -m service reminders opt-in EMAIL # reminders to EMAIL again after unsubscribing

Settings as for the backend (``MAP_*``; see docs/reminders.md). Bad input or something
the job needs missing: one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from service.cli.common import fail

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def add_parser(sub: Any, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    actions = parser.add_subparsers(dest="reminders_command", metavar="ACTION", required=True)
    actions.add_parser("run", help="decide today's reminders of every MAP, deliver what is due")
    opt_in = actions.add_parser("opt-in", help="send reminders to EMAIL again")
    opt_in.add_argument("email")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    import requests

    from service.cli.map_backend import BackendUnavailable, build_backend
    from service.config import Settings
    from service.runtime.reminders import RemindersNotConfigured, build_links, run_reminders

    if args.reminders_command == "opt-in" and not EMAIL.match(args.email):
        fail(f"EMAIL: {args.email[:100]!r} is not an email address")
    settings = Settings()
    try:
        backend = build_backend(settings)
    except BackendUnavailable as exc:
        fail(str(exc))
    try:
        if args.reminders_command == "opt-in":
            backend.store.opt_in(args.email)
            print(f"{args.email} gets reminders again")
            return 0
        with requests.Session() as http:
            counts = run_reminders(settings, backend, build_links(settings, backend), http)
    except RemindersNotConfigured as exc:
        fail(str(exc))
    finally:
        backend.store.close()
    print(json.dumps(counts))
    return 0
