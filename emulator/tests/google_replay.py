"""Replaying recorded Google traffic against the emulator and comparing the answers.

A recording (vcrpy JSON) is a list of request/response pairs from a real session.
:class:`Replay` sends each request, in order, to the running emulator and compares
the emulator's status and JSON body with Google's.

The normalisations it applies and the interactions it leaves out are listed, each
with its reason, in ``test_google_recordings.py``; nothing else is relaxed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from werkzeug.exceptions import MethodNotAllowed, NotFound

from emulator.sheets.model import Spreadsheet
from emulator.state import DEFAULT_USER, SPREADSHEET_MIME, DriveFile, new_file_id
from emulator.tests.discovery_schema import response_schema, schema_errors

STRING_ID_KEYS = {"spreadsheetId", "id", "namedRangeId", "destinationSpreadsheetId"}
INT_ID_KEYS = {
    "sheetId",
    "sourceSheetId",
    "newSheetId",
    "protectedRangeId",
    "metadataId",
    "filterViewId",
    "bandedRangeId",
}
_FILE_ID = re.compile(r"/(?:spreadsheets|files)/([A-Za-z0-9_-]{25,})")
_NUMERIC_IN_PATH = re.compile(r"/(sheets|developerMetadata)/(\d+)")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_SERVICE_ACCOUNT = re.compile(r"^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$")
CALLER = "<the caller>"
OTHER_ACCOUNT = "someone.else@example.com"

MATCHED = "matched"
MISMATCH = "mismatch"
OUT_OF_SCOPE = "out of scope"
MISSING_ROUTE = "missing route"


@dataclass
class Outcome:
    index: int
    call: str
    verdict: str
    reason: str = ""


@dataclass
class Replay:
    """One recording replayed against a running emulator (``server.url``, ``.app``)."""

    server: Any
    session: requests.Session
    ids: dict[str, str] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)
    tainted: dict[str, str] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)

    # -- running ---------------------------------------------------------------------
    def run(self, interactions: list[dict[str, Any]]) -> list[Outcome]:
        for index, interaction in enumerate(interactions):
            self.outcomes.append(self.step(index, interaction))
        return self.outcomes

    def step(self, index: int, interaction: dict[str, Any]) -> Outcome:
        request, response = interaction["request"], interaction["response"]
        method = request["method"]
        parts = urlsplit(request["uri"])
        call = f"{method} {parts.path}"
        status = int(response["status"]["code"])
        recorded = _json_or_text(response["body"]["string"])
        if parts.path.startswith("/upload/drive/v2/"):
            # gspread's import_csv uploads through Drive v2; the product and its
            # emulator speak Drive v3 only. What the upload changes is untestable after.
            for recorded_id in _FILE_ID.findall(parts.path):
                self.tainted[recorded_id] = "the Drive v2 upload"
            return Outcome(index, call, OUT_OF_SCOPE, "Drive v2 uploads are not emulated (v3 only)")
        if method == "GET" and parts.path == "/drive/v3/files":
            return Outcome(
                index, call, OUT_OF_SCOPE, "files.list lists the recording account's whole Drive"
            )
        for recorded_id in _FILE_ID.findall(parts.path):
            if recorded_id in self.tainted:
                verdict = (
                    OUT_OF_SCOPE
                    if self.tainted[recorded_id] == "the Drive v2 upload"
                    else MISSING_ROUTE
                )
                return Outcome(index, call, verdict, f"depends on {self.tainted[recorded_id]}")
            if recorded_id not in self.ids:
                foreign = self.foreign(recorded_id, status)
                if foreign is not None:
                    return Outcome(index, call, OUT_OF_SCOPE, foreign)
        path = self.rewrite_uri(parts.path)
        query = self.rewrite_uri(parts.query)
        if not self.route_exists(method, path):
            route = _FILE_ID.sub(lambda m: m.group(0).replace(m.group(1), "<id>"), parts.path)
            for recorded_id in _FILE_ID.findall(parts.path):
                self.tainted[recorded_id] = f"{method} {route}"
            return Outcome(
                index, call, MISSING_ROUTE, f"Drive route {method} {route} not in the emulator yet"
            )
        body = request.get("body")
        data, headers = self.rewrite_body(body)
        answer = self.session.request(
            method,
            self.server.url + path + (f"?{query}" if query else ""),
            data=data,
            headers=headers,
            timeout=30,
        )
        actual = _json_or_text(answer.text)
        if isinstance(recorded, dict | list) and isinstance(actual, dict | list):
            self.learn(recorded, actual)
        problems = self.schema_problems(method, path, answer.status_code, actual)
        if problems:
            return Outcome(index, call, MISMATCH, f"outside the discovery schema: {problems}")
        if answer.status_code != status:
            return Outcome(
                index,
                call,
                MISMATCH,
                f"status {answer.status_code} != {status}: {answer.text[:300]}",
            )
        difference = compare(self.expected(recorded), normalise(actual))
        if difference:
            return Outcome(index, call, MISMATCH, difference)
        return Outcome(index, call, MATCHED)

    def route_exists(self, method: str, path: str) -> bool:
        adapter = self.server.app.url_map.bind("localhost")
        try:
            adapter.match(path, method=method)
        except (NotFound, MethodNotAllowed):
            return False
        return True

    def schema_problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """How a Sheets answer strays from its method's discovery schema (Drive's are
        checked by the Drive tests)."""
        if status >= 300 or not isinstance(body, dict):
            return []
        endpoint, _ = self.server.app.url_map.bind("localhost").match(path, method=method)
        if not str(endpoint).startswith("sheets."):
            return []
        schema = response_schema("sheets", "v4", str(endpoint))
        return schema_errors("sheets", "v4", schema, body)[:3]

    def foreign(self, recorded_id: str, status: int) -> str | None:
        """Reproduce a file the session did not make; or say why it cannot be."""
        if status == 404:
            self.ids[recorded_id] = new_file_id()
            return None
        if status == 403:
            file_id = new_file_id()
            self.server.state.add_file(
                DriveFile(
                    id=file_id,
                    name="Someone else's spreadsheet",
                    mime_type=SPREADSHEET_MIME,
                    owner=OTHER_ACCOUNT,
                    spreadsheet=Spreadsheet.new(file_id, "Someone else's spreadsheet"),
                )
            )
            self.ids[recorded_id] = file_id
            return None
        return "reads a spreadsheet that existed in the recording account before the session"

    # -- ids ---------------------------------------------------------------------------
    def rewrite_uri(self, text: str) -> str:
        for recorded, mine in self.ids.items():
            text = text.replace(recorded, mine)
        return _NUMERIC_IN_PATH.sub(
            lambda m: f"/{m.group(1)}/{self.numbers.get(int(m.group(2)), int(m.group(2)))}", text
        )

    def rewrite_body(self, body: Any) -> tuple[bytes | None, dict[str, str]]:
        if not body:
            return None, {}
        parsed = _json_or_text(body)
        if isinstance(parsed, dict | list):
            rewritten = self.map_ids(parsed)
            return json.dumps(rewritten).encode(), {"Content-Type": "application/json"}
        return str(body).encode(), {"Content-Type": "text/plain"}

    def map_ids(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.map_ids(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.map_ids(v, key) for v in value]
        if key in INT_ID_KEYS and isinstance(value, int) and not isinstance(value, bool):
            return self.numbers.get(value, value)
        if key in INT_ID_KEYS and isinstance(value, str) and value.isdigit():
            return str(self.numbers.get(int(value), int(value)))
        if isinstance(value, str):
            for recorded, mine in self.ids.items():
                value = value.replace(recorded, mine)
        return value

    def learn(self, recorded: Any, actual: Any, key: str = "") -> None:
        """Map the recorded ids to the ones the emulator answered at the same place."""
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for k, v in recorded.items():
                if k in actual:
                    self.learn(v, actual[k], k)
        elif isinstance(recorded, list) and isinstance(actual, list):
            for r, a in zip(recorded, actual, strict=False):
                self.learn(r, a, key)
        elif key in STRING_ID_KEYS and isinstance(recorded, str) and isinstance(actual, str):
            self.ids.setdefault(recorded, actual)
        elif key in INT_ID_KEYS and isinstance(recorded, int) and isinstance(actual, int):
            self.numbers.setdefault(recorded, actual)

    def expected(self, recorded: Any) -> Any:
        return normalise(self.map_ids(recorded))


def normalise(value: Any, key: str = "") -> Any:
    """The parts of a body that are compared, with the normalisations above applied."""
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if isinstance(value, str):
        if _TIMESTAMP.match(value):
            return "<timestamp>"
        if _SERVICE_ACCOUNT.match(value) or value == DEFAULT_USER:
            return CALLER
        return value.replace("\r\n", "\n")
    return value


def compare(expected: Any, actual: Any, where: str = "$") -> str:
    """'' when equal, else where and how the first difference is."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {_short(actual)}"
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            return f"{where}: missing {missing}, unexpected {extra}"
        for key in expected:
            found = compare(expected[key], actual[key], f"{where}.{key}")
            if found:
                return found
        return ""
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{where}: expected a list, got {_short(actual)}"
        if len(expected) != len(actual):
            return f"{where}: {len(actual)} items instead of {len(expected)}: {_short(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = compare(e, a, f"{where}[{i}]")
            if found:
                return found
        return ""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return (
            "" if expected is actual else f"{where}: {_short(actual)} instead of {_short(expected)}"
        )
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return (
            "" if float(expected) == float(actual) else f"{where}: {actual} instead of {expected}"
        )
    return "" if expected == actual else f"{where}: {_short(actual)} instead of {_short(expected)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "..."


def _json_or_text(raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not raw:
        return ""
    try:
        return json.loads(raw)
    except ValueError:
        return raw
