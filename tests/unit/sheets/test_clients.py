"""The Google clients are built from discovery documents cut to the gateway's calls:
each of those calls still builds the request Google expects, and nothing else is built."""

from __future__ import annotations

import pytest

from service.sheets.clients import _JsonModel, _resources


def test_each_call_the_gateway_makes_builds_googles_request() -> None:
    api = _resources(None)
    sheets = "https://sheets.googleapis.com/v4/spreadsheets"
    drive = "https://www.googleapis.com/drive/v3"
    built = [
        api.spreadsheets.get(spreadsheetId="s1", fields="properties"),
        api.spreadsheets.create(body={}, fields="spreadsheetId"),
        api.spreadsheets.batchUpdate(spreadsheetId="s1", body={"requests": []}),
        api.spreadsheets.values().batchUpdateByDataFilter(spreadsheetId="s1", body={}),
        api.files.get(fileId="s1", fields="version"),
        api.files.watch(fileId="s1", body={}),
        api.permissions.create(fileId="s1", body={}),
        api.channels.stop(body={}),
        api.revisions.list(fileId="s1"),
    ]
    assert [(r.method, r.uri.split("?")[0]) for r in built] == [
        ("GET", f"{sheets}/s1"),
        ("POST", sheets),
        ("POST", f"{sheets}/s1:batchUpdate"),
        ("POST", f"{sheets}/s1/values:batchUpdateByDataFilter"),
        ("GET", f"{drive}/files/s1"),
        ("POST", f"{drive}/files/s1/watch"),
        ("POST", f"{drive}/files/s1/permissions"),
        ("POST", f"{drive}/channels/stop"),
        ("GET", f"{drive}/files/s1/revisions"),
    ]


def test_a_call_the_gateway_does_not_make_is_not_built() -> None:
    api = _resources(None)
    with pytest.raises(AttributeError):
        api.files.delete(fileId="s1")


def test_a_reply_is_read_from_its_bytes_and_one_that_is_not_json_comes_back_as_text() -> None:
    model = _JsonModel(data_wrapper=False)
    reply = '{"properties": {"title": "Mutual Action Plan · Acmé"}, "n": 2.5}'.encode()
    assert model.deserialize(reply) == {
        "properties": {"title": "Mutual Action Plan · Acmé"},
        "n": 2.5,
    }
    assert model.deserialize(reply.decode()) == model.deserialize(reply)
    assert model.deserialize("<html>Bad gateway · retry</html>".encode()) == (
        "<html>Bad gateway · retry</html>"
    )
