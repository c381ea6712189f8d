"""Local mode as a person runs it: ``python -m service serve`` as a real process, the
backend and the emulator over HTTP, edits made in the preview as the buyer or the
seller, a restart on the same data directory, and the demo MAP."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from service.store import Store
from tests.e2e.browser_stack import ROOT, Serving, eventually, free_port_pair, serving

pytestmark = pytest.mark.slow

SELLER = "sam@vendor.example"
BUYER = "dana@acme.example"
STATUS_COL = 6  # G: where provisioning puts Status (service/sheets/layout.py)
FIRST_MILESTONE_ROW = 12  # 0-based row of the first milestone


def map_body(**changes: Any) -> dict[str, Any]:
    go_live = datetime.now(UTC).date() + timedelta(days=150)
    return {
        "template": "simple-close-plan",
        "account": "Globex",
        "outcome": "Replace three legacy tools with one",
        "go_live": go_live.isoformat(),
        "buyers": [{"name": "Dana Lee", "email": BUYER}],
        "seller_owner": f"Sam Seller <{SELLER}>",
        "country": "US",
        **changes,
    }


def plan_sheet_id(serve: Serving, spreadsheet_id: str, as_user: str = SELLER) -> int:
    view = serve.preview_api("GET", f"/sheets/{spreadsheet_id}", params={"as": as_user})
    assert view.ok, view.text
    return int(next(t["sheet_id"] for t in view.json()["tabs"] if t["title"] == "Plan"))


def edit_in_preview(
    serve: Serving, spreadsheet_id: str, row: int, col: int, value: str, as_user: str
) -> requests.Response:
    body = {
        "as": as_user,
        "sheet_id": plan_sheet_id(serve, spreadsheet_id),
        "row": row,
        "col": col,
        "value": value,
    }
    return serve.preview_api("POST", f"/sheets/{spreadsheet_id}/cell", json=body)


def status_of(serve: Serving, spreadsheet_id: str, index: int) -> str:
    detail = serve.api("GET", f"/api/maps/{spreadsheet_id}")
    status: str = detail["milestones"][index]["status"]
    return status


def run_serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "serve", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_refuses_a_bad_port_a_port_in_use_and_a_data_path_that_is_a_file(
    tmp_path: Path,
) -> None:
    bad_port = run_serve("--port", "65535", "--data", str(tmp_path / "d"))
    assert bad_port.returncode == 2
    assert "--port must be a number from 0 to 65534" in bad_port.stderr
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    bad_data = run_serve("--port", "0", "--data", str(a_file))
    assert bad_data.returncode == 2
    assert f"--data must be a directory; '{a_file}' is a file" in bad_data.stderr
    port = free_port_pair()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        busy = run_serve("--port", str(port), "--data", str(tmp_path / "d"))
    assert busy.returncode == 2
    assert busy.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port} or {port + 1}")


def test_a_map_and_a_buyers_edit_survive_a_restart_and_later_edits_still_sync(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    port = free_port_pair()
    with serving(data, port=port, log_name="first") as serve:
        created = serve.api("POST", "/api/maps", json=map_body())
        sid = created["spreadsheet_id"]
        assert created["url"] == f"{serve.emulator_url}/preview/{sid}"
        # The buyer marks the first milestone (a buyer step) done, in the preview.
        edited = edit_in_preview(serve, sid, FIRST_MILESTONE_ROW, STATUS_COL, "Done", BUYER)
        assert edited.ok, edited.text
        assert eventually(lambda: status_of(serve, sid, 0) == "Done"), "not synced"
        # The backend's root sends a person to the preview.
        with requests.Session() as session:
            root = session.get(serve.backend_url + "/", allow_redirects=False, timeout=10)
        assert root.status_code == 302
        assert root.headers["Location"] == serve.preview_url
    assert serve.process.returncode == 0
    assert "Stopped; everything is saved in" in serve.output()

    with serving(data, port=port, log_name="second") as again:
        maps = again.api("GET", "/api/maps")["maps"]
        assert [m["spreadsheet_id"] for m in maps] == [sid]
        assert again.api("GET", f"/api/maps/{sid}")["milestones"][0]["status"] == "Done"
        page = again.preview_api("GET", f"/sheets/{sid}", params={"as": BUYER})
        plan = next(t for t in page.json()["tabs"] if t["title"] == "Plan")
        assert plan["rows"][FIRST_MILESTONE_ROW]["c"][STATUS_COL]["v"] == "Done"
        # Drive push still reaches the backend after the restart.
        edited = edit_in_preview(
            again, sid, FIRST_MILESTONE_ROW + 1, STATUS_COL, "In progress", BUYER
        )
        assert edited.ok, edited.text
        assert eventually(lambda: status_of(again, sid, 1) == "In progress"), "not synced"
    output = serve.output() + again.output()
    assert "ya29." not in output and "eyJ" not in output, "a token reached the output"


def test_a_person_without_access_gets_googles_error_and_changes_nothing(tmp_path: Path) -> None:
    with serving(tmp_path / "data") as serve:
        sid = serve.api("POST", "/api/maps", json=map_body())["spreadsheet_id"]
        stranger = edit_in_preview(
            serve, sid, FIRST_MILESTONE_ROW, STATUS_COL, "Done", "eve@else.example"
        )
        assert stranger.status_code == 403
        assert stranger.json()["error"]["message"] == "The caller does not have permission"
        view = serve.preview_api("GET", f"/sheets/{sid}", params={"as": "eve@else.example"})
        assert view.status_code == 403
        assert status_of(serve, sid, 0) == "Not started"


def test_with_live_updates_on_each_edit_is_posted_as_the_sellers_trigger(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data) as serve:
        sid = serve.api("POST", "/api/maps", json=map_body())["spreadsheet_id"]
        switched = serve.preview_api("POST", f"/sheets/{sid}/live-updates", json={"enabled": True})
        assert switched.json()["enabled"] is True, switched.text
        row = FIRST_MILESTONE_ROW + 2
        assert edit_in_preview(serve, sid, row, STATUS_COL, "In progress", BUYER).ok
        assert edit_in_preview(serve, sid, row, STATUS_COL, "Done", SELLER).ok

        with Store.from_url(f"sqlite:///{data / 'map.sqlite3'}") as store:

            def posted() -> list[Any]:
                since = datetime.now(UTC) - timedelta(hours=1)
                return [e for e in store.edit_events_since(sid, since) if e.a1 == f"G{row + 1}"]

            events = eventually(lambda: len(posted()) == 2 and posted())
        assert events, "the trigger's posts did not reach the backend"
        by_value = {e.value: e for e in events}
        # A buyer outside the seller's domain: Google leaves e.user blank.
        assert by_value["In progress"].user_email == ""
        assert by_value["In progress"].old_value == "Not started"
        assert by_value["Done"].user_email == SELLER
        assert all(e.sheet == "Plan" for e in events)

        switched = serve.preview_api("POST", f"/sheets/{sid}/live-updates", json={"enabled": False})
        assert switched.json()["enabled"] is False


def test_the_demo_seeds_one_map_with_risks_and_does_not_seed_it_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data, demo=True, log_name="demo") as serve:
        maps = serve.api("GET", "/api/maps")["maps"]
        assert len(maps) == 1
        demo = maps[0]
        codes = [r["code"] for r in demo["top_risks"]]
        assert "CLOSE_DATE_MOVED" in codes and "GO_LIVE_SLIP" in codes
        assert demo["health"]["score"] < 50
        assert demo["projected_go_live"] > demo["committed_go_live"]
        view = serve.preview_api("GET", f"/sheets/{demo['spreadsheet_id']}").json()
        history = next(t for t in view["tabs"] if t["title"] == "History")
        fields = [r["c"][3].get("v") for r in history["rows"][1:] if r["c"][3].get("v")]
        assert fields.count("Due") == 2 and "Owner" in fields and "Status" in fields
        assert view["live_updates"]["enabled"] is True
        assert f"Demo MAP  {serve.emulator_url}/preview/{demo['spreadsheet_id']}" in serve.output()
    with serving(data, demo=True, log_name="demo-again") as again:
        assert len(again.api("GET", "/api/maps")["maps"]) == 1
        assert "Seeding the demo MAP" not in again.output()


def test_ctrl_c_stops_it_cleanly_and_keeps_what_was_made(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data) as serve:
        sid = serve.api("POST", "/api/maps", json=map_body())["spreadsheet_id"]
        serve.process.send_signal(signal.SIGINT)
        assert serve.process.wait(30) == 0
    assert "Stopped; everything is saved in" in serve.output()
    assert (data / "emulator" / "files" / f"{sid}.json").exists()
