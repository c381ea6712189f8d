"""The only code that talks to Google's Sheets and Drive APIs (or the local emulator).

Calls go through google-api-python-client, on :mod:`service.sheets.transport`'s
connections. Every call has a timeout (the connection's); Google's errors become
:mod:`service.sheets.errors` exceptions here.

Retries: bounded exponential backoff with jitter. Reads and other idempotent calls are
retried on 429, 5xx, timeouts and dropped connections. With a budget
(:mod:`service.sheets.budget`, the service account's), every Sheets call takes a unit
first and a 429 is not retried: it spends the minute's budget and is raised with the
seconds to wait, for the queue to schedule the sync then. A ``batchUpdate`` is retried only
on 429 (Google rejects over-quota calls before doing anything); after a 5xx or a dropped
connection it may or may not have been applied, so it is not repeated blindly: the
caller learns the outcome from the write token on its next read (see
``google_map_sheets.py`` and ``service.services.guarded_write``).
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

import service.sheets.errors as errors
import service.sheets.layout as layout
import service.sheets.read_reply as read_reply
from service import json_documents
from service.services.map_sheets import Channel
from service.sheets.budget import CallKind, SheetsBudget
from service.sheets.reader import READ_FIELDS

_CONNECTION_ERRORS = (
    ConnectionError,
    TimeoutError,
    socket.timeout,
    ssl.SSLError,
    http.client.HTTPException,
    httplib2.HttpLib2Error,
)
_RETRY_STATUSES = {429, 500, 502, 503, 504}
# The requests a gateway keeps built (two or three a MAP: its read, with or without the
# History and Reviews rows, and its Drive version).
_KEPT_REQUESTS = 64


VERSION_FIELDS = "version,modifiedTime,lastModifyingUser(emailAddress)"
REVISION_FIELDS = (
    "nextPageToken,revisions(modifiedTime,lastModifyingUser(emailAddress,displayName))"
)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff, capped, with full jitter over its upper half."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2**attempt))
        return float(ceiling * random.uniform(0.5, 1.0))


@dataclass(frozen=True)
class ApiResources:
    """google-api-python-client resources that build requests (shared by gateways)."""

    spreadsheets: Any
    files: Any
    permissions: Any
    channels: Any
    revisions: Any


class SheetsGateway:
    """Sheets and Drive for one set of credentials (the service account, or a seller
    for the one request that creates their MAP). Not thread-safe: one per thread."""

    def __init__(
        self,
        resources: ApiResources,
        http: Any,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        close: Callable[[], None] | None = None,
        budget: SheetsBudget | None = None,
    ) -> None:
        self._spreadsheets = resources.spreadsheets
        self._files = resources.files
        self._permissions = resources.permissions
        self._channels = resources.channels
        self._revisions = resources.revisions
        self._http = http
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._close = close
        self._budget = budget
        self._kept = False
        # Built requests by (call, file id): a sync's read and its Drive version checks
        # are the same requests each time, built by google-api-python-client once and
        # executed again (as a retry executes one again).
        self._built: dict[tuple[str, str], Any] = {}

    def close(self) -> None:
        """Close the gateway's connections (it reconnects when used again)."""
        if self._close is not None:
            self._close()

    def keep_open(self) -> None:
        """From now on, the end of a use (``with gateway:``) leaves the connections open
        for the next use (a gateway kept per thread: a sync then makes no new TCP and TLS
        connections); :meth:`close` still closes them."""
        self._kept = True

    def __enter__(self) -> SheetsGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._kept:
            self.close()

    # -- Sheets ------------------------------------------------------------------------
    def read_map(
        self, spreadsheet_id: str, *, history: bool = True, reviews: bool = True
    ) -> dict[str, Any]:
        """The Plan tab with grid data and row metadata, the History tab's Milestone to
        Event columns, the Reviews tab's dates (without ``history`` or ``reviews``, those
        tabs' header rows alone), the Timeline tab (its values: a few cells a milestone,
        and the week dates) and the other tabs' properties: one ``spreadsheets.get``."""
        history_range = layout.HISTORY_READ_RANGE if history else layout.HISTORY_HEADER_RANGE
        reviews_range = layout.REVIEWS_READ_RANGE if reviews else layout.REVIEWS_HEADER_RANGE
        request = self._built_once(
            (f"read_map {history:d}{reviews:d}", spreadsheet_id),
            lambda: read_reply.parsed_by_rows(  # rows as they were, the objects they were
                self._spreadsheets.get(
                    spreadsheetId=spreadsheet_id,
                    ranges=[
                        layout.PLAN_TAB,
                        f"'{layout.HISTORY_TAB}'!{history_range}",
                        f"'{layout.REVIEWS_TAB}'!{reviews_range}",
                        layout.TIMELINE_TAB,
                    ],
                    includeGridData=True,
                    fields=READ_FIELDS,
                )
            ),
        )
        result: dict[str, Any] = self._call(request, idempotent=True, kind="read")
        return result

    def read_tabs(self, spreadsheet_id: str) -> dict[str, Any]:
        """Tab properties and spreadsheet-level metadata, without cell data."""
        request = self._spreadsheets.get(
            spreadsheetId=spreadsheet_id,
            fields="spreadsheetId,properties.title,sheets.properties,developerMetadata",
        )
        result: dict[str, Any] = self._call(request, idempotent=True, kind="read")
        return result

    def create_spreadsheet(self, body: dict[str, Any]) -> str:
        request = self._spreadsheets.create(body=body, fields="spreadsheetId")
        # Not retried after an uncertain failure: a retry could make a second file.
        result = self._call(request, idempotent=False, kind="write")
        return str(result["spreadsheetId"])

    def batch_update(
        self,
        spreadsheet_id: str,
        requests: Sequence[dict[str, Any]],
        *,
        response_ranges: Sequence[str] = (),
    ) -> dict[str, Any]:
        """One atomic ``batchUpdate``; with ``response_ranges``, Google's reply carries
        those cells as they are right after the write."""
        body: dict[str, Any] = {"requests": list(requests)}
        if response_ranges:
            body.update(
                includeSpreadsheetInResponse=True,
                responseRanges=list(response_ranges),
                responseIncludeGridData=True,
            )
        built = self._built_once(
            ("batch_update", spreadsheet_id),
            lambda: self._spreadsheets.batchUpdate(spreadsheetId=spreadsheet_id, body={}),
        )
        result: dict[str, Any] = self._call(_with_body(built, body), idempotent=False, kind="write")
        return result

    def update_row_by_metadata(
        self,
        spreadsheet_id: str,
        *,
        sheet_id: int,
        key: str,
        value: str,
        values: Sequence[Any],
    ) -> dict[str, Any]:
        """Write ``values`` (``None`` leaves a cell as it is) along the row that carries
        the developer metadata ``key`` = ``value`` on sheet ``sheet_id``, wherever it is
        now: one ``values.batchUpdateByDataFilter``, RAW (text is never parsed). Setting
        the same values twice is harmless, so it is retried."""
        body = {
            "valueInputOption": "RAW",
            "data": [
                {
                    "dataFilter": {
                        "developerMetadataLookup": {
                            "metadataKey": key,
                            "metadataValue": value,
                            "metadataLocation": {"sheetId": sheet_id},
                        }
                    },
                    "majorDimension": "ROWS",
                    "values": [list(values)],
                }
            ],
        }
        request = self._spreadsheets.values().batchUpdateByDataFilter(
            spreadsheetId=spreadsheet_id, body=body
        )
        result: dict[str, Any] = self._call(request, idempotent=True, kind="write")
        return result

    # -- Drive ---------------------------------------------------------------------------
    def can_edit(self, file_id: str) -> bool:
        """Whether these credentials may edit the file: Drive's ``files.get`` with
        ``capabilities(canEdit)``. :class:`~service.sheets.errors.SheetNotFound` when
        they cannot see it at all (Drive answers 404 for a file not shared with them)."""
        request = self._files.get(
            fileId=file_id, fields="capabilities(canEdit)", supportsAllDrives=True
        )
        result: dict[str, Any] = self._call(request, idempotent=True)
        return bool(result.get("capabilities", {}).get("canEdit", False))

    def file_version(self, file_id: str) -> dict[str, Any]:
        """The file's Drive ``version`` (it goes up with every change to the file), with
        its ``modifiedTime`` and ``lastModifyingUser``'s email."""
        request = self._built_once(
            ("file_version", file_id),
            lambda: self._files.get(fileId=file_id, fields=VERSION_FIELDS, supportsAllDrives=True),
        )
        result: dict[str, Any] = self._call(request, idempotent=True)
        return result

    def share(self, file_id: str, email: str, *, role: str, message: str, notify: bool) -> str:
        body = {"type": "user", "role": role, "emailAddress": email}
        kwargs: dict[str, Any] = {"sendNotificationEmail": notify}
        if notify and message:
            kwargs["emailMessage"] = message
        request = self._permissions.create(
            fileId=file_id, body=body, fields="id", supportsAllDrives=True, **kwargs
        )
        # Creating the same permission twice is harmless, so retrying is safe.
        return str(self._call(request, idempotent=True)["id"])

    def watch(
        self, file_id: str, *, channel_id: str, token: str, address: str, expiration_ms: int
    ) -> Channel:
        body = {
            "id": channel_id,
            "type": "web_hook",
            "address": address,
            "token": token,
            "expiration": str(expiration_ms),
        }
        request = self._files.watch(fileId=file_id, body=body, supportsAllDrives=True)
        result = self._call(request, idempotent=True)
        return Channel(
            channel_id=str(result.get("id", channel_id)),
            resource_id=str(result.get("resourceId", "")),
            expiration_ms=int(result.get("expiration", expiration_ms)),
        )

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        request = self._channels.stop(body={"id": channel_id, "resourceId": resource_id})
        with suppress(errors.SheetNotFound):  # already gone
            self._call(request, idempotent=True)

    def revisions(self, file_id: str) -> list[dict[str, Any]]:
        """The file's revisions, oldest first: ``modifiedTime`` and
        ``lastModifyingUser``'s email and name, every page."""
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request = self._revisions.list(
                fileId=file_id,
                pageSize=1000,
                pageToken=token,
                fields=REVISION_FIELDS,
            )
            result = self._call(request, idempotent=True)
            found.extend(result.get("revisions", []))
            token = result.get("nextPageToken")
            if not token:
                return found

    # -- plumbing ----------------------------------------------------------------------
    def _built_once(self, key: tuple[str, str], build: Callable[[], Any]) -> Any:
        """The request ``build`` makes, kept for the next call with the same ``key`` (the
        oldest kept one let go past :data:`_KEPT_REQUESTS`)."""
        request = self._built.get(key)
        if request is None:
            if len(self._built) >= _KEPT_REQUESTS:
                del self._built[next(iter(self._built))]
            request = self._built[key] = build()
        return request

    def _call(self, request: Any, *, idempotent: bool, kind: CallKind | None = None) -> Any:
        """Run ``request``; ``kind`` marks a Sheets call, which takes one unit of the
        budget first (every attempt is a call Google counts)."""
        attempt = 0
        while True:
            try:
                if kind is not None and self._budget is not None:
                    self._budget.take(kind)  # QuotaBudgetSpent: Google is not asked
                return request.execute(http=self._http, num_retries=0)
            except HttpError as exc:
                status = int(exc.resp.status)
                # With a budget, a 429 is not tried again here: it spends the minute's
                # budget and goes back to the queue, which waits for the next minute.
                budgeted = kind is not None and self._budget is not None
                retryable = (status == 429 and not budgeted) or (
                    idempotent and status in _RETRY_STATUSES and status != 429
                )
                if not retryable or attempt >= self._retry.max_retries:
                    raise self._translated(exc, kind) from exc
            except auth_exceptions.RefreshError as exc:
                # Google refused the credentials (an expired or revoked token).
                raise errors.PermissionDenied(
                    "Google refused the credentials (expired or revoked)", status=401
                ) from exc
            except (*_CONNECTION_ERRORS, auth_exceptions.TransportError) as exc:
                if not idempotent or attempt >= self._retry.max_retries:
                    raise errors.GoogleUnavailable(
                        f"Google did not answer ({type(exc).__name__})", status=503
                    ) from exc
            self._sleep(self._retry.delay(attempt))
            attempt += 1

    def _translated(self, exc: HttpError, kind: CallKind | None) -> errors.GoogleError:
        """Google's error as ours; a quota refusal also spends this minute's budget, so
        every instance slows down until Google's minute has passed."""
        error = translate(exc)
        if isinstance(error, errors.RateLimited) and kind is not None and self._budget:
            error.retry_after_s = self._budget.spent_by_google(kind)
        return error


