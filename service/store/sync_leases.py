"""Single flight and coalescing of syncs across processes (I4), with conditional UPDATEs.

Per spreadsheet, ``requested`` counts change notifications (a generation number) and
``completed`` is the generation the last finished sync covered. A sync runs under a
lease (owner, expiry) taken by one conditional UPDATE; the holder covers the generation
it read when it took the lease (the sheet is read after that). Releasing succeeds, in one
statement, only if no notification arrived meanwhile; otherwise the holder keeps the
lease and syncs again. The argument for why this is correct is in docs/store.md; the
reference loop is :func:`service.store.single_flight.run_single_flight`.

Every statement is a single-row UPDATE (or upsert) whose WHERE clause is re-checked under
the row's write lock on PostgreSQL, and under the database's write lock on SQLite, so no
two callers can both see the lease free. Times come from the store's clock: hosts that
share a database must keep their clocks in step (NTP), well within a lease's length.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Insert, Table, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store.base import StoreBase
from service.store.column_types import UtcDateTime
from service.store.errors import LeaseLost, MapNotFound
from service.store.records import SyncState
from service.store.tables import SyncStateRow

_ERROR_LIMIT = 4000


def new_lease_owner() -> str:
    """A lease-owner id naming this host and process, unique per call."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _to_record(row: SyncStateRow) -> SyncState:
    return SyncState(
        spreadsheet_id=row.spreadsheet_id,
        requested=row.requested,
        completed=row.completed,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        last_error=row.last_error,
        attempts=row.attempts,
        updated_at=row.updated_at,
        first_pending_at=row.first_pending_at,
        last_notified_at=row.last_notified_at,
    )


def _lease_length(lease_s: float) -> timedelta:
    if lease_s <= 0:
        raise ValueError("a lease must last a positive number of seconds")
    return timedelta(seconds=lease_s)


def _lease_free(now: datetime) -> ColumnElement[bool]:
    return or_(SyncStateRow.lease_owner.is_(None), SyncStateRow.lease_until <= now)


# A notification recorded while an earlier one, this recent, waits for its sync needs no
# look of its own: the look the earlier one asked for (a queued task, or the queue's
# timer) covers it. Older than this, the earlier look may have been lost (a task that
# could not be made, a process that died), so the notification asks for one again.
LOOK_COVERS_S = 60.0


@dataclass(frozen=True, slots=True)
class Notified:
    """A change notification as recorded."""

    generation: int
    # True: the caller should queue a look at the MAP (a sync, paced). False: an earlier
    # notification that no sync has taken on yet asked for one less than LOOK_COVERS_S
    # ago; that look covers this notification too.
    needs_look: bool


def notified_from_row(row: Any, now: datetime) -> Notified:
    generation, first_pending_at = row
    waiting = first_pending_at is not None and first_pending_at != now
    covered = waiting and (now - first_pending_at).total_seconds() < LOOK_COVERS_S
    return Notified(generation=int(generation), needs_look=not covered)


# A look after another's lease expires waits this much more, so that the clocks of two
# hosts need not agree to the millisecond.
AFTER_LEASE_S = 0.5


@cache
def request_sync_upsert(dialect: str) -> Insert:
    """The upsert that records one more notification (parameters ``b_spreadsheet_id``,
    ``b_now``), returning its generation and the first notification no sync has taken on
    yet: a Core statement, built once per dialect (it is on every hook's path)."""
    table = cast(Table, SyncStateRow.__table__)
    now = bindparam("b_now", type_=UtcDateTime())
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return (
        insert.values(
            spreadsheet_id=bindparam("b_spreadsheet_id"),
            requested=1,
            completed=0,
            attempts=0,
            updated_at=now,
            first_pending_at=now,
            last_notified_at=now,
        )
        .on_conflict_do_update(
            index_elements=["spreadsheet_id"],
            set_={
                "requested": table.c.requested + 1,
                "updated_at": now,
                "first_pending_at": func.coalesce(table.c.first_pending_at, now),
                "last_notified_at": now,
            },
        )
        .returning(table.c.requested, table.c.first_pending_at)
    )


