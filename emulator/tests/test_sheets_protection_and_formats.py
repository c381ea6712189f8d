"""Protected ranges, conditional formats, data validation and named ranges, through
google-api-python-client, with a second user where access matters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from emulator.state import DEFAULT_USER, Permission
from emulator.tests.infra_clients import access_token, unique_email
from emulator.tests.sheets_clients import sheets_service

PROTECTED = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


@pytest.fixture
def owner(emulator: Any) -> Iterator[Any]:
    service = sheets_service(emulator)
    yield service.spreadsheets()
    service.close()


@pytest.fixture
def sid(owner: Any) -> str:
    spreadsheet_id: str = owner.create(body={"properties": {"title": "Protected"}}).execute()[
        "spreadsheetId"
    ]
    return spreadsheet_id


@pytest.fixture
def buyer(emulator: Any, sid: str) -> Iterator[Any]:
    """A second user the spreadsheet is shared with as a writer."""
    email = unique_email("buyer")
    permission = Permission(id="buyer", type="user", role="writer", email_address=email)
    emulator.state.files[sid].permissions.append(permission)
    service = sheets_service(emulator, access_token(emulator.url, email))
    yield service.spreadsheets()
    service.close()


def cells(rows: tuple[int, int], cols: tuple[int, int]) -> dict[str, int]:
    return {
        "sheetId": 0,
        "startRowIndex": rows[0],
        "endRowIndex": rows[1],
        "startColumnIndex": cols[0],
        "endColumnIndex": cols[1],
    }


def batch(spreadsheets: Any, sid: str, *requests: dict[str, Any]) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = spreadsheets.batchUpdate(
        spreadsheetId=sid, body={"requests": list(requests)}
    ).execute()["replies"]
    return replies


def message(exc: HttpError) -> str:
    text: str = json.loads(exc.content)["error"]["message"]
    return text


# The two requests gspread's add_protected_range sends and what Google answered
# (recorded: WorksheetTest.test_add_protected_range_normal and ..._warning): the reply
# echoes the requested editors, {} when there are none or when a warning-only range
# ignores them; a read lists the creator as an editor, warning-only or not, to those
# who may edit the range (the buyer, a writer, only when it is warning-only).
@pytest.mark.parametrize(
    ("warning_only", "editors"), [(False, {"users": [], "groups": []}), (True, None)]
)
def test_adding_a_protected_range_makes_its_creator_an_editor_warning_only_or_not(
    owner: Any, buyer: Any, sid: str, warning_only: bool, editors: Any
) -> None:
    [reply] = batch(
        owner,
        sid,
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": cells((0, 2), (0, 2)),
                    "description": None,
                    "warningOnly": warning_only,
                    "requestingUserCanEdit": False,
                    "editors": editors,
                }
            }
        },
    )
    added = reply["addProtectedRange"]["protectedRange"]
    assert added == {
        "protectedRangeId": added["protectedRangeId"],
        "range": {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
        **({"warningOnly": True} if warning_only else {}),
        "requestingUserCanEdit": True,
        "editors": {},
    }
    [stored] = owner.get(spreadsheetId=sid, fields="sheets.protectedRanges").execute()["sheets"][0][
        "protectedRanges"
    ]
    assert stored == {**added, "editors": {"users": [DEFAULT_USER]}}
    [seen] = buyer.get(spreadsheetId=sid, fields="sheets.protectedRanges").execute()["sheets"][0][
        "protectedRanges"
    ]
    assert ("editors" in seen) is warning_only


def test_a_protected_range_keeps_other_users_out_and_a_warning_only_one_does_not(
    owner: Any, buyer: Any, sid: str
) -> None:
    batch(
        owner,
        sid,
        {
            "addProtectedRange": {
                "protectedRange": {"range": cells((0, 10), (0, 1)), "description": "milestone ids"}
            }
        },
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": cells((0, 10), (1, 2)),
                    "description": "computed",
                    "warningOnly": True,
                }
            }
        },
    )
    values = buyer.values()
    with pytest.raises(HttpError) as caught:
        values.update(
            spreadsheetId=sid, range="A2", valueInputOption="RAW", body={"values": [["m-9"]]}
        ).execute()
    assert (caught.value.status_code, message(caught.value)) == (400, PROTECTED)
    with pytest.raises(HttpError) as caught:
        batch(
            buyer,
            sid,
            {
                "repeatCell": {
                    "range": cells((1, 2), (0, 2)),
                    "cell": {"note": "x"},
                    "fields": "note",
                }
            },
        )
    assert message(caught.value) == f"Invalid requests[0].repeatCell: {PROTECTED}"
    values.update(
        spreadsheetId=sid, range="B2", valueInputOption="RAW", body={"values": [["edited"]]}
    ).execute()
    owner.values().update(
        spreadsheetId=sid, range="A2", valueInputOption="RAW", body={"values": [["m-1"]]}
    ).execute()
    seen = buyer.get(spreadsheetId=sid, fields="sheets.protectedRanges").execute()["sheets"][0][
        "protectedRanges"
    ]
    assert "editors" not in seen[0] and "requestingUserCanEdit" not in seen[0]
    assert seen[1]["warningOnly"] is True and seen[1]["requestingUserCanEdit"] is True


def test_protected_ranges_can_be_updated_and_deleted_by_their_editors(
    owner: Any, buyer: Any, sid: str
) -> None:
    [reply] = batch(
        owner, sid, {"addProtectedRange": {"protectedRange": {"range": cells((0, 1), (0, 26))}}}
    )
    protected_id = reply["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    with pytest.raises(HttpError):
        batch(buyer, sid, {"deleteProtectedRange": {"protectedRangeId": protected_id}})
    batch(
        owner,
        sid,
        {
            "updateProtectedRange": {
                "protectedRange": {"protectedRangeId": protected_id, "warningOnly": True},
                "fields": "warningOnly",
            }
        },
    )
    batch(buyer, sid, {"deleteProtectedRange": {"protectedRangeId": protected_id}})
    assert owner.get(spreadsheetId=sid, fields="sheets.protectedRanges").execute() == {
        "sheets": [{}]
    }


def test_conditional_format_rules_are_added_moved_updated_and_deleted_in_order(
    owner: Any, sid: str
) -> None:
    def rule(text: str) -> dict[str, Any]:
        return {
            "ranges": [cells((1, 20), (3, 4))],
            "booleanRule": {
                "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]},
                "format": {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}},
            },
        }

    batch(
        owner,
        sid,
        {"addConditionalFormatRule": {"rule": rule("Overdue"), "index": 0}},
        {"addConditionalFormatRule": {"rule": rule("At risk"), "index": 1}},
    )
    [moved] = batch(
        owner, sid, {"updateConditionalFormatRule": {"sheetId": 0, "index": 1, "newIndex": 0}}
    )
    assert moved["updateConditionalFormatRule"]["oldIndex"] == 1
    assert "newIndex" not in moved["updateConditionalFormatRule"]
    stored = owner.get(spreadsheetId=sid, fields="sheets.conditionalFormats").execute()["sheets"][
        0
    ]["conditionalFormats"]
    assert [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in stored] == [
        "At risk",
        "Overdue",
    ]
    assert stored[0]["booleanRule"]["format"]["backgroundColor"] == {
        "red": 1,
        "green": 0.8,
        "blue": 0.8,
    }
    assert stored[0]["ranges"] == [
        {"startRowIndex": 1, "endRowIndex": 20, "startColumnIndex": 3, "endColumnIndex": 4}
    ]
    [deleted] = batch(owner, sid, {"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}})
    assert deleted["deleteConditionalFormatRule"]["rule"]["booleanRule"]["condition"]["values"] == [
        {"userEnteredValue": "At risk"}
    ]
    batch(
        owner,
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 5}
            }
        },
    )
    after = owner.get(spreadsheetId=sid, fields="sheets.conditionalFormats.ranges").execute()
    assert after["sheets"][0]["conditionalFormats"][0]["ranges"][0]["startRowIndex"] == 6


def test_data_validation_is_stored_on_every_cell_of_its_range(owner: Any, sid: str) -> None:
    rule = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": v} for v in ("Not started", "Done")],
        },
        "strict": True,
        "showCustomUi": True,
    }
    batch(owner, sid, {"setDataValidation": {"range": cells((1, 3), (4, 5)), "rule": rule}})
    got = owner.get(
        spreadsheetId=sid, ranges=["E1:E4"], fields="sheets.data.rowData.values.dataValidation"
    ).execute()
    rows = got["sheets"][0]["data"][0]["rowData"]
    assert rows == [
        {},
        {"values": [{"dataValidation": rule}]},
        {"values": [{"dataValidation": rule}]},
    ]
    batch(owner, sid, {"setDataValidation": {"range": cells((1, 2), (4, 5))}})
    got = owner.get(
        spreadsheetId=sid, ranges=["E2:E3"], fields="sheets.data.rowData.values.dataValidation"
    ).execute()
    assert got["sheets"][0]["data"][0]["rowData"] == [{}, {"values": [{"dataValidation": rule}]}]
    with pytest.raises(HttpError) as caught:
        batch(
            owner,
            sid,
            {
                "setDataValidation": {
                    "range": cells((0, 1), (0, 1)),
                    "rule": {"condition": {"type": "ONE_OF_LIST"}},
                }
            },
        )
    assert message(caught.value).startswith("Invalid requests[0].setDataValidation: ")


def test_named_ranges_are_added_read_through_values_and_moved_with_rows(
    owner: Any, sid: str
) -> None:
    [reply] = batch(
        owner,
        sid,
        {"addNamedRange": {"namedRange": {"name": "GoLive", "range": cells((0, 1), (1, 2))}}},
    )
    named = reply["addNamedRange"]["namedRange"]
    assert named["name"] == "GoLive" and named["namedRangeId"].isdigit()
    owner.values().update(
        spreadsheetId=sid,
        range="GoLive",
        valueInputOption="USER_ENTERED",
        body={"values": [["2027-03-01"]]},
    ).execute()
    batch(
        owner,
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
            }
        },
    )
    assert owner.values().get(spreadsheetId=sid, range="GoLive").execute()["range"] == "Sheet1!B2"
    with pytest.raises(HttpError):
        batch(
            owner,
            sid,
            {"addNamedRange": {"namedRange": {"name": "golive", "range": cells((0, 1), (0, 1))}}},
        )


def test_a_protected_sheet_cannot_be_renamed_or_deleted_by_others(
    owner: Any, buyer: Any, sid: str
) -> None:
    [reply] = batch(owner, sid, {"addSheet": {"properties": {"title": "History"}}})
    history = reply["addSheet"]["properties"]["sheetId"]
    batch(
        owner,
        sid,
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": history}, "description": "append-only log"}
            }
        },
    )
    for request in (
        {
            "updateSheetProperties": {
                "properties": {"sheetId": history, "title": "Mine"},
                "fields": "title",
            }
        },
        {"deleteSheet": {"sheetId": history}},
    ):
        with pytest.raises(HttpError) as caught:
            batch(buyer, sid, request)
        assert message(caught.value).endswith(PROTECTED)
    batch(
        owner,
        sid,
        {
            "updateSheetProperties": {
                "properties": {"sheetId": history, "title": "Log"},
                "fields": "title",
            }
        },
    )
