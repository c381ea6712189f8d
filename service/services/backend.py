"""What the use cases need from the outside world, in one object.

Built once per process by :mod:`service.runtime` from :class:`~service.config.Settings`;
tests build it around the emulator (or an in-memory spreadsheet) and a real store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.clock import Clock
from service.services.map_sheets import MapSheets
from service.store.store import Store


@dataclass
class Backend:
    store: Store
    # The MAP spreadsheets as the backend's service account sees them (one per thread).
    sheets: Callable[[], MapSheets]
    # The MAP spreadsheets as a person sees them, from their short-lived OAuth access
    # token (the seller, for the request that creates their MAP).
    seller_sheets: Callable[[str], MapSheets]
    service_account_email: str
    # Where Drive delivers push notifications ("" disables watching, e.g. in a CLI run).
    drive_hook_url: str = ""
    # The link people open for a spreadsheet.
    sheet_url: Callable[[str], str] = field(
        default=lambda sid: f"https://docs.google.com/spreadsheets/d/{sid}/edit"
    )
    # The process's one clock (the store's leases and timestamps use the same).
    now: Callable[[], datetime] = field(default_factory=Clock)
    # Drive caps a file watch channel's life at one day.
    channel_ttl: timedelta = timedelta(hours=24)
