"""The call agenda of one MAP, from its snapshot (no Sheets call)."""

from __future__ import annotations

from service.clock import local_today
from service.domain.agenda import AgendaItem, call_agenda
from service.services.backend import Backend
from service.services.reminders import targets
from service.services.sync import load


def map_agenda(backend: Backend, spreadsheet_id: str) -> list[AgendaItem]:
    _, state = load(backend.store, spreadsheet_id)
    with backend.sheets() as sheets:
        time_zone = sheets.recall(state.sheet).time_zone if state.sheet else "UTC"
    today = local_today(backend.now(), time_zone)
    return call_agenda(state.plan, targets(state.computed), state.computed.get("risks", []), today)
