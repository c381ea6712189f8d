"""For tests that drive the emulator over HTTP: hold its answer to a request until the
test lets it go, and wait for a condition instead of a machine's speed.

A test that needs "a sync is in the middle of its read" waits for exactly that (the
emulator says how many requests it holds) instead of sleeping and hoping a loaded
machine got there in time::

    with Hold(emulator_url, "sheets.spreadsheets.get", spreadsheet_id) as hold:
        start_something_that_syncs()
        hold.wait_until_held()        # the sync is now inside its read
        ...                           # act while it is
    # leaving the block lets the read go on
"""

from __future__ import annotations

import time
from typing import Any

import requests


class Hold:
    def __init__(self, emulator_url: str, method: str, spreadsheet_id: str) -> None:
        self.url = f"{emulator_url}/__emulator/faults"
        self.method = method
        self.spreadsheet_id = spreadsheet_id
        self.rule_id = ""

    def __enter__(self) -> Hold:
        reply = requests.post(
            self.url,
            json={"method": self.method, "spreadsheet_id": self.spreadsheet_id, "hold": True},
            timeout=10,
        )
        reply.raise_for_status()
        self.rule_id = str(reply.json()["id"])
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def held(self) -> int:
        reply = requests.get(self.url, timeout=10)
        reply.raise_for_status()
        rules = [r for r in reply.json()["faults"] if r["id"] == self.rule_id]
        return int(rules[0]["held"]) if rules else 0

    def wait_until_held(self, count: int = 1, timeout_s: float = 60.0) -> None:
        """Until ``count`` requests wait; a generous bound, since only a bug misses it."""
        deadline = time.monotonic() + timeout_s
        while (held := self.held()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{held} of {count} requests reached the hold")
            time.sleep(0.02)

    def release(self) -> None:
        if self.rule_id:
            requests.delete(self.url, params={"id": self.rule_id}, timeout=10).raise_for_status()
            self.rule_id = ""


def wait_for(check: Any, timeout_s: float = 60.0, what: str = "the condition") -> Any:
    """``check()``'s value once it is truthy (polled; the bound is generous)."""
    deadline = time.monotonic() + timeout_s
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout_s:.0f} s")
        time.sleep(0.02)
    return value
