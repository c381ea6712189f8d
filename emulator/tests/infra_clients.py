"""Helpers for the emulator's infrastructure tests: real clients pointed at it.

Every client here is the real library (google-api-python-client, google-auth,
requests) talking HTTP to a running emulator; only its endpoint is changed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import google.oauth2.credentials
import pytest
import requests
from googleapiclient.discovery import build

SPREADSHEET = "application/vnd.google-apps.spreadsheet"
FOLDER = "application/vnd.google-apps.folder"


# The emulator keeps connections alive, as Google does; every client a test builds is
# closed after the test so no socket is left for the garbage collector.
_open_clients: list[Any] = []


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    """Close the API clients a test built (import into a test module to use)."""
    yield
    while _open_clients:
        _open_clients.pop().close()


def _track(service: Any) -> Any:
    _open_clients.append(service)
    return service


def user_credentials(token: str) -> Any:
    """google-auth's user credentials holding just an access token."""
    return google.oauth2.credentials.Credentials(token)  # type: ignore[no-untyped-call]


def service_account_credentials(info: dict[str, Any], **kwargs: Any) -> Any:
    """google-auth's service-account credentials from a key file's JSON."""
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, **kwargs
    )


def id_token_credentials(info: dict[str, Any], target_audience: str) -> Any:
    from google.oauth2 import service_account

    return service_account.IDTokenCredentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, target_audience=target_audience
    )


def unique_email(name: str = "person", domain: str = "example.com") -> str:
    return f"{name}.{secrets.token_hex(4)}@{domain}"


def access_token(url: str, email: str, expires_in: int = 3600) -> str:
    """An access token the emulator minted for ``email``."""
    response = requests.post(
        f"{url}/__emulator/oidc/access-token",
        json={"email": email, "expires_in": expires_in},
        timeout=10,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def drive_for(url: str, email: str | None = None, *, token: str | None = None) -> Any:
    """A Drive v3 client acting as ``email`` (or with the given bearer token)."""
    if token is None:
        token = access_token(url, email) if email else "any-token"
    credentials = user_credentials(token)
    return _track(
        build(
            "drive",
            "v3",
            credentials=credentials,
            client_options={"api_endpoint": f"{url}/drive/v3/"},
            static_discovery=True,
            cache_discovery=False,
        )
    )


def sheets_for(url: str, email: str | None = None) -> Any:
    token = access_token(url, email) if email else "any-token"
    credentials = user_credentials(token)
    return _track(
        build(
            "sheets",
            "v4",
            credentials=credentials,
            client_options={"api_endpoint": f"{url}/"},
            static_discovery=True,
            cache_discovery=False,
        )
    )


def new_spreadsheet(drive: Any, name: str | None = None) -> dict[str, Any]:
    body = {"name": name or f"MAP {secrets.token_hex(3)}", "mimeType": SPREADSHEET}
    created: dict[str, Any] = drive.files().create(body=body, supportsAllDrives=True).execute()
    return created


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    """Call a control endpoint and return its JSON."""
    response = requests.request(method, f"{url}/__emulator/{path}", timeout=10, **kwargs)
    response.raise_for_status()
    return response.json()


def assert_matches_drive_schema(body: Any, schema: str) -> None:
    """``body`` has only fields of Drive's ``schema``, each of the right JSON type.

    Uses the shared discovery validator (``discovery_schema.py``) when it is there,
    else this small check against ``drive.v3.json`` from google-api-python-client.
    """
    try:
        from emulator.tests import discovery_schema  # type: ignore[attr-defined]
    except ImportError:
        discovery_schema = None
    validate = getattr(discovery_schema, "assert_matches_schema", None)
    if validate is not None:
        validate("drive", "v3", schema, body)
        return
    _check(body, {"$ref": schema}, schema)


def _drive_schemas() -> dict[str, Any]:
    import json
    from importlib import resources

    doc = resources.files("googleapiclient") / "discovery_cache" / "documents" / "drive.v3.json"
    schemas: dict[str, Any] = json.loads(doc.read_text())["schemas"]
    return schemas


_JSON_TYPES: dict[str, Any] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
    "array": list,
    "object": dict,
}


def _check(value: Any, spec: dict[str, Any], where: str) -> None:
    if "$ref" in spec:
        spec = _drive_schemas()[spec["$ref"]]
    kind = spec.get("type", "object")
    if kind == "any":
        return
    expected = _JSON_TYPES[kind]
    assert isinstance(value, expected), f"{where}: {value!r} is not a JSON {kind}"
    if kind == "array":
        for i, item in enumerate(value):
            _check(item, spec.get("items", {"type": "any"}), f"{where}[{i}]")
    elif kind == "object" and "properties" in spec:
        for key, item in value.items():
            assert key in spec["properties"], f"{where}: '{key}' is not a field of the schema"
            _check(item, spec["properties"][key], f"{where}.{key}")
    elif kind == "object" and "additionalProperties" in spec:
        for key, item in value.items():
            _check(item, spec["additionalProperties"], f"{where}.{key}")
