"""The backend's own tabs, found by their sheet ids when people renamed or deleted them.

A sync reads the Plan, History, Reviews and Timeline tabs by name in one call. When
Google cannot parse one of those names (the tab was renamed or deleted),
:func:`restore_requests` says, from the spreadsheet's tab properties and metadata, what
puts them back: a renamed tab (its sheet id is still there) gets its name back, a
deleted History or Reviews tab is made again with its header row, a deleted Timeline
tab with its rules (the sync's write then fills it). Each restored tab carries a note
on its first cell saying what happened, for the people who did it. A MAP made before
the Timeline tab existed (no ``map.timeline`` metadata) gets one the same way, with a
note that says it is new. A deleted Plan tab cannot be restored (the
plan was in it): :class:`~service.sheets.errors.NotAMap` names the cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import service.sheets.layout as layout
import service.sheets.requests as rq
from service.sheets.errors import InvalidRequest, NotAMap
from service.sheets.provisioning import TAB_IDS, log_tab_requests, timeline_requests

# The tabs a sync needs, by the sheet id provisioning gave them.
SYNCED_TABS = (layout.PLAN_TAB, layout.HISTORY_TAB, layout.REVIEWS_TAB, layout.TIMELINE_TAB)
LOG_HEADERS = {
    layout.HISTORY_TAB: layout.HISTORY_HEADERS,
    layout.REVIEWS_TAB: layout.REVIEWS_HEADERS,
}


def is_missing_tab(exc: InvalidRequest) -> bool:
    """Whether Google refused the call because a tab it names is not there (by name in
    a range, or by sheet id in a request)."""
    text = str(exc)
    return "Unable to parse range" in text or "No grid with id" in text


def restore_requests(
    sheets: Sequence[dict[str, Any]],
    *,
    today: date,
    metadata: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """The requests that give the backend's tabs back their names, or make them again;
    none when nothing is missing. :class:`NotAMap` when the Plan tab is gone.
    ``metadata``: the spreadsheet's developer metadata (whether it had a Timeline)."""
    had_timeline = any(m.get("metadataKey") == layout.TIMELINE_KEY for m in metadata)
    titles = {s["properties"]["sheetId"]: s["properties"]["title"] for s in sheets}
    requests: list[dict[str, Any]] = []
    for name in SYNCED_TABS:
        sheet_id = TAB_IDS[name]
        if name in titles.values():
            continue
        if sheet_id in titles:
            renamed = titles[sheet_id]
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "title": name},
                        "fields": "title",
                    }
                }
            )
            note = (
                f"MAP restored this tab's name on {today.isoformat()}: it had been renamed "
                f"to '{renamed}'. The MAP finds this tab by its name '{name}'; please keep it."
            )
        elif name == layout.PLAN_TAB:
            raise NotAMap(
                f"the '{layout.PLAN_TAB}' tab was deleted; restore it from File > Version "
                "history, or create the MAP again"
            )
        elif name == layout.TIMELINE_TAB:
            requests.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": name}}})
            requests.extend(timeline_requests() if not had_timeline else timeline_rules())
            note = (
                f"MAP made this tab again on {today.isoformat()}: it had been deleted. "
                "It is redrawn from the plan after every edit."
                if had_timeline
                else f"MAP added this tab on {today.isoformat()}: each milestone's target "
                "and projected dates by week, redrawn from the plan after every edit."
            )
        else:
            requests.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": name}}})
            reason = layout.HISTORY_READ_COLUMNS["reason"] if name == layout.HISTORY_TAB else None
            requests.extend(log_tab_requests(sheet_id, LOG_HEADERS[name], open_column=reason))
            note = (
                f"MAP made this tab again on {today.isoformat()}: it had been deleted. "
                "Earlier entries are in the spreadsheet's version history."
            )
        requests.append(rq.set_note(sheet_id, 0, 0, note))
    return requests


def timeline_rules() -> list[dict[str, Any]]:
    """A Timeline tab made again: its rules and formats (its metadata is still there)."""
    return [r for r in timeline_requests() if "createDeveloperMetadata" not in r]
