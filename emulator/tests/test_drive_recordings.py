"""Replays the Drive calls of real recorded Google traffic against the emulator.

The recordings (gspread's test suite talking to the real APIs) live in the shared
``google-recordings`` folder beside the project. For every recorded Drive v3 call, in
order, the emulator must answer the same status with a body of the same shape: the
same keys, and the same values for what does not depend on the moment or the account
(``kind``, ``mimeType``, and ``name`` where a file is made).

Left out of the comparison: ids (mapped from the recording's to the emulator's); times;
which files a list finds (the recording account had others); the CSV content of exports
and names read back later (they depend on the Sheets calls between, not replayed here);
calls on files of the recording account that the scenario did not make. Drive v2
uploads (gspread's ``import_csv``) are not emulated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator.tests.recordings import ABSENT_REASON, recordings_dir

RECORDINGS = recordings_dir()
DRIVE = "https://www.googleapis.com/drive/v3/"
ID = re.compile(r"[A-Za-z0-9_-]{30,}")
STABLE_KEYS = ("kind", "name", "mimeType")


def recordings_with_drive_calls() -> list[Path]:
    if not RECORDINGS.is_dir():
        return []
    found = []
    for path in sorted(RECORDINGS.glob("*.json")):
        if DRIVE in path.read_text():
            found.append(path)
    return found


def drive_calls(path: Path) -> list[dict[str, Any]]:
    interactions = json.loads(path.read_text())["interactions"]
    return [i for i in interactions if i["request"]["uri"].startswith(DRIVE)]


def body_of(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def same_shape(
    recorded: Any, answered: Any, where: str, stable: tuple[str, ...] = STABLE_KEYS
) -> None:
    if isinstance(recorded, dict):
        assert isinstance(answered, dict), f"{where}: expected an object"
        assert set(answered) == set(recorded), f"{where}: keys differ"
        for key in stable:
            if key in recorded and isinstance(recorded[key], str):
                assert answered[key] == recorded[key], f"{where}.{key}"
        if "files" in recorded and recorded["files"] and answered["files"]:
            same_shape(recorded["files"][0], answered["files"][0], f"{where}.files[0]", ())


@pytest.mark.skipif(not RECORDINGS.is_dir(), reason=ABSENT_REASON)
@pytest.mark.parametrize(
    "recording", recordings_with_drive_calls(), ids=lambda p: p.stem.split(".", 1)[-1]
)
def test_the_emulator_answers_recorded_drive_calls_as_google_did(
    emulator: Any, recording: Path
) -> None:
    ids: dict[str, str] = {}
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer <ACCESS_TOKEN>"
        for n, interaction in enumerate(drive_calls(recording)):
            request, response = interaction["request"], interaction["response"]
            unknown = [i for i in ID.findall(request["uri"]) if i not in ids]
            if unknown:
                continue  # a file of the recording account that this scenario did not make
            uri = ID.sub(lambda m: ids[m.group(0)], request["uri"])
            answer = session.request(
                request["method"],
                emulator.url + "/drive/v3/" + uri.removeprefix(DRIVE),
                data=(request.get("body") or "").encode() or None,
                headers={"Content-Type": "application/json"} if request.get("body") else {},
                timeout=10,
            )
            where = f"{request['method']} #{n}"
            assert answer.status_code == response["status"]["code"], where
            recorded_body = body_of(response["body"]["string"])
            if isinstance(recorded_body, dict) and "id" in recorded_body:
                ids.setdefault(recorded_body["id"], answer.json()["id"])
            if "/export" in uri:
                assert answer.headers["Content-Type"].startswith("text/csv")
            elif recorded_body is not None:
                # Names can change through Sheets calls, which are not replayed here.
                stable = STABLE_KEYS if request["method"] == "POST" else ("kind", "mimeType")
                same_shape(recorded_body, answer.json(), where, stable)
