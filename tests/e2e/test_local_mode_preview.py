"""The preview's endpoints over HTTP, on an emulator with a spreadsheet built through
the Sheets API: what a page is given to draw, edits as a person (with the emulator's
permissions), following changes, and the add-on's pages."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from emulator.preview.acting import Edited
from emulator.preview.addon import AddonConfig, configure
from emulator.preview.feed import version_feed
from emulator.preview.grid_view import column_letter
from emulator.preview.triggers import hook_payload
from emulator.server import EmulatorServer
from tests.clock import START
from tests.e2e.browser_stack import eventually
from tests.integration.web.tokens import access_token

OWNER = "sam@vendor.example"
WRITER = "dana@acme.example"
READER = "rita@acme.example"
STRANGER = "eve@else.example"
ROOT = Path(__file__).resolve().parents[2]
GREEN = {"red": 0.85, "green": 0.92, "blue": 0.83}


def _api(emulator_url: str, method: str, path: str, *, as_user: str = OWNER, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {access_token(emulator_url, as_user)}"}
    with requests.Session() as session:
        response = session.request(method, emulator_url + path, headers=headers, timeout=30, **kw)
    assert response.ok, response.text
    return response.json()


def _grid(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


@pytest.fixture
def spreadsheet(emulator: Any) -> str:
    """A two-tab spreadsheet with everything the preview draws, shared with a writer and
    a reader."""
    url = emulator.url
    created = _api(
        url,
        "POST",
        "/v4/spreadsheets",
        json={
            "properties": {"title": "Preview check"},
            "sheets": [
                {"properties": {"sheetId": 0, "title": "Plan"}},
                {"properties": {"sheetId": 7, "title": "Other"}},
            ],
        },
    )
    sid = created["spreadsheetId"]
    _api(
        url,
        "PUT",
        f"/v4/spreadsheets/{sid}/values/{quote('Plan!A1:E3')}",
        params={"valueInputOption": "USER_ENTERED"},
        json={
            "values": [
                ["The title", "", "", "Status", "Computed"],
                ["First", "hidden", "2027-01-05", "Done", "x"],
                ["Second", "", "42", "Not started", "y"],
            ]
        },
    )
    requests_ = [
        {"mergeCells": {"range": _grid(0, 0, 1, 0, 3), "mergeType": "MERGE_ALL"}},
        {
            "repeatCell": {
                "range": _grid(0, 0, 1, 0, 1),
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2},
                "properties": {"hiddenByUser": True},
                "fields": "hiddenByUser",
            }
        },
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        {
            "setDataValidation": {
                "range": _grid(0, 1, 10, 3, 4),
                "rule": {
                    "condition": {
                        "type": "ONE_OF_LIST",
                        "values": [{"userEnteredValue": v} for v in ("Not started", "Done")],
                    },
                    "showCustomUi": True,
                },
            }
        },
        {
            "addConditionalFormatRule": {
                "index": 0,
                "rule": {
                    "ranges": [_grid(0, 1, 10, 3, 4)],
                    "booleanRule": {
                        "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Done"}]},
                        "format": {"backgroundColor": GREEN},
                    },
                },
            }
        },
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": _grid(0, 1, 10, 4, 5),
                    "description": "Computed by the backend",
                    "warningOnly": True,
                }
            }
        },
        {
            "repeatCell": {
                "range": _grid(0, 1, 2, 0, 1),
                "cell": {"note": "Ask Dana"},
                "fields": "note",
            }
        },
    ]
    _api(url, "POST", f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": requests_})
    for email, role in ((WRITER, "writer"), (READER, "reader")):
        _api(
            url,
            "POST",
            f"/drive/v3/files/{sid}/permissions",
            params={"sendNotificationEmail": "false"},
            json={"type": "user", "role": role, "emailAddress": email},
        )
    return str(sid)


def preview(emulator_url: str, method: str, path: str, **kw: Any) -> requests.Response:
    with requests.Session() as session:
        return session.request(method, f"{emulator_url}/preview{path}", timeout=30, **kw)


def view_of(emulator_url: str, sid: str, as_user: str = OWNER) -> dict[str, Any]:
    response = preview(emulator_url, "GET", f"/api/sheets/{sid}", params={"as": as_user})
    assert response.ok, response.text
    body: dict[str, Any] = response.json()
    return body


def plan(view: dict[str, Any]) -> dict[str, Any]:
    tab: dict[str, Any] = view["tabs"][0]
    return tab


def edit(emulator_url: str, sid: str, row: int, col: int, value: Any, as_user: str) -> Any:
    body = {"as": as_user, "sheet_id": 0, "row": row, "col": col, "value": value}
    return preview(emulator_url, "POST", f"/api/sheets/{sid}/cell", json=body)


def test_the_view_draws_tabs_values_merges_hidden_columns_dropdowns_colours_protection_and_notes(
    emulator: Any, spreadsheet: str
) -> None:
    view = view_of(emulator.url, spreadsheet)
    assert view["title"] == "Preview check"
    assert [t["title"] for t in view["tabs"]] == ["Plan", "Other"]
    assert {p["email"]: p["role"] for p in view["people"]} == {
        OWNER: "owner",
        WRITER: "writer",
        READER: "reader",
    }
    tab = plan(view)
    assert tab["frozen_rows"] == 1
    assert tab["columns"][1]["hidden"] is True and tab["columns"][0]["hidden"] is False
    rows = tab["rows"]
    title = rows[0]["c"][0]
    assert title["v"] == "The title" and (title["rs"], title["cs"]) == (1, 3)
    assert "font-weight:bold" in title["st"]
    assert rows[0]["c"][1] == {"m": 1} and rows[0]["c"][2] == {"m": 1}
    assert rows[1]["c"][2]["v"] == "2027-01-05", "a date typed in shows as typed"
    assert "text-align:right" in rows[2]["c"][2]["st"], "numbers align right"
    done, not_started = rows[1]["c"][3], rows[2]["c"][3]
    assert done["dd"] == ["Not started", "Done"] and not_started["dd"] == done["dd"]
    assert "background-color:#d8ead3" in done["st"], "the TEXT_EQ rule colours Done"
    assert "background-color" not in not_started.get("st", "")
    assert rows[1]["c"][4]["p"] == {"d": "Computed by the backend", "w": True}
    assert "p" not in rows[1]["c"][3]
    assert rows[1]["c"][0]["n"] == "Ask Dana"
    assert [c["letter"] for c in tab["columns"][:3]] == ["A", "B", "C"]
    assert column_letter(27) == "AB"


def test_a_reader_can_look_but_not_edit_and_a_stranger_cannot_open_it(
    emulator: Any, spreadsheet: str
) -> None:
    assert view_of(emulator.url, spreadsheet, READER)["viewer"]["role"] == "reader"
    refused = edit(emulator.url, spreadsheet, 2, 3, "Done", READER)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "The caller does not have permission"
    stranger = preview(emulator.url, "GET", f"/api/sheets/{spreadsheet}", params={"as": STRANGER})
    assert stranger.status_code == 403
    assert plan(view_of(emulator.url, spreadsheet))["rows"][2]["c"][3]["v"] == "Not started"


def test_an_edit_lands_as_the_person_and_wakes_a_page_waiting_for_changes(
    emulator: Any, spreadsheet: str
) -> None:
    version = view_of(emulator.url, spreadsheet)["version"]
    answers: list[Any] = []

    def wait() -> None:
        path = f"/api/sheets/{spreadsheet}/changes"
        answers.append(preview(emulator.url, "GET", path, params={"since": version}))

    waiting = threading.Thread(target=wait)
    waiting.start()
    feed = version_feed(emulator.state)
    assert eventually(lambda: feed.waiting == 1), "the page's request never started waiting"
    assert not answers, "the page was answered before anything changed"
    edited = edit(emulator.url, spreadsheet, 2, 3, "Done", WRITER)
    assert edited.ok, edited.text
    assert edited.json() == {"sheet": "Plan", "a1": "D3", "value": "Done"}
    waiting.join(60)
    assert answers and answers[0].json()["version"] > version
    after = view_of(emulator.url, spreadsheet)
    cell = plan(after)["rows"][2]["c"][3]
    assert cell["v"] == "Done" and "background-color:#d8ead3" in cell["st"]
    files = _api(emulator.url, "GET", f"/drive/v3/files/{spreadsheet}", params={"fields": "*"})
    assert files["lastModifyingUser"]["emailAddress"] == WRITER


def test_a_row_inserted_below_and_then_deleted_moves_the_rows_under_it(
    emulator: Any, spreadsheet: str
) -> None:
    def first_column() -> list[str]:
        return [r["c"][0].get("v", "") for r in plan(view_of(emulator.url, spreadsheet))["rows"]]

    body = {"as": WRITER, "sheet_id": 0, "row": 1, "change": "INSERT_ROW"}
    inserted = preview(emulator.url, "POST", f"/api/sheets/{spreadsheet}/rows", json=body)
    assert inserted.ok, inserted.text
    assert first_column()[:4] == ["The title", "First", "", "Second"]
    body = {"as": WRITER, "sheet_id": 0, "row": 2, "change": "REMOVE_ROW"}
    removed = preview(emulator.url, "POST", f"/api/sheets/{spreadsheet}/rows", json=body)
    assert removed.ok, removed.text
    assert first_column()[:3] == ["The title", "First", "Second"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"as": WRITER, "sheet_id": 0, "row": 1, "col": 1, "value": 3}, "'value' must be text"),
        ({"as": WRITER, "sheet_id": 0, "row": -1, "col": 1, "value": "x"}, "'row' must be"),
        ({"as": "nobody", "sheet_id": 0, "row": 1, "col": 1, "value": "x"}, "'as' must be"),
        ({"as": WRITER, "sheet_id": 99, "row": 1, "col": 1, "value": "x"}, "No grid with id: 99"),
        (
            {"as": WRITER, "sheet_id": 0, "row": 5000, "col": 1, "value": "x"},
            "exceeds grid limits",
        ),
    ],
)
def test_a_bad_edit_gets_a_clear_error_and_changes_nothing(
    emulator: Any, spreadsheet: str, body: dict[str, Any], message: str
) -> None:
    version = view_of(emulator.url, spreadsheet)["version"]
    refused = preview(emulator.url, "POST", f"/api/sheets/{spreadsheet}/cell", json=body)
    assert refused.status_code == 400
    assert message in refused.json()["error"]["message"]
    assert view_of(emulator.url, spreadsheet)["version"] == version


def test_a_request_that_is_not_json_or_names_an_unknown_change_is_refused(
    emulator: Any, spreadsheet: str
) -> None:
    path = f"/api/sheets/{spreadsheet}/rows"
    not_json = preview(emulator.url, "POST", path, data="rows please")
    assert not_json.status_code == 400
    assert not_json.json()["error"]["message"] == "Expected a JSON object body."
    body = {"as": WRITER, "sheet_id": 0, "row": 1, "change": "SORT"}
    unknown = preview(emulator.url, "POST", path, json=body)
    assert unknown.status_code == 400
    assert "Unknown change of rows: SORT" in unknown.json()["error"]["message"]


def test_the_index_lists_spreadsheets_and_an_unknown_one_is_a_404_page(
    emulator: Any, spreadsheet: str
) -> None:
    index = preview(emulator.url, "GET", "/")
    assert index.ok and f'data-spreadsheet-id="{spreadsheet}"' in index.text
    page = preview(emulator.url, "GET", f"/{spreadsheet}")
    assert page.ok and "Preview check" in page.text
    missing = preview(emulator.url, "GET", "/1nope")
    assert missing.status_code == 404
    assert "No such spreadsheet" in missing.text
    missing_view = preview(emulator.url, "GET", "/api/sheets/1nope")
    assert missing_view.status_code == 404


def test_without_a_backend_the_addon_pages_and_live_updates_say_what_is_needed(
    emulator: Any, spreadsheet: str
) -> None:
    dialog = preview(emulator.url, "GET", "/addon/CreateMap")
    assert dialog.status_code == 503
    assert "python -m service serve" in dialog.text
    create = preview(emulator.url, "GET", "/create")
    assert create.ok and "need the backend" in create.text
    live = preview(
        emulator.url, "POST", f"/api/sheets/{spreadsheet}/live-updates", json={"enabled": True}
    )
    assert live.status_code == 400
    assert view_of(emulator.url, spreadsheet)["live_updates"] == {
        "available": False,
        "enabled": False,
        "seller": None,
    }


@pytest.fixture
def emulator_with_addon() -> Iterator[EmulatorServer]:
    """An emulator whose add-on pages point at a backend that is not running."""
    with EmulatorServer() as server:
        configure(server.app, AddonConfig("http://127.0.0.1:9", "map-addon-local"))
        yield server


def test_a_dialog_is_the_addons_own_html_with_the_stand_in_first_in_its_head(
    emulator_with_addon: EmulatorServer,
) -> None:
    url = emulator_with_addon.url
    dialog = preview(url, "GET", "/addon/CreateMap")
    assert dialog.ok
    source = (ROOT / "appsscript" / "src" / "CreateMap.html").read_text(encoding="utf-8")
    body = dialog.text
    assert source.split("</head>", 1)[1] in body, "the dialog's body is served as written"
    stand_in = body.index("/preview/static/standin.js")
    assert body.index("<head>") < stand_in < body.index("<script>\n(function")
    for name in ("Errors.js", "MapRequest.js", "ServerApi.js"):
        served = preview(url, "GET", f"/addon/src/{name}")
        assert served.ok and served.text == (ROOT / "appsscript" / "src" / name).read_text()
    assert preview(url, "GET", "/addon/src/Config.js").status_code == 503
    assert preview(url, "GET", "/addon/Nope").status_code == 503


def test_the_stand_in_answers_as_urlfetchapp_when_the_backend_does_not(
    emulator_with_addon: EmulatorServer,
) -> None:
    call = {"user": OWNER, "method": "get", "path": "/api/templates", "body": None}
    answer = preview(emulator_with_addon.url, "POST", "/api/addon/call", json=call)
    assert answer.ok
    assert answer.json()["status"] == 0
    assert "Address unavailable" in answer.json()["text"]
    revoke = {**call, "method": "delete", "path": "/api/maps/x/calendar-key"}
    assert preview(emulator_with_addon.url, "POST", "/api/addon/call", json=revoke).ok
    for bad in (
        {**call, "path": "/hooks/drive"},
        {**call, "user": "x"},
        {**call, "method": "patch"},
    ):
        refused = preview(emulator_with_addon.url, "POST", "/api/addon/call", json=bad)
        assert refused.status_code == 400


def test_the_stand_in_has_every_server_function_the_addons_html_calls() -> None:
    """Local mode serves the add-on's own HTML: each name it calls on google.script.run
    must be one the stand-in maps to the backend (as ServerApi.js does)."""
    stand_in = (ROOT / "emulator" / "preview" / "static" / "standin.js").read_text()
    server_api = (ROOT / "appsscript" / "src" / "ServerApi.js").read_text()
    for page in ("Sidebar", "CreateMap", "Pipeline", "WeeklyReview"):
        html = (ROOT / "appsscript" / "src" / f"{page}.html").read_text()
        # call('name'), load('name', ...), changeCalendar('name', ...): the pages' helpers
        called = set(re.findall(r"\b(?:call|load|changeCalendar)\('(\w+)'", html))
        assert called, page
        for name in called:
            assert f"function {name}(" in server_api, (page, name)
            assert f"{name}: function" in stand_in, (page, name)


def test_the_trigger_posts_plan_edits_and_names_the_editor_only_in_the_sellers_domain() -> None:
    colleague = Edited("id1", "ann@vendor.example", "Plan", "G14", value="Done", old_value="")
    payload = hook_payload(colleague, OWNER, START)
    assert payload is not None
    assert {k: v for k, v in payload.items() if k != "ts"} == {
        "spreadsheet_id": "id1",
        "sheet": "Plan",
        "a1": "G14",
        "value": "Done",
        "old_value": "",
        "user": "ann@vendor.example",
    }
    buyer = Edited("id1", WRITER, "Plan", "G14", value="Done")
    buyer_payload = hook_payload(buyer, OWNER, START)
    assert buyer_payload is not None
    assert "user" not in buyer_payload and "old_value" not in buyer_payload
    rows = Edited("id1", OWNER, "Plan", "A1:M30", change_type="INSERT_ROW")
    assert set(hook_payload(rows, OWNER, START) or {}) == {
        "spreadsheet_id",
        "sheet",
        "a1",
        "user",
        "ts",
    }
    assert hook_payload(Edited("id1", OWNER, "History", "A2", value="x"), OWNER, START) is None
