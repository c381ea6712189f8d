"""``/__emulator``: health, reset and a look at the state. Local use only.

    GET  /__emulator/health  {"status": "ok", "files": N, "persistent": bool}
    POST /__emulator/reset   forget everything (in-memory emulators only; 409 otherwise)
    GET  /__emulator/files   every file: id, name, mimeType, owner, trashed, permissions

Faults, counters, race hooks, tokens, channels and invitations have their control
endpoints in their own modules (see ``docs/emulator.md``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from service.emulator.errors import GoogleApiError
from service.emulator.state import EmulatorState


def register(app: Flask, state: EmulatorState) -> None:
    @app.get("/__emulator/health", endpoint="emulator.health")
    def _health() -> Any:
        """Is the emulator up."""
        with state.lock:
            count = len(state.files)
        return jsonify({"status": "ok", "files": count, "persistent": state.data_dir is not None})

    @app.post("/__emulator/reset", endpoint="emulator.reset")
    def _reset() -> Any:
        """Forget all files, tokens, channels, faults, counters and hooks."""
        if state.data_dir is not None:
            raise GoogleApiError(
                409,
                "Reset is only for in-memory emulators; this one keeps its state on disk.",
                status="FAILED_PRECONDITION",
            )
        state.reset()
        return jsonify({})

    @app.get("/__emulator/files", endpoint="emulator.files")
    def _files() -> Any:
        """Every file with its owner and sharing, for tests and debugging."""
        with state.lock:
            files = [
                {
                    "id": f.id,
                    "name": f.name,
                    "mimeType": f.mime_type,
                    "owner": f.owner,
                    "trashed": f.trashed,
                    "version": f.version,
                    "permissions": [
                        {
                            "type": p.type,
                            "role": p.role,
                            "emailAddress": p.email_address,
                            "domain": p.domain,
                        }
                        for p in f.permissions
                    ],
                }
                for f in state.files.values()
            ]
        return jsonify({"files": files})
