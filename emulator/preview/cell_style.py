"""One cell's look, from its effective format (and the conditional format rule it
matches), as CSS declarations the page puts on the cell.

Only values the API defines end up in the CSS (numbers for colours and sizes, known
enum values for alignment), so nothing a person typed can reach the style attribute.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

WHITE = "#ffffff"
BLACK = "#000000"
DEFAULT_FONT_PT = 10

_H_ALIGN = {"LEFT": "left", "CENTER": "center", "RIGHT": "right"}
_V_ALIGN = {"TOP": "top", "MIDDLE": "middle", "BOTTOM": "bottom"}
_FONTS = {
    "Arial": "Arial, Helvetica, sans-serif",
    "Roboto": "Roboto, Arial, sans-serif",
    "Calibri": "Calibri, Carlito, Arial, sans-serif",
    "Courier New": "'Courier New', Courier, monospace",
    "Georgia": "Georgia, serif",
    "Times New Roman": "'Times New Roman', Times, serif",
    "Verdana": "Verdana, sans-serif",
}


def hex_color(color: Json | None) -> str | None:
    """``#rrggbb`` of a Google Color (missing channels are 0, so ``{}`` is black)."""
    if color is None:
        return None
    channels = []
    for key in ("red", "green", "blue"):
        value = color.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = 0
        channels.append(max(0, min(255, round(float(value) * 255))))
    return "#{:02x}{:02x}{:02x}".format(*channels)


def condition_matches(condition: Json, text: str, *, is_number: bool) -> bool:
    """Whether a BooleanCondition holds for a cell showing ``text``; conditions the
    preview does not evaluate (custom formulas, number and date comparisons) never do."""
    kind = condition.get("type", "")
    values = [str(v.get("userEnteredValue", "")) for v in condition.get("values") or []]
    wanted = values[0].casefold() if values else ""
    seen = text.casefold()
    if kind == "BLANK":
        return text == ""
    if kind == "NOT_BLANK":
        return text != ""
    if is_number or not values:
        return False
    if kind == "TEXT_EQ":
        return seen == wanted
    if kind == "TEXT_NOT_EQ":
        return seen != wanted
    if kind == "TEXT_CONTAINS":
        return wanted in seen
    if kind == "TEXT_NOT_CONTAINS":
        return wanted not in seen
    if kind == "TEXT_STARTS_WITH":
        return seen.startswith(wanted)
    if kind == "TEXT_ENDS_WITH":
        return seen.endswith(wanted)
    return False


def with_rule_format(effective: Json, rule_format: Json) -> Json:
    """The effective format with a matching conditional rule's format laid over it."""
    merged = dict(effective)
    if "backgroundColor" in rule_format:
        merged["backgroundColor"] = rule_format["backgroundColor"]
    text = dict(merged.get("textFormat") or {})
    for key, value in (rule_format.get("textFormat") or {}).items():
        if key in ("foregroundColor", "bold", "italic", "strikethrough", "underline"):
            text[key] = value
    merged["textFormat"] = text
    return merged


def cell_css(fmt: Json, *, is_number: bool) -> str:
    """CSS declarations for a cell with effective format ``fmt``."""
    rules: list[str] = []
    background = hex_color(fmt.get("backgroundColor"))
    if background and background != WHITE:
        rules.append(f"background-color:{background}")
    text = fmt.get("textFormat") or {}
    foreground = hex_color(text.get("foregroundColor"))
    if foreground and foreground != BLACK:
        rules.append(f"color:{foreground}")
    if text.get("bold"):
        rules.append("font-weight:bold")
    if text.get("italic"):
        rules.append("font-style:italic")
    decorations = [
        name
        for key, name in (("underline", "underline"), ("strikethrough", "line-through"))
        if text.get(key)
    ]
    if decorations:
        rules.append("text-decoration:" + " ".join(decorations))
    size = text.get("fontSize")
    if isinstance(size, int | float) and not isinstance(size, bool) and size != DEFAULT_FONT_PT:
        rules.append(f"font-size:{max(6.0, min(72.0, float(size))) * 4 / 3:.1f}px")
    family = _FONTS.get(str(text.get("fontFamily", "")))
    if family and not family.startswith("Arial"):
        rules.append(f"font-family:{family}")
    align = _H_ALIGN.get(str(fmt.get("horizontalAlignment", "")))
    if align is None and is_number:
        align = "right"
    if align and align != "left":
        rules.append(f"text-align:{align}")
    valign = _V_ALIGN.get(str(fmt.get("verticalAlignment", "")), "bottom")
    if valign != "bottom":
        rules.append(f"vertical-align:{valign}")
    return ";".join(rules)


def wraps(fmt: Json) -> str:
    """How text that does not fit behaves: ``wrap``, ``clip`` or ``overflow``."""
    strategy = fmt.get("wrapStrategy", "OVERFLOW_CELL")
    if strategy == "WRAP":
        return "wrap"
    if strategy == "CLIP":
        return "clip"
    return "overflow"
