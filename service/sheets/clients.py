"""Build :class:`SheetsGateway` objects: for Google, or for the local emulator.

The discovery documents are the ones shipped inside google-api-python-client, parsed
once per process; building a gateway is then cheap enough to do per thread (its
connections, :class:`~service.sheets.transport.KeptConnections`, are not thread-safe, so
every thread needs its own).

Credentials:
- ``google`` mode: a service-account key file, else Application Default Credentials;
- ``local`` mode: a service-account key file issued by the emulator, whose token URI is
  the emulator's, so the same google-auth code path runs as in production;
- a person's OAuth access token (the seller's, for the one request that creates their
  MAP): :func:`user_credentials`.

:class:`PerThreadGateways` keeps one gateway per thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from typing import Any

import google.auth
import google_auth_httplib2
import httplib2
from google.auth import credentials as auth_credentials
from google.auth.credentials import Credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.model import JsonModel

from service import json_documents
from service.sheets.budget import SheetsBudget
from service.sheets.errors import SellerTokenRejected
from service.sheets.gateway import ApiResources, RetryPolicy, SheetsGateway
from service.sheets.transport import KeptConnections

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)


# The calls the gateway makes, by API: resource -> its methods and sub-resources. The
# discovery documents describe hundreds more; google-api-python-client builds a method
# object with a long generated docstring for every one of them (about 65 MiB in each
# process). Building from a document cut to these calls, with its prose removed, keeps
# one process's Google clients under 10 MiB. A call the gateway starts making must be
# added here (its first use fails at once, in every test that makes it).
GATEWAY_CALLS: dict[str, dict[str, Any]] = {
    "sheets": {
        "spreadsheets": {
            "methods": ("get", "create", "batchUpdate"),
            "resources": {"values": {"methods": ("batchUpdateByDataFilter",)}},
        },
    },
    "drive": {
        "files": {"methods": ("get", "watch")},
        "permissions": {"methods": ("create",)},
        "channels": {"methods": ("stop",)},
        "revisions": {"methods": ("list",)},
    },
}


@cache
def _discovery(service: str, version: str) -> dict[str, Any]:
    """The discovery document shipped with google-api-python-client, cut to the
    gateway's calls (:data:`GATEWAY_CALLS`) and without descriptions."""
    text = get_static_doc(service, version)
    if text is None:
        raise RuntimeError(
            f"google-api-python-client ships no discovery document for {service} {version}"
        )
    document: dict[str, Any] = json.loads(text)
    document["resources"] = _only(document["resources"], GATEWAY_CALLS[service])
    stripped: dict[str, Any] = _without_descriptions(document)
    return stripped


def _only(resources: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, calls in wanted.items():
        resource = resources[name]
        cut = {k: v for k, v in resource.items() if k not in ("methods", "resources")}
        cut["methods"] = {m: resource["methods"][m] for m in calls.get("methods", ())}
        if "resources" in calls:
            cut["resources"] = _only(resource["resources"], calls["resources"])
        kept[name] = cut
    return kept


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _without_descriptions(v)
            for k, v in node.items()
            if k not in ("description", "enumDescriptions")
        }
    if isinstance(node, list):
        return [_without_descriptions(v) for v in node]
    return node


class _JsonModel(JsonModel):  # type: ignore[misc]
    """google-api-python-client's JSON model, its replies parsed by
    :func:`service.json_documents.parse` (the same Python values as ``json.loads``, in
    less CPU: a sync's read is about 100 KB of JSON at 15 milestones), its request
    bodies written by :func:`service.json_documents.ascii_text` (byte for byte what
    ``json.dumps`` writes: ASCII, as a text body must be). A reply that is not JSON is
    returned as text, as the library's model does."""

    def serialize(self, body_value: Any) -> str:
        if isinstance(body_value, dict) and "data" not in body_value and self._data_wrapper:
            body_value = {"data": body_value}
        return json_documents.ascii_text(body_value)

    def deserialize(self, content: Any) -> Any:
        # Bytes, as the transport gives them, parsed as they are: no text made of them
        # first (a reply with one character beyond ASCII would be decoded to a text of
        # two or four bytes a character, then encoded back to UTF-8 by the parser).
        try:
            body = json_documents.parse(content)
        except ValueError:
            with suppress(AttributeError):
                content = content.decode("utf-8")
            return content
        if self._data_wrapper and "data" in body:
            body = body["data"]
        return body


