"""Command line: ``python -m service <command> ...``.

Each command group lives in its own module under :mod:`service.cli` and is imported
only when that command runs, so ``python -m service compute`` never loads Flask or
the Google client libraries.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command name -> (module under service.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "compute": ("engine_commands", "compute a plan document (JSON) as the plan contract says"),
    "calibrate": ("engine_commands", "learn how long steps take from past plans (JSON lines)"),
    "plan": ("engine_commands", "print a template's back-scheduled plan for a go-live date"),
    "map": ("map_commands", "create, sync, review and show MAP spreadsheets"),
    "emulator": ("emulator_command", "run the local Google Sheets/Drive/sign-in emulator alone"),
    "reminders": ("reminders_command", "run the reminder job by hand; opt a person back in"),
    "serve": ("serve_command", "run the whole product locally (backend, emulator, preview)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Mutual Action Plans in Google Sheets.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"service.cli.{module_name}")
        module.add_parser(sub, name, help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
