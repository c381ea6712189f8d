"""The sync's read parsed so that a row as it was is the object it was
(``service/sheets/read_reply.py``): the values ``json.loads`` gives, rows the same
objects as in the last read where their bytes are the same, every field the read asks
for kept."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from service.sheets import read_reply
from service.sheets.reader import READ_FIELDS


def _reply(titles: list[str], notes: str = "", *, indent: int | None = None) -> bytes:
    rows = [
        {
            "values": [
                {"userEnteredValue": {"stringValue": title}, "formattedValue": title},
                {"userEnteredValue": {"numberValue": 46568}, "formattedValue": "Jun 30, 2027"},
                {"note": notes, "userEnteredFormat": {"backgroundColor": {"red": 0.8509804}}},
            ]
        }
        for title in titles
    ]
    metadata: list[dict[str, Any]] = [{} for _ in range(len(titles) + 100)]
    metadata[1] = {"developerMetadata": [{"metadataId": 7, "metadataKey": "milestone"}]}
    document = {
        "spreadsheetId": "s1",
        "properties": {"title": "Mutual Action Plan · Ünïcode 北京", "locale": "en_US"},
        "developerMetadata": [{"metadataId": 1, "metadataKey": "map_id", "metadataValue": "x"}],
        "sheets": [
            {
                "properties": {"sheetId": 1001, "title": "Plan", "gridProperties": {"rowCount": 9}},
                "conditionalFormats": [{"ranges": [{"sheetId": 1001}]}],
                "protectedRanges": [{"protectedRangeId": 3, "range": {"sheetId": 1001}}],
                "data": [{"startRow": 0, "rowData": rows, "rowMetadata": metadata}],
            },
            {"properties": {"sheetId": 1004, "title": "History"}, "data": [{"startColumn": 2}]},
        ],
    }
    return json.dumps(document, indent=indent, ensure_ascii=False).encode()


def _mask_fields(mask: str) -> dict[str, frozenset[str]]:
    """The names a fields mask asks for at each level the frame types (top-level
    names, those inside ``sheets(...)``, those inside ``data(...)``)."""

    def names(text: str) -> tuple[list[str], dict[str, str]]:
        found, inner, depth, start, open_at = [], {}, 0, 0, -1
        for i, ch in enumerate(text + ","):
            if ch == "(":
                if depth == 0:
                    open_at = i
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "," and depth == 0:
                part = text[start:i]
                name = part.split("(")[0].split(".")[0]
                found.append(name)
                if open_at > start:
                    inner[name] = text[open_at + 1 : i - 1]
                start, open_at = i + 1, -1
        return found, inner

    top, inner = names(mask)
    sheet, sheet_inner = names(inner["sheets"])
    data, _ = names(sheet_inner["data"])
    return {"spreadsheet": frozenset(top), "sheet": frozenset(sheet), "data": frozenset(data)}


def test_the_frame_names_every_field_the_read_asks_for() -> None:
    """msgspec drops a field the frame does not name: a field added to the read's mask
    must be added to the frame."""
    assert _mask_fields(READ_FIELDS) == read_reply.FRAME_FIELDS


@pytest.mark.parametrize("indent", [None, 2])
def test_a_reply_parses_to_what_json_loads_gives(indent: int | None) -> None:
    content = _reply(["Security review", "Legal redlines"], "Étude", indent=indent)
    assert read_reply.parse(content) == json.loads(content)
    assert read_reply.parse(content) == json.loads(content)  # and again, rows kept


def test_a_row_as_it_was_is_the_object_it_was_and_a_changed_row_is_new() -> None:
    first = read_reply.parse(_reply(["Security review", "Legal redlines", "Signature"]))
    later = read_reply.parse(_reply(["Security review", "Legal review", "Signature"]))
    before = first["sheets"][0]["data"][0]["rowData"]
    after = later["sheets"][0]["data"][0]["rowData"]
    assert after[0] is before[0] and after[2] is before[2]
    assert after[1] is not before[1]
    assert after[1]["values"][0]["formattedValue"] == "Legal review"
    assert later == json.loads(_reply(["Security review", "Legal review", "Signature"]))

    # A row inserted above moves the rows under it: they are parsed again, equal.
    moved = read_reply.parse(_reply(["Kick-off", "Security review", "Legal review"]))
    rows = moved["sheets"][0]["data"][0]["rowData"]
    assert rows[1] == after[0] and rows[2] == after[1]


def test_rows_without_metadata_are_one_empty_mapping_that_cannot_be_changed() -> None:
    parsed = read_reply.parse(_reply(["Security review", "Legal redlines"]))
    metadata = parsed["sheets"][0]["data"][0]["rowMetadata"]
    assert len(metadata) == 102 and metadata[0] == {} and not metadata[0]
    assert metadata[1]["developerMetadata"][0]["metadataId"] == 7
    with pytest.raises(TypeError):
        metadata[0]["developerMetadata"] = []
    copied = copy.deepcopy(parsed)  # as a plain empty dict, free to change
    copied["sheets"][0]["data"][0]["rowMetadata"][0]["developerMetadata"] = []
    assert metadata[0] == {}


def test_what_is_not_the_reads_json_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        read_reply.parse(b"<html>Service Unavailable</html>")
    with pytest.raises(ValueError):
        read_reply.parse(b'{"sheets": "not a list"}')
