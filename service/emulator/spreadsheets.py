"""Drive's view of the Sheets model: the few things Drive does to a spreadsheet.

The model lives in :mod:`service.emulator.sheets.model` and is imported when first
needed, so Drive, persistence and the control endpoints depend on it in one place.
"""

from __future__ import annotations

from typing import Any


def _model() -> Any:
    from service.emulator.sheets import model

    return model.Spreadsheet


def new_spreadsheet(spreadsheet_id: str, title: str) -> Any:
    return _model().new(spreadsheet_id, title)


def copy_spreadsheet(spreadsheet: Any, new_id: str, new_title: str) -> Any:
    return spreadsheet.copy(new_id, new_title)


def rename_spreadsheet(spreadsheet: Any, title: str) -> None:
    """Keep the spreadsheet's title equal to its Drive file name."""
    setter = getattr(spreadsheet, "set_title", None)
    if callable(setter):
        setter(title)
    elif hasattr(spreadsheet, "title"):
        spreadsheet.title = title


def spreadsheet_to_json(spreadsheet: Any) -> Any:
    return spreadsheet.to_json()


def spreadsheet_from_json(data: Any) -> Any:
    return _model().from_json(data)


def export_rows(spreadsheet: Any) -> list[list[str]]:
    """The first sheet's values as text, as Drive's CSV export writes them."""
    if not spreadsheet.sheets:
        return []
    rows = [[_cell_text(cell) for cell in row] for row in spreadsheet.sheets[0].rows]
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    while width and not any(len(r) >= width and r[width - 1] for r in rows):
        width -= 1
    return [(r + [""] * width)[:width] for r in rows]


def _cell_text(cell: dict[str, Any] | None) -> str:
    if not cell:
        return ""
    value = cell.get("userEnteredValue") or {}
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "numberValue" in value:
        number = value["numberValue"]
        return str(int(number)) if float(number).is_integer() else str(number)
    if "formulaValue" in value:
        return str(value["formulaValue"])
    return ""
