"""The store: one object over one engine, with every persistence operation of the backend.

Each concept lives in its own module (maps, snapshots, history, sync leases, channels,
reviews, edit events); :class:`Store` puts them together behind one flat API.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from types import TracebackType
from typing import Any, Self

from sqlalchemy import URL, Insert
from sqlalchemy.exc import IntegrityError

from service.store.base import Clock, utc_now
from service.store.calibrations import Calibrations
from service.store.channels import Channels
from service.store.edit_events import EditEvents, edit_event_values, insert_edit
from service.store.engine import create_store_engine
from service.store.errors import MapNotFound
from service.store.history import History
from service.store.maps import Maps
from service.store.migrate import migrate
from service.store.outbox import Outbox
from service.store.reviews import Reviews
from service.store.sheets_quota import SheetsQuota
from service.store.snapshots import Snapshots
from service.store.sync_inputs import SyncInputs
from service.store.sync_leases import Notified, SyncLeases, notified_from_row, request_sync_upsert


@cache
def _record_edit_and_notify(dialect: str) -> tuple[Insert, ...]:
    """The statements of a reported edit, the notification's upsert last. PostgreSQL: one,
    the edit inserted by a data-modifying CTE of the upsert (one round trip, atomic by
    itself); SQLite has no such CTE: the two, in one transaction."""
    notify = request_sync_upsert(dialect)
    if dialect == "postgresql":
        return (notify.add_cte(insert_edit().cte("edit")),)
    return (insert_edit(), notify)


class Store(
    Maps,
    Snapshots,
    History,
    SyncLeases,
    Channels,
    Reviews,
    EditEvents,
    Outbox,
    Calibrations,
    SheetsQuota,
    SyncInputs,
):
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

    def record_edit_and_request_sync(
        self,
        *,
        spreadsheet_id: str,
        a1: str,
        ts: datetime,
        sheet: str = "",
        user_email: str = "",
        value: str | None = None,
        old_value: str | None = None,
    ) -> Notified:
        """The add-on trigger's hot path in one short transaction: record the edit and a
        change notification; returns the notification as recorded (its generation, and
        whether a look at the MAP is already asked for). ``MapNotFound`` if there is no
        such MAP (the foreign keys say so). Old events are pruned by the sweep
        (``prune_edit_events``), not here."""
        now = self._now()
        event = edit_event_values(spreadsheet_id, a1, ts, sheet, user_email, value, old_value)
        parameters = {f"b_{name}": v for name, v in event.items()}
        parameters |= {"b_received_at": now, "b_now": now}
        try:
            with self._one_statement_connection(writes=True) as connection:
                for statement in _record_edit_and_notify(self.engine.dialect.name):
                    result = connection.execute(statement, parameters)
                row = result.one()
        except IntegrityError as exc:
            raise MapNotFound(spreadsheet_id) from exc
        return notified_from_row(row, now)

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
