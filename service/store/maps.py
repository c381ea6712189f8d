"""The MAP registry: which spreadsheets hold a MAP, whose they are, and their summary."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any, Unpack, cast

from sqlalchemy import ColumnElement, Select, Table, Update, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from service.store import driver_sql
from service.store.base import StoreBase
from service.store.errors import MapAlreadyExists, MapNotFound
from service.store.records import MapChanges, MapRecord, MapSort
from service.store.tables import MapRow

_CHANGEABLE = frozenset(MapChanges.__annotations__)


# A revoked feed's column holds this prefix and random bits that nobody is given: the
# column stays NOT NULL and unique (no migration, no rebuild of the table on SQLite),
# and "." never occurs in a key (URL-safe base64), so no key a caller sends can match.
REVOKED_PREFIX = "revoked."


def new_calendar_key() -> str:
    """An unguessable key for a MAP's iCalendar feed (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _shown_key(stored: str) -> str | None:
    return None if stored.startswith(REVOKED_PREFIX) else stored


def _pipeline_order(sort: MapSort) -> list[ColumnElement[Any]]:
    risk = MapRow.health_score.asc().nulls_last()
    slip = MapRow.slip_bd.desc().nulls_last()
    go_live = func.coalesce(MapRow.projected_go_live, MapRow.committed_go_live).asc()
    account = func.lower(MapRow.account).asc()
    signature = MapRow.p_signature_quarter.desc().nulls_last()
    orders: dict[MapSort, list[ColumnElement[Any]]] = {
        MapSort.RISK: [risk, slip],
        MapSort.SLIP: [slip, risk],
        MapSort.GO_LIVE: [go_live],
        MapSort.ACCOUNT: [account],
        MapSort.SIGNATURE: [signature, risk],
    }
    first = orders[sort]
    return [*first, account, MapRow.spreadsheet_id.asc()]


def _to_record(row: Any) -> MapRecord:
    """The record of a MAP row (an ORM row or a result row with its columns)."""
    return MapRecord(
        spreadsheet_id=row.spreadsheet_id,
        map_id=row.map_id,
        org=row.org,
        seller_email=row.seller_email,
        account=row.account,
        outcome=row.outcome,
        template=row.template,
        country=row.country,
        committed_go_live=row.committed_go_live,
        created_on=row.created_on,
        shared_on=row.shared_on,
        buyer_emails=tuple(row.buyer_emails),
        calendar_key=_shown_key(row.calendar_key),
        projected_go_live=row.projected_go_live,
        slip_bd=row.slip_bd,
        health_score=row.health_score,
        health_label=row.health_label,
        top_risks=list(row.top_risks),
        last_synced_at=row.last_synced_at,
        last_read_at=row.last_read_at,
        last_edit_on=row.last_edit_on,
        last_buyer_edit_on=row.last_buyer_edit_on,
        last_reviewed_on=row.last_reviewed_on,
        created_at=row.created_at,
        updated_at=row.updated_at,
        drive_version=row.drive_version,
        forecast=row.forecast,
        p_signature_quarter=row.p_signature_quarter,
        signature_target=row.signature_target,
        quarter_end=row.quarter_end,
        amount=row.amount,
    )


@cache
def _map_by_id() -> Select[Any]:
    """The MAP row by ``spreadsheet_id`` (a Core statement, built once)."""
    table = cast(Table, MapRow.__table__)
    return select(table).where(table.c.spreadsheet_id == bindparam("spreadsheet_id"))


@lru_cache(maxsize=64)
def _update_map(columns: tuple[str, ...]) -> Update:
    """The UPDATE of these columns of one MAP's row (a Core statement, built once for
    each set of columns; its parameters are named b_<column>)."""
    table = cast(Table, MapRow.__table__)
    return (
        update(table)
        .where(table.c.spreadsheet_id == bindparam("b_spreadsheet_id"))
        .values({name: bindparam(f"b_{name}") for name in columns})
    )


