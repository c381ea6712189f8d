"""Real Sheets clients pointed at the emulator, checking every answer they get.

``sheets_service`` is google-api-python-client's Sheets v4 client and ``gspread_client``
is gspread with a requests session that sends Google's hosts to the emulator. Both
check every body the emulator answers: a success against the discovery schema of the
method that answered (found from the emulator's route, named by the method id), an
error against Google's error shape.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import google.oauth2.credentials
import google_auth_httplib2
import gspread
import httplib2
import requests
from googleapiclient.discovery import build
from werkzeug.exceptions import HTTPException

from emulator.tests.discovery_schema import response_schema, schema_errors

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def check_answer(server: Any, method: str, url: str, status: int, content: bytes) -> None:
    """Fail when the emulator's answer does not have the shape Google gives it."""
    path = urlsplit(url).path
    try:
        endpoint, _ = server.app.url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return
    if not content:
        return
    body = json.loads(content)
    if status >= 400:
        error = body.get("error", {})
        assert {"code", "message"} <= set(error), (
            f"{method} {path}: not Google's error shape: {body}"
        )
        assert error["code"] == status, f"{method} {path}: error code {error['code']} != {status}"
        return
    api, _, _ = str(endpoint).partition(".")
    if api not in ("sheets", "drive"):
        return
    version = "v4" if api == "sheets" else "v3"
    schema = response_schema(api, version, str(endpoint))
    errors = schema_errors(api, version, schema, body)
    assert not errors, f"{method} {path} answered outside the {schema} schema: {errors[:5]}"


class _CheckedHttp(httplib2.Http):  # type: ignore[misc]
    def __init__(self, server: Any) -> None:
        super().__init__(timeout=30)
        self.server = server

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        response, content = super().request(uri, method, *args, **kwargs)
        check_answer(self.server, method, uri, int(response.status), content)
        return response, content


def sheets_service(server: Any, token: str = "any-token") -> Any:
    """google-api-python-client's Sheets v4 client, talking to the emulator as ``token``."""
    credentials = google.oauth2.credentials.Credentials(token)  # type: ignore[no-untyped-call]
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=_CheckedHttp(server))
    return build(
        "sheets",
        "v4",
        http=http,
        client_options={"api_endpoint": f"{server.url}/"},
        static_discovery=True,
        cache_discovery=False,
    )


class _EmulatorSession(requests.Session):
    """A requests session that sends Google's API hosts to the emulator."""

    def __init__(self, server: Any, token: str) -> None:
        super().__init__()
        self.server = server
        self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        target = url.decode() if isinstance(url, bytes) else url
        for host in GOOGLE_HOSTS:
            if target.startswith(host):
                target = self.server.url + target[len(host) :]
        response = super().request(method, target, *args, **kwargs)
        verb = method.decode() if isinstance(method, bytes) else method
        check_answer(
            self.server, verb.upper(), response.url, response.status_code, response.content
        )
        return response


def gspread_client(server: Any, token: str = "any-token") -> gspread.Client:
    """gspread, unchanged, with a session that reaches the emulator."""
    session = _EmulatorSession(server, token)
    return gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
