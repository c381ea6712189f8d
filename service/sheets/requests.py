"""Builders of ``spreadsheets.batchUpdate`` request bodies (the only place that spells
them out, besides provisioning's layout requests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.sheets.cell_values import capped, neutralised
from service.sheets.cells import cell_data


def grid_range(
    sheet_id: int, row: int, col: int, *, rows: int = 1, cols: int = 1
) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": row,
        "endRowIndex": row + rows,
        "startColumnIndex": col,
        "endColumnIndex": col + cols,
    }


def update_cells(
    sheet_id: int, row: int, col: int, cells: Sequence[dict[str, Any]], fields: str
) -> dict[str, Any]:
    """Write ``cells`` left to right from (row, col), touching only ``fields``."""
    return {
        "updateCells": {
            "range": grid_range(sheet_id, row, col, cols=len(cells)),
            "rows": [{"values": list(cells)}],
            "fields": fields,
        }
    }


def set_note(sheet_id: int, row: int, col: int, note: str) -> dict[str, Any]:
    """A cell's note (neutralised as cell text is: ``cells.cell_data``)."""
    cell = {"note": capped(neutralised(note))} if note else {}
    return update_cells(sheet_id, row, col, [cell], "note")


def append_text_rows(sheet_id: int, rows: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Append rows of text after the last row with data (strings are never parsed)."""
    return {
        "appendCells": {
            "sheetId": sheet_id,
            "rows": [{"values": [cell_data(text) for text in row]} for row in rows],
            "fields": "userEnteredValue",
        }
    }


def create_row_metadata(sheet_id: int, row: int, key: str, value: str) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": value,
                "location": {
                    "dimensionRange": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row,
                        "endIndex": row + 1,
                    }
                },
                "visibility": "DOCUMENT",
            }
        }
    }


def delete_rows(sheet_id: int, start: int, end: int) -> dict[str, Any]:
    """Delete rows ``start`` to ``end`` (0-based, end exclusive)."""
    return {
        "deleteDimension": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "ROWS",
                "startIndex": start,
                "endIndex": end,
            }
        }
    }


def delete_metadata(metadata_id: int) -> dict[str, Any]:
    return {
        "deleteDeveloperMetadata": {
            "dataFilter": {"developerMetadataLookup": {"metadataId": metadata_id}}
        }
    }


def spreadsheet_metadata(key: str, value: str) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": value,
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        }
    }


def set_spreadsheet_metadata(key: str, value: str) -> dict[str, Any]:
    """Update the value of the spreadsheet-level metadata ``key`` (which must exist)."""
    return {
        "updateDeveloperMetadata": {
            "dataFilters": [
                {
                    "developerMetadataLookup": {
                        "metadataKey": key,
                        "locationType": "SPREADSHEET",
                    }
                }
            ],
            "developerMetadata": {"metadataValue": value},
            "fields": "metadataValue",
        }
    }
