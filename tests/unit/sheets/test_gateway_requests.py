"""A gateway builds a MAP's read and its Drive version request once and executes the
same request again on the next call (``SheetsGateway._built_once``)."""

from __future__ import annotations

from typing import Any

import httplib2

from service.sheets.clients import _resources
from service.sheets.gateway import _KEPT_REQUESTS, ApiResources, SheetsGateway


class Request:
    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply = reply
        self.executed = 0
        # As google-api-python-client's HttpRequest: what makes the reply's body a value.
        self.postproc = lambda response, content: content

    def execute(self, http: Any = None, num_retries: int = 0) -> dict[str, Any]:
        self.executed += 1
        return self.reply


class Builder:
    """A resource whose ``get`` builds a request: every one built is kept for checking."""

    def __init__(self) -> None:
        self.built: list[tuple[dict[str, Any], Request]] = []

    def get(self, **kwargs: Any) -> Request:
        request = Request({"version": "7", "spreadsheetId": "x"})
        self.built.append((kwargs, request))
        return request


def a_gateway() -> tuple[SheetsGateway, Builder, Builder]:
    sheets, files = Builder(), Builder()
    resources = ApiResources(sheets, files, None, None, None)
    return SheetsGateway(resources, http=object()), sheets, files


def test_the_same_read_and_version_requests_are_executed_again() -> None:
    gateway, sheets, files = a_gateway()
    for _ in range(3):
        gateway.read_map("s1")
        assert gateway.file_version("s1")["version"] == "7"
    assert len(sheets.built) == len(files.built) == 1
    assert sheets.built[0][1].executed == files.built[0][1].executed == 3
    gateway.read_map("s2")
    assert [kwargs["spreadsheetId"] for kwargs, _ in sheets.built] == ["s1", "s2"]


def test_a_gateway_keeps_a_bounded_number_of_requests() -> None:
    gateway, sheets, _ = a_gateway()
    for i in range(_KEPT_REQUESTS + 1):
        gateway.read_map(f"s{i}")
    gateway.read_map(f"s{_KEPT_REQUESTS}")  # kept
    gateway.read_map("s0")  # the oldest, let go: built again
    assert len(sheets.built) == _KEPT_REQUESTS + 2
    assert len(gateway._built) == _KEPT_REQUESTS


class RecordingHttp:
    """Where google-api-python-client sends a request: what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Any, dict[str, str]]] = []

    def request(
        self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **_: Any
    ) -> tuple[httplib2.Response, bytes]:
        self.sent.append((uri, method, body, dict(headers or {})))
        return httplib2.Response({"status": "200"}), b'{"spreadsheetId": "s1", "replies": []}'


def test_every_write_is_sent_as_the_client_library_builds_it() -> None:
    """A spreadsheet's ``batchUpdate`` is built once and sent again with each write's
    body: the address, method, body and headers a request built anew would send."""
    resources = _resources("http://emulator.invalid")
    http = RecordingHttp()
    gateway = SheetsGateway(resources, http=http)
    writes = [[{"updateCells": {"n": n, "note": "Étude · 北京"}}] for n in range(3)]
    for requests in writes:
        assert gateway.batch_update("s1", requests)["replies"] == []
    gateway.batch_update("s2", writes[0])

    for sid, requests in [
        ("s1", writes[0]),
        ("s1", writes[1]),
        ("s1", writes[2]),
        ("s2", writes[0]),
    ]:
        body = {"requests": requests}
        resources.spreadsheets.batchUpdate(spreadsheetId=sid, body=body).execute(http=http)
    ours, built_anew = http.sent[:4], http.sent[4:]
    assert ours == built_anew
    assert [uri.split("/")[-1].split(":")[0] for uri, *_ in ours] == ["s1", "s1", "s1", "s2"]
    assert len({body for _, _, body, _ in ours}) == 3
