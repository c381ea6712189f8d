"""A gateway builds a MAP's read and its Drive version request once and executes the
same request again on the next call (``SheetsGateway._built_once``)."""

from __future__ import annotations

from typing import Any

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
