"""Fault injection: make chosen API methods fail, stall or hang up, reproducibly.

    POST   /__emulator/faults   {"method": "sheets.spreadsheets.values.batchGet" | "*",
                                 "spreadsheet_id" | "file_id": "ID" (optional),
                                 "rate_429": 0.5, "rate_500": 0, "rate_503": 0,
                                 "drop_rate": 0, "delay_ms": 0, "hold": false,
                                 "times": 2 (optional: inject at most this many faults),
                                 "seed": 0 (optional)}            -> {"id": "..."}
    GET    /__emulator/faults                                     -> {"faults": [...]}
    DELETE /__emulator/faults[?id=ID]

For each matching request one number is drawn from the rule's own seeded generator:
it picks a 429, a 500, a 503 or a dropped connection (the socket is closed with no
response) by the rates in that order, or lets the request through. ``delay_ms`` holds
every matching request back first. ``hold`` keeps every matching request waiting until
the rule is deleted (at most ``HOLD_LIMIT_S``); the rule's ``held`` says how many wait
now, so a test can act while a request is certainly in flight, whatever the machine's
speed; with ``times``, only the first ``times`` matching requests are held (a request
whose caller gave up waiting is then applied when the rule is deleted, after later ones,
as Google may). Faults apply after the request was counted.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, request

from emulator.context import current_state
from emulator.counters import API_METHOD_PREFIXES, resource_id
from emulator.errors import GoogleApiError
from emulator.http_server import DROP_FLAG
from emulator.state import EmulatorState

_READ_METHODS = ("get", "batchGet", "getByDataFilter", "batchGetByDataFilter", "search")
# A held request goes on after this long even if nobody lets it go.
HOLD_LIMIT_S = 120.0

# Nested in the control blueprint: endpoints ``emulator.faults.*``.
blueprint = Blueprint("faults", __name__)


@dataclass
class FaultRule:
    id: str
    method: str
    resource_id: str | None
    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_503: float = 0.0
    drop_rate: float = 0.0
    delay_ms: int = 0
    times: int | None = None
    seed: int = 0
    hold: bool = False
    injected: int = 0
    held: int = 0
    holds: int = 0  # requests held so far
    rng: random.Random = field(default_factory=random.Random, repr=False)
    released: threading.Event = field(default_factory=threading.Event, repr=False)

    def matches(self, method: str, resource: str) -> bool:
        return (self.method in ("*", method)) and self.resource_id in (None, resource)

    def take_hold(self) -> bool:
        """Whether to hold one more request; call under a lock."""
        if not self.hold or (self.times is not None and self.holds >= self.times):
            return False
        self.holds += 1
        return True

    def draw(self) -> str | None:
        """The fault for one request (429, 500, 503, drop) or None; call under a lock."""
        if self.times is not None and self.injected >= self.times:
            return None
        roll = self.rng.random()
        bound = 0.0
        for outcome, rate in (
            ("429", self.rate_429),
            ("500", self.rate_500),
            ("503", self.rate_503),
            ("drop", self.drop_rate),
        ):
            bound += rate
            if roll < bound:
                self.injected += 1
                return outcome
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "method": self.method,
            "resource_id": self.resource_id,
            "rate_429": self.rate_429,
            "rate_500": self.rate_500,
            "rate_503": self.rate_503,
            "drop_rate": self.drop_rate,
            "delay_ms": self.delay_ms,
            "times": self.times,
            "seed": self.seed,
            "hold": self.hold,
            "injected": self.injected,
            "held": self.held,
        }


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        rule.rng.seed(rule.seed)
        with self._lock:
            self._rules.append(rule)

    def clear(self, rule_id: str | None = None) -> None:
        with self._lock:
            kept = [r for r in self._rules if rule_id is not None and r.id != rule_id]
            for rule in self._rules:
                if rule not in kept:
                    rule.released.set()
            self._rules = kept

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.to_json() for r in self._rules]

    def decide(self, method: str, resource: str) -> tuple[FaultRule | None, str | None, bool]:
        """(the rule, its fault, whether to hold) for a request; the first matching rule
        decides."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, resource):
                    return rule, rule.draw(), rule.take_hold()
        return None, None, False

    def wait_while_held(self, rule: FaultRule) -> None:
        with self._lock:
            rule.held += 1
        try:
            rule.released.wait(HOLD_LIMIT_S)
        finally:
            with self._lock:
                rule.held -= 1


def faults(state: EmulatorState) -> Faults:
    found: Faults = state.extensions.setdefault("faults", Faults())
    return found


