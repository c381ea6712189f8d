"""The store: the backend's persistence on SQLAlchemy 2 (SQLite file or PostgreSQL).

Tables (``tables.py``), created by Alembic migrations (``migrations/``, run by
``migrate``): the MAP registry, snapshots of each sheet, the append-only history, sync
state (single flight across processes), Drive watch channels, reviews, recent edit
events, each organisation's calibration. :class:`Store` is the one entry point; it
hands out frozen records (``records.py``) and raises the errors of ``errors.py``. See
docs/store.md.

Nothing happens at import: engines are made by ``Store.from_url`` or
``create_store_engine``.
"""

from service.store.channels import hash_channel_token
from service.store.engine import create_store_engine
from service.store.errors import (
    ChannelAlreadyExists,
    LeaseLost,
    MapAlreadyExists,
    MapNotFound,
    StoreError,
)
from service.store.history import history_dedupe_key
from service.store.migrate import current_revision, head_revision, migrate
from service.store.records import (
    EditEvent,
    HistoryEvent,
    HistorySource,
    MapChanges,
    MapRecord,
    MapSort,
    NewHistoryEvent,
    NewOutboxMessage,
    OrgCalibration,
    OutboxMessage,
    ReminderSettings,
    Review,
    Snapshot,
    SyncState,
    WatchChannel,
)
from service.store.single_flight import Lease, run_single_flight
from service.store.store import Store
from service.store.sync_leases import Notified, new_lease_owner

__all__ = [
    "ChannelAlreadyExists",
    "EditEvent",
    "HistoryEvent",
    "HistorySource",
    "Lease",
    "LeaseLost",
    "MapAlreadyExists",
    "MapChanges",
    "MapNotFound",
    "MapRecord",
    "MapSort",
    "NewHistoryEvent",
    "NewOutboxMessage",
    "Notified",
    "OrgCalibration",
    "OutboxMessage",
    "ReminderSettings",
    "Review",
    "Snapshot",
    "Store",
    "StoreError",
    "SyncState",
    "WatchChannel",
    "create_store_engine",
    "current_revision",
    "hash_channel_token",
    "head_revision",
    "history_dedupe_key",
    "migrate",
    "new_lease_owner",
    "run_single_flight",
]
