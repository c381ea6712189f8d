"""Counts of API requests per method id and spreadsheet (or file).

Every Sheets and Drive request is counted as it arrives, before any injected fault,
so a request that got a 429 still counts as a call made.

    GET    /__emulator/counters[?spreadsheet_id=ID|file_id=ID]
    DELETE /__emulator/counters[?spreadsheet_id=ID|file_id=ID]
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from flask import Blueprint, jsonify, request

from emulator.context import current_state
from emulator.state import EmulatorState

API_METHOD_PREFIXES = ("sheets.", "drive.")

# Nested in the control blueprint: endpoints ``emulator.counters.*``.
blueprint = Blueprint("counters", __name__)


def resource_id() -> str:
    """The spreadsheet or file the current request is about ("" for none)."""
    args = request.view_args or {}
    return str(args.get("spreadsheet_id") or args.get("file_id") or "")


class RequestCounters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def count(self, method: str, resource: str) -> None:
        with self._lock:
            self._counts[(method, resource)] += 1

    def for_resource(self, resource: str) -> dict[str, int]:
        with self._lock:
            return {m: n for (m, r), n in sorted(self._counts.items()) if r == resource}

    def everything(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"method": m, "resource_id": r, "count": n}
                for (m, r), n in sorted(self._counts.items())
            ]

    def reset(self, resource: str | None = None) -> None:
        with self._lock:
            if resource is None:
                self._counts.clear()
            else:
                for key in [k for k in self._counts if k[1] == resource]:
                    del self._counts[key]


def request_counters(state: EmulatorState) -> RequestCounters:
    counters: RequestCounters = state.extensions.setdefault("counters", RequestCounters())
    return counters


def _resource_arg() -> str | None:
    return request.args.get("spreadsheet_id") or request.args.get("file_id")


def attach(state: EmulatorState) -> None:
    """Forget the counts when the state is reset."""
    state.on_reset(request_counters(state).reset)


def count_request() -> None:
    """Before each request (after the caller is known, before faults): count it."""
    method = request.endpoint or ""
    if method.startswith(API_METHOD_PREFIXES):
        request_counters(current_state()).count(method, resource_id())


@blueprint.get("/counters", endpoint="get")
def counts() -> Any:
    """Requests per method id, for one spreadsheet/file or for all."""
    counters = request_counters(current_state())
    resource = _resource_arg()
    if resource is None:
        return jsonify({"counters": counters.everything()})
    counts = counters.for_resource(resource)
    return jsonify({"resource_id": resource, "counts": counts, "total": sum(counts.values())})


@blueprint.delete("/counters", endpoint="reset")
def reset_counts() -> Any:
    request_counters(current_state()).reset(_resource_arg())
    return jsonify({})
