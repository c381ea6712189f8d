"""Drive's view of the Sheets model: the few things Drive does to a spreadsheet.

The model lives in :mod:`emulator.sheets.model` and is imported when first
needed, so Drive, persistence and the control endpoints depend on it in one place.
"""

from __future__ import annotations

from typing import Any


def _model() -> Any:
    from emulator.sheets import model

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
    """The first sheet's formatted values, as Drive's CSV export writes them."""
    from emulator.sheets.render import Renderer

    if not spreadsheet.sheets:
        return []
    sheet = min(spreadsheet.sheets, key=lambda s: s.properties.get("index", 0))
    renderer = Renderer(spreadsheet)
    rows, _ = sheet.data_extent()
    table = [
        [str(renderer.formatted(sheet, r, c)) for c in range(len(sheet.rows[r]))]
        for r in range(rows)
    ]
    for line in table:
        while line and not line[-1]:
            line.pop()
    while table and not table[-1]:
        table.pop()
    width = max((len(line) for line in table), default=0)
    return [line + [""] * (width - len(line)) for line in table]
