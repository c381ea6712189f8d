"""Secret Manager's ``versions.access``, enough for a backend that reads a password at
start, and a control endpoint to put secrets in.

    GET /v1/projects/<p>/secrets/<s>/versions/<v>:access   (Authorization: Bearer ...)
        -> {"name": ".../versions/1", "payload": {"data": base64}}
    PUT /__emulator/secrets   {"name": "projects/<p>/secrets/<s>", "value": "..."}

Each secret has one version, ``1``, also reachable as ``latest``.
"""

from __future__ import annotations

import base64
import re
import threading
from typing import Any

from flask import Blueprint, jsonify, request

from emulator.context import current_state
from emulator.errors import GoogleApiError
from emulator.state import EmulatorState
from emulator.users import resolve_caller

SECRET_NAME = re.compile(r"^projects/[^/]+/secrets/[A-Za-z0-9_-]{1,255}$")

api = Blueprint("secret_manager", __name__)
# Nested in the control blueprint: endpoints ``emulator.secrets.*``.
blueprint = Blueprint("secrets", __name__)


class Secrets:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, str] = {}

    def put(self, name: str, value: str) -> None:
        with self._lock:
            self._values[name] = value

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._values.get(name)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def secrets(state: EmulatorState) -> Secrets:
    found: Secrets = state.extensions.setdefault("secrets", Secrets())
    return found


def attach(state: EmulatorState) -> None:
    state.on_reset(secrets(state).clear)


@api.get(
    "/v1/projects/<project>/secrets/<secret>/versions/<version>:access",
    endpoint="access",
)
def access(project: str, secret: str, version: str) -> Any:
    state = current_state()
    resolve_caller(state, request.headers.get("Authorization"), drive=False)
    name = f"projects/{project}/secrets/{secret}"
    value = secrets(state).get(name)
    if value is None or version not in ("1", "latest"):
        raise GoogleApiError(404, f"Secret Version [{name}/versions/{version}] not found.")
    data = base64.b64encode(value.encode()).decode()
    return jsonify({"name": f"{name}/versions/1", "payload": {"data": data}})


@blueprint.put("/secrets", endpoint="put")
def put_secret() -> Any:
    body = request.get_json(silent=True)
    name = body.get("name") if isinstance(body, dict) else None
    value = body.get("value") if isinstance(body, dict) else None
    if not isinstance(name, str) or not SECRET_NAME.match(name):
        raise GoogleApiError(400, "'name' must be projects/<project>/secrets/<secret>.")
    if not isinstance(value, str):
        raise GoogleApiError(400, "'value' must be a string.")
    secrets(current_state()).put(name, value)
    return jsonify({"name": name})
