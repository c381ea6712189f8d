"""Reading a MAP's Plan tab in tests the way a person sees it (formatted values)."""

from __future__ import annotations

from datetime import date
from typing import Any

from emulator.sheets.spreadsheet_ops import spreadsheet_resource


def shown(day: date, locale: str = "en_US") -> str:
    """A date as the Plan tab shows it: "Mar 31, 2027" in en_US, "31 Mar 2027" where the
    locale puts the day first (docs/sheet.md, "Dates")."""
    if locale == "en_US":
        return f"{day:%b} {day.day}, {day.year}"
    return f"{day.day} {day:%b} {day.year}"


def plan_values(emulator_state: Any, spreadsheet_id: str) -> list[list[str]]:
    """The Plan tab's formatted values, row by row (short rows padded)."""
    resource = spreadsheet_resource(emulator_state, spreadsheet_id, include_grid_data=True)
    sheet = next(s for s in resource["sheets"] if s["properties"]["title"] == "Plan")
    rows: list[list[str]] = []
    for block in sheet.get("data", []):
        for row in block.get("rowData", []):
            rows.append([str(c.get("formattedValue", "")) for c in row.get("values", [])])
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def milestone_rows(emulator_state: Any, spreadsheet_id: str) -> dict[str, dict[str, str]]:
    """Each milestone row by ID, as {column header: shown value}."""
    rows = plan_values(emulator_state, spreadsheet_id)
    header_index = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == "Milestone")
    header = rows[header_index]
    result = {}
    for row in rows[header_index + 1 :]:
        if row[0]:
            result[row[0]] = dict(zip(header, row, strict=False))
    return result


def header_value(emulator_state: Any, spreadsheet_id: str, label: str) -> str:
    for row in plan_values(emulator_state, spreadsheet_id):
        if len(row) > 2 and row[1] == label:
            return row[2]
    raise KeyError(label)


def row_number(emulator_state: Any, spreadsheet_id: str, milestone_id: str) -> int:
    """The 1-based row number of a milestone on the Plan tab."""
    for index, row in enumerate(plan_values(emulator_state, spreadsheet_id)):
        if row and row[0] == milestone_id:
            return index + 1
    raise KeyError(milestone_id)


def tab_cells(emulator_state: Any, spreadsheet_id: str, title: str) -> list[list[dict[str, Any]]]:
    """A tab's raw CellData, row by row."""
    resource = spreadsheet_resource(emulator_state, spreadsheet_id, include_grid_data=True)
    sheet = next(s for s in resource["sheets"] if s["properties"]["title"] == title)
    return [
        row.get("values", []) for block in sheet.get("data", []) for row in block.get("rowData", [])
    ]


def cell_note(emulator_state: Any, spreadsheet_id: str, row: int, col: int) -> str:
    rows = tab_cells(emulator_state, spreadsheet_id, "Plan")
    cells = rows[row - 1] if row - 1 < len(rows) else []
    return str(cells[col - 1].get("note", "")) if col - 1 < len(cells) else ""