def injected_error(method: str, code: int) -> GoogleApiError:
    """The error Google answers with for ``code`` on ``method``."""
    drive = method.startswith("drive.")
    if code == 429:
        if drive:
            return GoogleApiError(
                429,
                "Rate Limit Exceeded",
                reason="rateLimitExceeded",
                drive=True,
                domain="usageLimits",
            )
        return quota_exceeded(method)
    if code == 500:
        return GoogleApiError(
            500,
            "Internal Error" if drive else "Internal error encountered.",
            drive=drive,
            reason="backendError",
        )
    return GoogleApiError(
        503,
        "Service Unavailable" if drive else "The service is currently unavailable.",
        drive=drive,
        reason="backendError",
    )


def is_read(method: str) -> bool:
    """Whether Sheets counts ``method`` (an endpoint name) against the read quota."""
    return method.rsplit(".", 1)[-1] in _READ_METHODS


def quota_exceeded(method: str, *, per_user: bool = True, limit_value: int = 60) -> GoogleApiError:
    """Sheets' 429 for the per-minute read or write quota (per user, or per project)."""
    kind = "Read" if is_read(method) else "Write"
    metric = f"sheets.googleapis.com/{kind.lower()}_requests"
    limit = f"{kind}RequestsPerMinutePer{'User' if per_user else 'Project'}"
    message = (
        f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per "
        f"minute{' per user' if per_user else ''}' of service 'sheets.googleapis.com' for "
        "consumer 'project_number:000000000000'."
    )
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_location": "global",
                "quota_metric": metric,
                "quota_limit": limit,
                "quota_limit_value": str(limit_value),
                "service": "sheets.googleapis.com",
                "consumer": "projects/000000000000",
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        },
    ]
    return GoogleApiError(429, message, details=details)


def _rate(data: dict[str, Any], name: str) -> float:
    value = data.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise GoogleApiError(400, f"'{name}' must be a number from 0 to 1.")
    return float(value)


def _count(data: dict[str, Any], name: str, default: int | None) -> int | None:
    value = data.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GoogleApiError(400, f"'{name}' must be a whole number, 0 or more.")
    return value


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise GoogleApiError(400, f"'{name}' must be true or false.")
    return value


def parse_rule(data: Any) -> FaultRule:
    if not isinstance(data, dict) or not isinstance(data.get("method"), str):
        raise GoogleApiError(
            400, "A fault needs 'method': a method id such as 'sheets.spreadsheets.get', or '*'."
        )
    resource = data.get("spreadsheet_id") or data.get("file_id") or data.get("resource_id")
    rule = FaultRule(
        id=secrets.token_hex(6),
        method=data["method"],
        resource_id=str(resource) if resource else None,
        rate_429=_rate(data, "rate_429"),
        rate_500=_rate(data, "rate_500"),
        rate_503=_rate(data, "rate_503"),
        drop_rate=_rate(data, "drop_rate"),
        delay_ms=_count(data, "delay_ms", 0) or 0,
        times=_count(data, "times", None),
        seed=_count(data, "seed", 0) or 0,
        hold=_flag(data, "hold"),
    )
    if rule.rate_429 + rule.rate_500 + rule.rate_503 + rule.drop_rate > 1 + 1e-9:
        raise GoogleApiError(400, "The rates of one fault add up to more than 1.")
    return rule


def attach(state: EmulatorState) -> None:
    """Drop every rule (letting held requests go) when the state is reset."""
    state.on_reset(faults(state).clear)


def inject_fault() -> Response | None:
    """Before each request (once it is counted): apply the first matching rule."""
    method = request.endpoint or ""
    if not method.startswith(API_METHOD_PREFIXES):
        return None
    book = faults(current_state())
    rule, fault, hold = book.decide(method, resource_id())
    if rule is None:
        return None
    if hold:
        book.wait_while_held(rule)
    if rule.delay_ms:
        time.sleep(rule.delay_ms / 1000)
    if fault == "drop":
        request.environ[DROP_FLAG] = True
        return Response(status=500)
    if fault is not None:
        raise injected_error(method, int(fault))
    return None


@blueprint.post("/faults", endpoint="add")
def add_fault() -> Any:
    """Add a fault rule."""
    rule = parse_rule(request.get_json(silent=True))
    faults(current_state()).add(rule)
    return jsonify(rule.to_json())


@blueprint.get("/faults", endpoint="list")
def list_faults() -> Any:
    return jsonify({"faults": faults(current_state()).rules()})


@blueprint.delete("/faults", endpoint="clear")
def clear_faults() -> Any:
    faults(current_state()).clear(request.args.get("id"))
    return jsonify({})
