"""The preview draws conditional formats whose condition is a custom formula: evaluated
for each cell of the rule's range, relative references moved from its top-left cell,
against the tab's own values (as the Timeline tab's bars are drawn)."""

from __future__ import annotations

from typing import Any

from emulator.preview.grid_view import tab_view
from emulator.sheets.formula_refs import moved

BLUE = {"red": 0.2, "green": 0.4, "blue": 0.8}


def number(value: float) -> dict[str, Any]:
    return {"userEnteredValue": {"numberValue": value}, "effectiveValue": {"numberValue": value},
            "formattedValue": str(value)}  # fmt: skip


def sheet(formula: str, *, ranges: list[dict[str, int]] | None = None) -> dict[str, Any]:
    """Row 1: week numbers 1-5 in B1:F1; rows 2-3: a start (A) ... drawn over B:F.
    Row 2 spans weeks 2-3, row 3 weeks 4-5 (start in A, end in G)."""
    header = [{}] + [number(w) for w in range(1, 6)]
    rows = [
        {"values": header},
        {"values": [number(2), {}, {}, {}, {}, {}, number(3)]},
        {"values": [number(4), {}, {}, {}, {}, {}, number(5)]},
    ]
    return {
        "properties": {"sheetId": 5, "title": "Timeline",
                       "gridProperties": {"rowCount": 3, "columnCount": 7}},
        "data": [{"rowData": rows}],
        "conditionalFormats": [
            {
                "ranges": ranges or [{"sheetId": 5, "startRowIndex": 1, "endRowIndex": 3,
                                      "startColumnIndex": 1, "endColumnIndex": 6}],
                "booleanRule": {
                    "condition": {"type": "CUSTOM_FORMULA",
                                  "values": [{"userEnteredValue": formula}]},
                    "format": {"backgroundColor": BLUE},
                },
            }
        ],
    }  # fmt: skip


def painted(view: dict[str, Any]) -> list[list[int]]:
    """The columns (0-based) whose cells carry the rule's colour, row by row."""
    return [
        [c for c, cell in enumerate(row["c"]) if "background-color:#3366cc" in cell.get("st", "")]
        for row in view["rows"][:3]
    ]


def test_a_custom_formula_is_evaluated_for_each_cell_with_its_references_moved() -> None:
    view = tab_view(sheet("=AND(B$1>=$A2,B$1<=$G2)"))
    assert painted(view) == [[], [2, 3], [4, 5]]


def test_a_formula_that_is_not_true_or_fails_or_reads_another_tab_paints_nothing() -> None:
    for formula in ("=B$1>99", "=1/0", "=Other!A1=1", '="text"', "not a formula"):
        assert painted(tab_view(sheet(formula))) == [[], [], []], formula


def test_references_move_but_for_their_dollar_parts() -> None:
    assert moved("=AND(B$1>=$A2,SUM(B2:C3)>0)", 2, 1) == "=AND(C$1>=$A4,SUM(C4:D5)>0)"
    assert moved("=A1", -1, 0) == "=#REF!"
    assert moved("=$A$1", 5, 5) == "=$A$1"
