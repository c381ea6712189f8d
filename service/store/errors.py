"""Errors the store raises; callers never see SQLAlchemy's own exceptions for these cases.

::

    StoreError
    ├── MapAlreadyExists       register_map: the spreadsheet already holds a MAP
    ├── MapNotFound            an operation names a spreadsheet that holds no MAP
    ├── ChannelAlreadyExists   save_channel: the channel id is taken
    └── LeaseLost              a sync-lease operation by an owner that no longer holds it
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of the store's errors."""


class MapAlreadyExists(StoreError):
    def __init__(self, spreadsheet_id: str) -> None:
        super().__init__(f"spreadsheet {spreadsheet_id} already holds a MAP")
        self.spreadsheet_id = spreadsheet_id


class MapNotFound(StoreError):
    def __init__(self, spreadsheet_id: str) -> None:
        super().__init__(f"no MAP is registered for spreadsheet {spreadsheet_id}")
        self.spreadsheet_id = spreadsheet_id


class ChannelAlreadyExists(StoreError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"watch channel {channel_id} is already saved")
        self.channel_id = channel_id


class LeaseLost(StoreError):
    """The owner's sync lease expired and another owner took it, or it never held one.

    The sync that was running under the lease must stop without writing anything more:
    the new holder covers every request the lost one would have.
    """

    def __init__(self, spreadsheet_id: str, owner: str) -> None:
        super().__init__(f"{owner} no longer holds the sync lease of {spreadsheet_id}")
        self.spreadsheet_id = spreadsheet_id
        self.owner = owner
