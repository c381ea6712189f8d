"""MAP commands: ``map create|sync|review|show``."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=_not_yet)


def _not_yet(args: argparse.Namespace) -> int:
    from service.cli.common import fail

    fail(f"'{args.command}' is not available in this build yet")