class Maps(StoreBase):
    def register_map(
        self,
        *,
        spreadsheet_id: str,
        org: str,
        seller_email: str,
        account: str,
        template: str,
        committed_go_live: date,
        created_on: date,
        outcome: str = "",
        country: str = "US",
        shared_on: date | None = None,
        buyer_emails: Iterable[str] = (),
        map_id: str | None = None,
        amount: int | None = None,
    ) -> MapRecord:
        """Registers a new MAP; ``MapAlreadyExists`` if the spreadsheet holds one (or the
        given ``map_id`` is another MAP's).

        The store picks the MAP's calendar key, and its uuid unless ``map_id`` is given
        (provisioning writes the id into the spreadsheet before registering it); a
        ``map_id`` that is not a UUID is a ``ValueError``. ``org`` (a Workspace domain)
        is kept in lower case, the form ``list_maps`` looks it up by.
        """
        now = self._now()
        row = MapRow(
            spreadsheet_id=spreadsheet_id,
            map_id=str(uuid.UUID(map_id)) if map_id else str(uuid.uuid4()),
            org=org.lower(),
            seller_email=seller_email,
            account=account,
            outcome=outcome,
            template=template,
            country=country,
            committed_go_live=committed_go_live,
            created_on=created_on,
            shared_on=shared_on,
            buyer_emails=list(buyer_emails),
            calendar_key=new_calendar_key(),
            top_risks=[],
            amount=amount,
            created_at=now,
            updated_at=now,
        )
        try:
            with self._writing() as session:
                session.add(row)
                session.flush()
                return _to_record(row)
        except IntegrityError as exc:
            # The constraints a new row can break: the spreadsheet id or the given
            # map_id is taken (the calendar key is a fresh random value).
            raise MapAlreadyExists(spreadsheet_id) from exc

    def get_map(self, spreadsheet_id: str) -> MapRecord | None:
        with self._read_connection() as connection:
            row = connection.execute(_map_by_id(), {"spreadsheet_id": spreadsheet_id}).first()
            return None if row is None else _to_record(row)

    def orgs(self) -> list[str]:
        """Every organisation with a MAP, A to Z."""
        with self._reading() as session:
            return list(session.scalars(select(MapRow.org).distinct().order_by(MapRow.org)))

    def get_map_by_calendar_key(self, calendar_key: str) -> MapRecord | None:
        if not calendar_key or calendar_key.startswith(REVOKED_PREFIX):
            return None
        with self._reading() as session:
            row = session.scalar(select(MapRow).where(MapRow.calendar_key == calendar_key))
            return None if row is None else _to_record(row)

    def list_maps(self, org: str, sort: MapSort | str = MapSort.RISK) -> list[MapRecord]:
        """The organisation's MAPs in pipeline order; ``ValueError`` for an unknown sort."""
        order = _pipeline_order(MapSort(sort))
        with self._reading() as session:
            rows = session.scalars(select(MapRow).where(MapRow.org == org.lower()).order_by(*order))
            return [_to_record(row) for row in rows]

    def update_map(self, spreadsheet_id: str, **changes: Unpack[MapChanges]) -> MapRecord:
        """Changes the given fields only; ``MapNotFound`` if there is no such MAP."""
        values = self._map_values(changes)
        with self._writing() as session:
            row = session.scalar(
                update(MapRow)
                .where(MapRow.spreadsheet_id == spreadsheet_id)
                .values(**values)
                .returning(MapRow)
                .execution_options(synchronize_session=False)
            )
            if row is None:
                raise MapNotFound(spreadsheet_id)
            return _to_record(row)

    def record_map_changes(self, spreadsheet_id: str, **changes: Unpack[MapChanges]) -> None:
        """As :meth:`update_map`, with nothing read back (one ``UPDATE``): a sync's
        record. ``MapNotFound`` if there is no such MAP."""
        values = self._map_values(changes)
        parameters = {f"b_{name}": value for name, value in values.items()}
        parameters["b_spreadsheet_id"] = spreadsheet_id
        with self._write_connection() as connection:
            # As SQL the driver runs (a sync's record: ``driver_sql``).
            result = driver_sql.execute(connection, _update_map(tuple(values)), parameters)
            if not result.rowcount:
                raise MapNotFound(spreadsheet_id)

    def _map_values(self, changes: MapChanges) -> dict[str, Any]:
        unknown = set(changes) - _CHANGEABLE
        if unknown:
            raise TypeError(f"update_map cannot change {', '.join(sorted(unknown))}")
        values: dict[str, Any] = dict(changes)
        if "buyer_emails" in values:
            values["buyer_emails"] = list(values["buyer_emails"])
        values["updated_at"] = self._now()
        return values

    def rotate_calendar_key(self, spreadsheet_id: str) -> MapRecord:
        """A fresh key for the MAP's iCalendar feed (also after a revocation); the old
        key is refused from now on. ``MapNotFound`` if there is no such MAP."""
        return self._set_calendar_key(spreadsheet_id, new_calendar_key())

    def revoke_calendar_key(self, spreadsheet_id: str) -> MapRecord:
        """No key at all (``calendar_key`` None): the feed answers 404 until a key is
        made again."""
        return self._set_calendar_key(spreadsheet_id, REVOKED_PREFIX + new_calendar_key())

    def _set_calendar_key(self, spreadsheet_id: str, key: str) -> MapRecord:
        with self._writing() as session:
            row = session.scalar(
                update(MapRow)
                .where(MapRow.spreadsheet_id == spreadsheet_id)
                .values(calendar_key=key, updated_at=self._now())
                .returning(MapRow)
                .execution_options(synchronize_session=False)
            )
            if row is None:
                raise MapNotFound(spreadsheet_id)
            return _to_record(row)

    def maps_due_for_sweep(
        self,
        now: datetime,
        *,
        min_interval: timedelta = timedelta(0),
        limit: int | None = None,
    ) -> list[MapRecord]:
        """MAPs not synced since ``now - min_interval``, never-synced first, then oldest."""
        cutoff = now - min_interval
        query = (
            select(MapRow)
            .where((MapRow.last_synced_at.is_(None)) | (MapRow.last_synced_at <= cutoff))
            .order_by(MapRow.last_synced_at.asc().nulls_first(), MapRow.spreadsheet_id)
            .limit(limit)
        )
        with self._reading() as session:
            return [_to_record(row) for row in session.scalars(query)]