class SyncLeases(StoreBase):
    def request_sync(self, spreadsheet_id: str) -> Notified:
        """Records a change notification; returns its generation (1, 2, ...) and whether
        a look at the MAP is already asked for. ``MapNotFound`` if there is no such MAP."""
        now = self._now()
        statement = request_sync_upsert(self.engine.dialect.name)
        parameters = {"b_spreadsheet_id": spreadsheet_id, "b_now": now}
        try:
            with self._one_statement_connection(writes=True) as connection:
                row = connection.execute(statement, parameters).one()
        except IntegrityError as exc:
            raise MapNotFound(spreadsheet_id) from exc
        return notified_from_row(row, now)

    def try_acquire(self, spreadsheet_id: str, owner: str, lease_s: float) -> int | None:
        """Takes the lease if it is free or expired and a sync is pending; returns the
        generation the caller's sync covers. None: another owner holds the lease (it
        will cover the caller's notification), or every notification is covered."""
        now = self._now()
        statement = (
            update(SyncStateRow)
            .where(
                SyncStateRow.spreadsheet_id == spreadsheet_id,
                SyncStateRow.requested > SyncStateRow.completed,
                _lease_free(now),
            )
            # The sync takes on every notification so far: none waits any more.
            .values(
                lease_owner=owner,
                lease_until=now + _lease_length(lease_s),
                updated_at=now,
                first_pending_at=None,
            )
            .returning(SyncStateRow.requested)
            .execution_options(synchronize_session=False)
        )
        with self._writing() as session:
            return session.scalar(statement)

    def release(self, spreadsheet_id: str, owner: str, covered_generation: int) -> bool:
        """Records that the owner's sync covered ``covered_generation``.

        True: nothing new arrived; the lease is released. False: notifications arrived
        during the sync; the owner still holds the lease and must sync again, covering
        the generation :meth:`continue_lease` returns. ``LeaseLost`` if the owner does not
        hold the lease (nothing is recorded then).

        Inside an open :meth:`transaction` (a sync's record, see
        :meth:`~service.store.single_flight.Lease.recording`) it joins it and commits
        with it.
        """
        released = self.release_held(spreadsheet_id, owner, covered_generation)
        if released is None:
            raise LeaseLost(spreadsheet_id, owner)
        return released

    def release_held(self, spreadsheet_id: str, owner: str, covered_generation: int) -> bool | None:
        """As :meth:`release`, with None for a lease the owner no longer holds instead of
        ``LeaseLost``: inside a sync's record transaction, the record still commits."""
        now = self._now()
        with self._writing() as session:
            finished = self._update_held(
                session,
                spreadsheet_id,
                owner,
                SyncStateRow.requested == covered_generation,
                completed=covered_generation,
                lease_owner=None,
                lease_until=None,
                last_error=None,
                attempts=0,
                updated_at=now,
            )
            if finished:
                return True
            still_held = self._update_held(
                session, spreadsheet_id, owner, completed=covered_generation, updated_at=now
            )
        return False if still_held else None

    def continue_lease(self, spreadsheet_id: str, owner: str, lease_s: float) -> int:
        """Extends the owner's lease; returns the generation its next sync covers."""
        return self._extend(spreadsheet_id, owner, lease_s, first_pending_at=None)

    def hand_back(self, spreadsheet_id: str, owner: str) -> None:
        """Releases the owner's lease after :meth:`release` said notifications arrived
        during its sync (it recorded what the sync covered): they stay pending, to be
        synced when they are due (paced) rather than at once. ``LeaseLost`` if the owner
        does not hold the lease."""
        now = self._now()
        with self._writing() as session:
            released = self._update_held(
                session,
                spreadsheet_id,
                owner,
                lease_owner=None,
                lease_until=None,
                last_error=None,
                attempts=0,
                updated_at=now,
            )
        if not released:
            raise LeaseLost(spreadsheet_id, owner)

    def sync_due_in(self, spreadsheet_id: str, quiet_s: float, max_wait_s: float) -> float | None:
        """Seconds until a paced sync of the MAP is due: once it has had no notification
        for ``quiet_s``, or its first pending one is ``max_wait_s`` old, whichever comes
        first (0: due now). None when nothing is pending. While another holds the lease,
        the seconds until it expires (and a little more): a live holder covers what is
        pending and renews it, so a look then finds nothing to do, but a holder that died
        (``kill -9``) no longer renews it, and that look takes the work over."""
        now = self._now()
        with self._reading() as session:
            row = session.get(SyncStateRow, spreadsheet_id)
            if row is None or row.requested <= row.completed:
                return None
            held_until = row.lease_until if row.lease_owner is not None else None
            if held_until is not None and held_until > now:
                return (held_until - now).total_seconds() + AFTER_LEASE_S
            first, last = row.first_pending_at, row.last_notified_at
        if first is None or last is None:
            return 0.0  # not known when they came (a failed sync, an older row): now
        due = min(last + timedelta(seconds=quiet_s), first + timedelta(seconds=max_wait_s))
        return max(0.0, (due - now).total_seconds())

    def renew_lease(self, spreadsheet_id: str, owner: str, lease_s: float) -> None:
        """Extends the owner's lease during a long sync; ``LeaseLost`` if it is gone."""
        self._extend(spreadsheet_id, owner, lease_s)

    def record_failure(self, spreadsheet_id: str, owner: str, error: str) -> bool:
        """Releases the owner's lease after a failed sync, keeping the notification
        pending so a later sync (the sweep) retries. False if the owner held no lease."""
        now = self._now()
        with self._writing() as session:
            return self._update_held(
                session,
                spreadsheet_id,
                owner,
                lease_owner=None,
                lease_until=None,
                last_error=error[:_ERROR_LIMIT],
                attempts=SyncStateRow.attempts + 1,
                updated_at=now,
            )

    def pending_syncs(self, now: datetime | None = None) -> list[SyncState]:
        """Spreadsheets with uncovered notifications and no live lease, oldest first."""
        at = now or self._now()
        query = (
            select(SyncStateRow)
            .where(SyncStateRow.requested > SyncStateRow.completed, _lease_free(at))
            .order_by(SyncStateRow.updated_at, SyncStateRow.spreadsheet_id)
        )
        with self._reading() as session:
            return [_to_record(row) for row in session.scalars(query)]

    def unfinished_syncs(self) -> list[SyncState]:
        """Spreadsheets with uncovered notifications, leased or not, oldest first."""
        query = (
            select(SyncStateRow)
            .where(SyncStateRow.requested > SyncStateRow.completed)
            .order_by(SyncStateRow.updated_at, SyncStateRow.spreadsheet_id)
        )
        with self._reading() as session:
            return [_to_record(row) for row in session.scalars(query)]

    def sync_state(self, spreadsheet_id: str) -> SyncState | None:
        with self._reading() as session:
            row = session.get(SyncStateRow, spreadsheet_id)
            return None if row is None else _to_record(row)

    def _extend(self, spreadsheet_id: str, owner: str, lease_s: float, **values: object) -> int:
        now = self._now()
        statement = (
            update(SyncStateRow)
            .where(SyncStateRow.spreadsheet_id == spreadsheet_id, SyncStateRow.lease_owner == owner)
            .values(lease_until=now + _lease_length(lease_s), updated_at=now, **values)
            .returning(SyncStateRow.requested)
            .execution_options(synchronize_session=False)
        )
        with self._writing() as session:
            generation = session.scalar(statement)
        if generation is None:
            raise LeaseLost(spreadsheet_id, owner)
        return generation

    @staticmethod
    def _update_held(
        session: Session,
        spreadsheet_id: str,
        owner: str,
        *conditions: ColumnElement[bool],
        **values: object,
    ) -> bool:
        """One UPDATE of the row, only while ``owner`` holds the lease; True if it did."""
        statement = (
            update(SyncStateRow)
            .where(
                SyncStateRow.spreadsheet_id == spreadsheet_id,
                SyncStateRow.lease_owner == owner,
                *conditions,
            )
            .values(**values)
            .returning(SyncStateRow.spreadsheet_id)
            .execution_options(synchronize_session=False)
        )
        return session.scalar(statement) is not None