def translate(exc: HttpError) -> errors.GoogleError:
    """Google's HttpError as one of ours, with Google's message."""
    status = int(exc.resp.status)
    message = _message(exc)
    kind: type[errors.GoogleError]
    if status == 404:
        kind = errors.SheetNotFound
    elif status in (401, 403):
        kind = (
            errors.RateLimited
            if "rate" in message.casefold() and status == 403
            else errors.PermissionDenied
        )
    elif status == 429:
        kind = errors.RateLimited
    elif status == 400:
        kind = errors.InvalidRequest
    elif status >= 500:
        kind = errors.GoogleUnavailable
    else:
        kind = errors.GoogleError
    return kind(message, status=status)


def _message(exc: HttpError) -> str:
    try:
        body = json.loads(exc.content.decode("utf-8"))
        return str(body["error"]["message"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return str(exc.reason or f"HTTP {exc.resp.status}")


def _with_body(built: Any, body: dict[str, Any]) -> HttpRequest:
    """A request as ``built`` (a POST google-api-python-client built for the same
    spreadsheet) with ``body``, written as the client's JSON model writes a body
    (``clients._JsonModel.serialize``: ``json_documents.ascii_text``). Building each
    ``batchUpdate`` anew parsed the method's URI template and checked its parameters
    every time, more CPU than sending it; the address, headers and reply handling are
    the same for every write to a spreadsheet."""
    return HttpRequest(
        built.http,
        built.postproc,
        built.uri,
        method=built.method,
        body=json_documents.ascii_text(body),
        headers=dict(built.headers),
        methodId=built.methodId,
    )
