"""A separate process running the reminder job (for the crash tests): the backend's
own wiring from settings, on the test's clock offset."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests

from service.clock import Clock
from service.config import Settings
from service.runtime.gateways import ServiceSheets
from service.runtime.reminders import build_links, run_reminders
from service.runtime.wiring import build_backend, build_store


def run_job(settings_values: dict[str, Any], offset_s: float) -> dict[str, int]:
    settings = Settings(**settings_values)
    clock = Clock(timedelta(seconds=offset_s))
    store = build_store(settings, migrate=False, clock=clock)
    sheets = ServiceSheets(settings)
    try:
        backend = build_backend(settings, store, sheets, clock=clock)
        with requests.Session() as http:
            return run_reminders(settings, backend, build_links(settings, backend), http)
    finally:
        sheets.close()
        store.close()