@cache
def _resources(api_root: str | None) -> ApiResources:
    """The API resources, built once per process and API root (from the cut documents of
    :func:`_discovery`: google-api-python-client spends time and memory generating each
    method's docstring). They only build requests; every gateway executes them on its
    own connections."""
    unused = httplib2.Http()  # requests always run with the gateway's own http
    sheets_options = {"api_endpoint": f"{api_root}/"} if api_root else None
    drive_options = {"api_endpoint": f"{api_root}/drive/v3/"} if api_root else None
    sheets = build_from_document(
        _discovery("sheets", "v4"), http=unused, client_options=sheets_options, model=_JsonModel()
    )
    drive = build_from_document(
        _discovery("drive", "v3"), http=unused, client_options=drive_options, model=_JsonModel()
    )
    return ApiResources(
        spreadsheets=sheets.spreadsheets(),
        files=drive.files(),
        permissions=drive.permissions(),
        channels=drive.channels(),
        revisions=drive.revisions(),
    )


def build_gateway(
    credentials: Credentials,
    *,
    api_root: str | None = None,
    timeout_s: float = 20.0,
    retry: RetryPolicy | None = None,
    budget: SheetsBudget | None = None,
) -> SheetsGateway:
    """A gateway using ``credentials``; ``api_root`` is the emulator's base URL, or None
    for Google's own hosts; ``budget`` counts its Sheets calls. Cheap: only its
    connections are its own."""
    connections = KeptConnections(timeout_s)
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=connections)
    return SheetsGateway(
        _resources(api_root), http, retry=retry, close=connections.close, budget=budget
    )


class PersonAccessToken(auth_credentials.Credentials):
    """A person's short-lived access token, used as it is. It cannot be refreshed: when
    Google refuses it, the request fails with :class:`SellerTokenRejected` (the add-on
    asks for a fresh one) rather than with google-auth's refresh error."""

    def __init__(self, token: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.token = token

    def refresh(self, request: Any) -> None:
        raise SellerTokenRejected(
            "Google did not accept the seller's access token (expired or revoked); "
            "reopen the add-on and try again"
        )


def user_credentials(access_token: str) -> Credentials:
    """Credentials for one request made as a person, from their short-lived token."""
    return PersonAccessToken(access_token)


def service_account_credentials(
    key_file: str = "", key_info: dict[str, Any] | None = None
) -> Credentials:
    """The backend's own credentials: a key (file or parsed), else Application Default
    Credentials (App Engine's service account in production)."""
    factory = service_account.Credentials
    if key_info is not None:
        info_credentials: Credentials = factory.from_service_account_info(  # type: ignore[no-untyped-call]
            key_info, scopes=SCOPES
        )
        return info_credentials
    if key_file:
        file_credentials: Credentials = factory.from_service_account_file(  # type: ignore[no-untyped-call]
            key_file, scopes=SCOPES
        )
        return file_credentials
    credentials, _ = google.auth.default(scopes=SCOPES)
    return credentials


class PerThreadGateways:
    """One gateway per thread, built on first use by ``build`` and kept: building one costs
    google-api-python-client tens of milliseconds, and its connections are not
    thread-safe. The end of a use (``with gateways() as g``) leaves its connections open
    for the thread's next use (``SheetsGateway.keep_open``: no new TCP and TLS handshake
    per sync; a connection Google has closed while idle is opened again); :meth:`close`
    closes them all."""

    def __init__(self, build: Callable[[], SheetsGateway]) -> None:
        self._build = build
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[SheetsGateway] = []

    def __call__(self) -> SheetsGateway:
        gateway: SheetsGateway | None = getattr(self._local, "gateway", None)
        if gateway is None:
            gateway = self._build()
            gateway.keep_open()
            self._local.gateway = gateway
            with self._lock:
                self._all.append(gateway)
        return gateway

    def close(self) -> None:
        with self._lock:
            built, self._all = self._all, []
        for gateway in built:
            gateway.close()
