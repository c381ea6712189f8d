"""The store: one object over one engine, with every persistence operation of the backend.

Each concept lives in its own module (maps, snapshots, history, sync leases, channels,
reviews, edit events); :class:`Store` puts them together behind one flat API.
"""

from __future__ import annotations

from datetime import timedelta
from types import TracebackType
from typing import Any, Self

from sqlalchemy import URL

from service.store.base import Clock, utc_now
from service.store.channels import Channels
from service.store.edit_events import EditEvents
from service.store.engine import create_store_engine
from service.store.history import History
from service.store.maps import Maps
from service.store.migrate import migrate
from service.store.reviews import Reviews
from service.store.snapshots import Snapshots
from service.store.sync_leases import SyncLeases


class Store(Maps, Snapshots, History, SyncLeases, Channels, Reviews, EditEvents):
    """The backend's persistence. Build it with :meth:`from_url` (or from an Engine), run
    :meth:`migrate` once at start-up, :meth:`close` at shutdown. Thread-safe: every
    operation checks a connection out of the engine's pool for one short transaction."""

    @classmethod
    def from_url(
        cls,
        url: str | URL,
        *,
        clock: Clock = utc_now,
        snapshots_kept: int = 5,
        edit_event_retention: timedelta = timedelta(days=7),
        **engine_kwargs: Any,
    ) -> Self:
        """A store over a new engine for ``url``; :meth:`close` disposes of it."""
        return cls(
            create_store_engine(url, **engine_kwargs),
            clock=clock,
            snapshots_kept=snapshots_kept,
            edit_event_retention=edit_event_retention,
        )

    def migrate(self) -> None:
        """Brings the schema up to date (``alembic upgrade head``)."""
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
