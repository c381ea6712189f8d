"""Google's per-minute Sheets quotas, enforced when asked (off by default).

    PUT    /__emulator/quotas   {"read_per_user": 60, "write_per_user": 60,
                                 "read_per_project": 300, "write_per_project": 300}
                                (each optional; omitted: Google's default shown here)
    GET    /__emulator/quotas   {"enabled", "limits", "used", "refused"}
    DELETE /__emulator/quotas   stop enforcing (and forget the counts)

Google counts Sheets requests per minute, per user and per project, reads and writes
apart (``developerMetadata.search`` and every ``get`` are reads; everything else is a
write). Here each counts over the last 60 seconds of the emulator's clock, so a test
refills a quota by moving the clock. A request over a limit is refused with Google's
429 ``RESOURCE_EXHAUSTED`` (``quota_exceeded``: the ``ErrorInfo`` and ``Help`` details
Sheets sends) and does not count. ``python -m emulator --sheets-quotas`` starts with
Google's defaults on.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, g, jsonify, request

from emulator.context import current_state
from emulator.errors import GoogleApiError
from emulator.faults import is_read, quota_exceeded
from emulator.state import EmulatorState

GOOGLE_DEFAULTS = {
    "read_per_user": 60,
    "write_per_user": 60,
    "read_per_project": 300,
    "write_per_project": 300,
}
WINDOW = timedelta(minutes=1)
PROJECT = "*"

# Nested in the control blueprint: endpoints ``emulator.quotas.*``.
blueprint = Blueprint("quotas", __name__)


@dataclass
class Quotas:
    limits: dict[str, int] | None = None
    refused: int = 0
    _seen: dict[tuple[str, str], deque[datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, limits: dict[str, int] | None) -> None:
        with self._lock:
            self.limits = None if limits is None else {**GOOGLE_DEFAULTS, **limits}
            self._seen.clear()
            self.refused = 0

    def admit(self, user: str, read: bool, now: datetime) -> str | None:
        """Count one request of ``user`` if every limit allows it; else the name of the
        limit that refuses it."""
        kind = "read" if read else "write"
        with self._lock:
            if self.limits is None:
                return None
            keys = ((user, f"{kind}_per_user"), (PROJECT, f"{kind}_per_project"))
            windows = [self._window((who, kind), now) for who, _ in keys]
            for window, (_, limit) in zip(windows, keys, strict=True):
                if len(window) >= self.limits[limit]:
                    self.refused += 1
                    return limit
            for window in windows:
                window.append(now)
            return None

    def _window(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        window = self._seen.setdefault(key, deque())
        while window and window[0] <= now - WINDOW:
            window.popleft()
        return window

    def to_json(self, now: datetime) -> dict[str, Any]:
        with self._lock:
            used = {
                f"{who}/{kind}": len(self._window((who, kind), now))
                for who, kind in list(self._seen)
            }
            return {
                "enabled": self.limits is not None,
                "limits": self.limits or {},
                "used": used,
                "refused": self.refused,
            }


def quotas(state: EmulatorState) -> Quotas:
    found: Quotas = state.extensions.setdefault("quotas", Quotas())
    return found


def attach(state: EmulatorState) -> None:
    """Stop enforcing when the state is reset."""
    state.on_reset(lambda: quotas(state).configure(None))


def enforce_quota() -> None:
    """Before each request (counted, before faults): refuse a Sheets request over quota."""
    method = request.endpoint or ""
    if not method.startswith("sheets."):
        return
    state = current_state()
    book = quotas(state)
    if book.limits is None:
        return
    user = str(g.get("user") or "anonymous")
    refused = book.admit(user, is_read(method), state.clock.now())
    if refused is not None and book.limits is not None:
        raise quota_exceeded(
            method, per_user=refused.endswith("_user"), limit_value=book.limits[refused]
        )


@blueprint.put("/quotas", endpoint="set")
def set_quotas() -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise GoogleApiError(400, "The body must be a JSON object of limits.")
    limits: dict[str, int] = {}
    for name, value in body.items():
        if name not in GOOGLE_DEFAULTS:
            raise GoogleApiError(400, f"Unknown quota '{name}'.")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise GoogleApiError(400, f"'{name}' must be a whole number, 0 or more.")
        limits[name] = value
    state = current_state()
    quotas(state).configure(limits)
    return jsonify(quotas(state).to_json(state.clock.now()))


@blueprint.get("/quotas", endpoint="get")
def show_quotas() -> Any:
    state = current_state()
    return jsonify(quotas(state).to_json(state.clock.now()))


@blueprint.delete("/quotas", endpoint="clear")
def clear_quotas() -> Any:
    state = current_state()
    quotas(state).configure(None)
    return jsonify(quotas(state).to_json(state.clock.now()))
