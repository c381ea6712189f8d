"""What a new MAP's Plan tab shows on a 1280 px screen: Milestone, Owner, Status,
Target, Projected and Health without scrolling sideways; header values wide enough for a
date; long text wrapping instead of running off the edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emulator.sheets.spreadsheet_ops import apply_batch_update, spreadsheet_resource
from service.services.coalesce import sync_coalesced
from service.sheets import layout
from service.sheets.provisioning import SPARE_ROWS
from tests.e2e.browser import chromium, new_context
from tests.integration.services.conftest import BUYER, World
from tests.integration.services.sheet_view import milestone_rows


def plan_sheet(world: World, spreadsheet_id: str) -> dict[str, Any]:
    resource = spreadsheet_resource(
        world.backend_emulator_state, spreadsheet_id, include_grid_data=True
    )
    return next(s for s in resource["sheets"] if s["properties"]["title"] == "Plan")


def column_widths(sheet: dict[str, Any]) -> list[int]:
    """Each column's width as shown: 0 when hidden."""
    meta = sheet["data"][0]["columnMetadata"]
    return [0 if m.get("hiddenByUser") else int(m["pixelSize"]) for m in meta]


def test_the_first_screen_columns_fit_1280_px_and_long_text_wraps(world: World) -> None:
    sid = world.provision(template="enterprise").spreadsheet_id
    sheet = plan_sheet(world, sid)
    widths = column_widths(sheet)
    columns = {c.key: i for i, c in enumerate(layout.COLUMNS)}
    rightmost = max(columns[k] for k in layout.FIRST_SCREEN_COLUMNS)
    assert sum(widths[: rightmost + 1]) <= layout.GRID_PX_AT_1280
    assert widths[columns["id"]] == 0  # the hidden key column takes no room
    # The header's values (column C) fit a date such as "Sep 30, 2027".
    assert widths[layout.VALUE_COL] >= 100

    rows = [r.get("values", []) for r in sheet["data"][0]["rowData"]]
    first = rows[layout.FIRST_MILESTONE_ROW]
    for key in layout.WRAPPED_COLUMNS:
        assert first[columns[key]]["userEnteredFormat"]["wrapStrategy"] == "WRAP", key
    for key in layout.CLIPPED_COLUMNS:
        assert first[columns[key]]["userEnteredFormat"]["wrapStrategy"] == "CLIP", key
    top = layout.HEADER_BY_KEY["top_risks"].row
    assert rows[top][layout.VALUE_COL]["userEnteredFormat"]["wrapStrategy"] == "WRAP"
    merged = [
        (m["startColumnIndex"], m["endColumnIndex"])
        for m in sheet["merges"]
        if m["startRowIndex"] == top
    ]
    assert merged == [(layout.VALUE_COL, columns["health"] + 1)]


def test_the_spare_rows_keep_their_dropdowns_and_stay_out_of_every_read(world: World) -> None:
    """Under a new MAP's plan, the spare rows offer the Side and Status dropdowns and the
    date check, unformatted otherwise: the sync's read of the Plan tab ends at the last
    milestone (a formatted blank row is part of every read; a row people add is
    formatted when it gets its ID, ``test_sync.py``)."""
    made = world.provision(template="enterprise")
    sid = made.spreadsheet_id
    rows = [r.get("values", []) for r in plan_sheet(world, sid)["data"][0]["rowData"]]
    columns = {c.key: i for i, c in enumerate(layout.COLUMNS)}
    spare = rows[layout.FIRST_MILESTONE_ROW + len(made.plan.milestones)]
    assert spare[columns["status"]]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert spare[columns["due"]]["dataValidation"]["condition"]["type"] == "DATE_IS_VALID"
    assert all("userEnteredFormat" not in cell for cell in spare)

    read = world.gateways().read_map(sid, history=False, reviews=False)
    plan = next(s for s in read["sheets"] if s["properties"]["title"] == layout.PLAN_TAB)
    assert len(plan["data"][0]["rowData"]) == layout.FIRST_MILESTONE_ROW + len(made.plan.milestones)


def test_the_grid_ends_under_the_spare_rows_and_rows_added_below_are_read(world: World) -> None:
    """A new MAP's Plan tab has the header block, the plan and the spare rows, not the
    1,000 rows of a new tab (Google's read gives a metadata entry for every row of the
    grid). A row a person adds under them (Sheets' "Add more rows") and types a milestone
    into is read by the next sync like any other."""
    made = world.provision(template="enterprise")
    sid = made.spreadsheet_id
    milestones = len(made.plan.milestones)
    sheet = plan_sheet(world, sid)
    rows = layout.FIRST_MILESTONE_ROW + milestones + SPARE_ROWS
    assert sheet["properties"]["gridProperties"]["rowCount"] == rows
    read = world.gateways().read_map(sid, history=False, reviews=False)
    plan = next(s for s in read["sheets"] if s["properties"]["title"] == layout.PLAN_TAB)
    assert len(plan["data"][0]["rowMetadata"]) == rows

    add_rows = {"appendDimension": {"sheetId": 1001, "dimension": "ROWS", "length": 50}}
    apply_batch_update(world.backend_emulator_state, sid, {"requests": [add_rows]}, BUYER)
    world.edit(sid, f"Plan!B{rows + 40}", "Board sign-off")  # B: the Milestone column
    sync_coalesced(world.backend, sid)

    added = milestone_rows(world.backend_emulator_state, sid)[f"m{milestones + 1}"]
    assert added["Milestone"] == "Board sign-off"
    assert added["Target date"]
    assert [(e.milestone_id, e.new) for e in world.store.history(sid)] == [
        (f"m{milestones + 1}", "added")
    ]


def test_in_chromium_at_1280_px_the_first_screen_is_whole(world: World, tmp_path: Path) -> None:
    sid = world.provision(template="enterprise").spreadsheet_id
    with chromium() as browser:
        context = new_context(browser, viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            page.goto(f"{world.url}/preview/{sid}")
            page.locator('#grid td[data-a1="C5"]').wait_for()
            edges = page.evaluate(
                """() => {
                  const td = a1 => document.querySelector(`#grid td[data-a1="${a1}"]`);
                  const header = [...document.querySelectorAll('#grid td')]
                    .filter(c => /^[A-Z]+12$/.test(c.dataset.a1 || ''));
                  return {
                    width: document.documentElement.clientWidth,
                    headers: Object.fromEntries(header.map(c => [
                      c.textContent.trim(), c.getBoundingClientRect().right])),
                    projected: [td('C5').scrollWidth, td('C5').clientWidth,
                                td('C5').textContent],
                  };
                }"""
            )
            page.screenshot(path=str(tmp_path / "plan-1280.png"))  # to look at on failure
        finally:
            context.close()
    for header in ("Milestone", "Owner", "Status", "Target date", "Projected date", "Health"):
        assert edges["headers"][header] <= edges["width"], (header, edges)
    scroll_width, client_width, text = edges["projected"]
    assert text.strip() and scroll_width <= client_width, edges["projected"]
