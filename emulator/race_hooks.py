"""Race hooks: put a person's edit between two of the backend's requests.

    POST /__emulator/race-hooks
        {"method": "sheets.spreadsheets.values.batchGet",  # the request to follow
         "spreadsheet_id": "ID",
         "after": 1,                 # fire after the Nth matching request (default 1)
         "user": "buyer@example.com",
         "batch_update": {"requests": [...]}                  # a batchUpdate body, or
         "values_update": {"range": "Plan!B5", "values": [["x"]],
                           "value_input_option": "RAW"}}    -> {"id": ..., "status": "armed"}
    GET    /__emulator/race-hooks                           -> {"hooks": [...]}
    DELETE /__emulator/race-hooks[?id=ID]

A matching request counts when it succeeds (a 2xx answer). When the Nth one has run,
the edit is applied, as ``user``, before that request's response leaves the emulator:
so it lands after the caller's read and before anything the caller sends next. Each
hook fires once; its status becomes ``fired`` (or ``failed`` with the error).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, request

from emulator.context import current_state
from emulator.counters import resource_id
from emulator.errors import GoogleApiError
from emulator.sheets.spreadsheet_ops import apply_batch_update
from emulator.sheets.values_ops import apply_values_update
from emulator.state import DEFAULT_USER, EmulatorState

# Nested in the control blueprint: endpoints ``emulator.race_hooks.*``.
blueprint = Blueprint("race_hooks", __name__)


@dataclass
class RaceHook:
    id: str
    method: str
    spreadsheet_id: str
    after: int
    user: str
    batch_update: dict[str, Any] | None = None
    values_update: dict[str, Any] | None = None
    seen: int = 0
    status: str = "armed"
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "method": self.method,
            "spreadsheet_id": self.spreadsheet_id,
            "after": self.after,
            "user": self.user,
            "seen": self.seen,
            "status": self.status,
        }
        if self.error:
            body["error"] = self.error
        return body


class RaceHooks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hooks: list[RaceHook] = []

    def add(self, hook: RaceHook) -> None:
        with self._lock:
            self._hooks.append(hook)

    def clear(self, hook_id: str | None = None) -> None:
        with self._lock:
            self._hooks = [h for h in self._hooks if hook_id is not None and h.id != hook_id]

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [h.to_json() for h in self._hooks]

    def due(self, method: str, spreadsheet_id: str) -> list[RaceHook]:
        """Count a completed request; the hooks that fire on it now."""
        fired: list[RaceHook] = []
        with self._lock:
            for hook in self._hooks:
                if hook.status != "armed" or hook.method != method:
                    continue
                if hook.spreadsheet_id != spreadsheet_id:
                    continue
                hook.seen += 1
                if hook.seen >= hook.after:
                    hook.status = "firing"
                    fired.append(hook)
        return fired


def race_hooks(state: EmulatorState) -> RaceHooks:
    hooks: RaceHooks = state.extensions.setdefault("race_hooks", RaceHooks())
    return hooks


def apply_edit(state: EmulatorState, hook: RaceHook) -> None:
    """Make the hook's edit through the Sheets model, as its user."""
    with state.lock:
        if hook.batch_update is not None:
            apply_batch_update(state, hook.spreadsheet_id, hook.batch_update, hook.user)
        elif hook.values_update is not None:
            edit = hook.values_update
            apply_values_update(
                state,
                hook.spreadsheet_id,
                edit["range"],
                edit["values"],
                edit.get("value_input_option", "USER_ENTERED"),
                hook.user,
            )


def parse_hook(data: Any) -> RaceHook:
    if not isinstance(data, dict):
        raise GoogleApiError(400, "Expected a JSON object body.")
    method, sheet = data.get("method"), data.get("spreadsheet_id") or data.get("file_id")
    if not isinstance(method, str) or not isinstance(sheet, str):
        raise GoogleApiError(400, "A race hook needs 'method' and 'spreadsheet_id'.")
    batch, values = data.get("batch_update"), data.get("values_update")
    if (batch is None) == (values is None):
        raise GoogleApiError(400, "Give exactly one of 'batch_update' and 'values_update'.")
    if values is not None and not (
        isinstance(values, dict)
        and isinstance(values.get("range"), str)
        and isinstance(values.get("values"), list)
    ):
        raise GoogleApiError(400, "'values_update' needs 'range' and 'values'.")
    if batch is not None and not isinstance(batch, dict):
        raise GoogleApiError(400, "'batch_update' must be a batchUpdate request body.")
    after = data.get("after", 1)
    if isinstance(after, bool) or not isinstance(after, int) or after < 1:
        raise GoogleApiError(400, "'after' must be a whole number, 1 or more.")
    return RaceHook(
        id=secrets.token_hex(6),
        method=method,
        spreadsheet_id=sheet,
        after=after,
        user=str(data.get("user") or DEFAULT_USER),
        batch_update=batch,
        values_update=values,
    )


def attach(state: EmulatorState) -> None:
    """Drop every hook when the state is reset."""
    state.on_reset(race_hooks(state).clear)


def fire_race_hooks(response: Response) -> Response:
    """After each request's view, before its response leaves: apply the edits of the
    hooks a successful API request makes due."""
    method = request.endpoint or ""
    if not 200 <= response.status_code < 300 or not method.startswith(("sheets.", "drive.")):
        return response
    state = current_state()
    for hook in race_hooks(state).due(method, resource_id()):
        try:
            apply_edit(state, hook)
            hook.status = "fired"
        except GoogleApiError as exc:
            hook.status, hook.error = "failed", exc.message
        except Exception as exc:  # report the failure to the test, keep serving
            hook.status, hook.error = "failed", f"{type(exc).__name__}: {exc}"
    return response


@blueprint.post("/race-hooks", endpoint="add")
def add_hook() -> Any:
    """Arm a hook that applies an edit after the Nth matching request."""
    hook = parse_hook(request.get_json(silent=True))
    race_hooks(current_state()).add(hook)
    return jsonify(hook.to_json())


@blueprint.get("/race-hooks", endpoint="list")
def list_hooks() -> Any:
    return jsonify({"hooks": race_hooks(current_state()).all()})


@blueprint.delete("/race-hooks", endpoint="clear")
def clear_hooks() -> Any:
    race_hooks(current_state()).clear(request.args.get("id"))
    return jsonify({})
