"""Drive push channels (``files.watch``) of each MAP, with their secret tokens hashed."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, select

from service.store.base import StoreBase
from service.store.errors import ChannelAlreadyExists
from service.store.records import WatchChannel
from service.store.tables import WatchChannelRow


def hash_channel_token(token: str) -> str:
    """SHA-256 of a channel token (hex). Tokens are long random strings, so a fast hash
    is enough; what matters is that the database never holds the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _to_record(row: WatchChannelRow) -> WatchChannel:
    return WatchChannel(
        channel_id=row.channel_id,
        spreadsheet_id=row.spreadsheet_id,
        resource_id=row.resource_id,
        expiration=row.expiration,
        created_at=row.created_at,
    )


class Channels(StoreBase):
    def save_channel(
        self,
        *,
        channel_id: str,
        spreadsheet_id: str,
        resource_id: str,
        token: str,
        expiration: datetime,
    ) -> WatchChannel:
        """Saves a new channel, keeping only a hash of ``token``. ``MapNotFound`` if the
        spreadsheet holds no MAP, ``ChannelAlreadyExists`` if the id is taken."""
        with self._writing() as session:
            self._require_map(session, spreadsheet_id)
            if session.get(WatchChannelRow, channel_id) is not None:
                raise ChannelAlreadyExists(channel_id)
            row = WatchChannelRow(
                channel_id=channel_id,
                spreadsheet_id=spreadsheet_id,
                resource_id=resource_id,
                token_hash=hash_channel_token(token),
                expiration=expiration,
                created_at=self._now(),
            )
            session.add(row)
            session.flush()
            return _to_record(row)

    def get_channel(self, channel_id: str) -> WatchChannel | None:
        with self._reading() as session:
            row = session.get(WatchChannelRow, channel_id)
            return None if row is None else _to_record(row)

    def verify_channel_token(self, channel_id: str, token: str) -> bool:
        """True if ``token`` is the channel's secret (compared in constant time)."""
        found = self.check_channel(channel_id, token)
        return found is not None and found[1]

    def check_channel(self, channel_id: str, token: str) -> tuple[str, bool] | None:
        """The channel's spreadsheet and whether ``token`` is its secret (compared in
        constant time), in one read (a Drive notification's path); None when there is
        no such channel."""
        with self._one_statement_connection(writes=False) as connection:
            row = connection.execute(_channel_check(), {"channel_id": channel_id}).one_or_none()
        offered = hash_channel_token(token)
        if row is None:
            # Compare anyway, so an unknown channel takes as long as a wrong token.
            hmac.compare_digest(offered, offered)
            return None
        return row.spreadsheet_id, hmac.compare_digest(offered, row.token_hash)

    def channels_for_map(self, spreadsheet_id: str) -> list[WatchChannel]:
        """The MAP's channels, the one expiring last first."""
        query = (
            select(WatchChannelRow)
            .where(WatchChannelRow.spreadsheet_id == spreadsheet_id)
            .order_by(WatchChannelRow.expiration.desc(), WatchChannelRow.channel_id)
        )
        with self._reading() as session:
            return [_to_record(row) for row in session.scalars(query)]

    def channels_expiring_before(self, moment: datetime) -> list[WatchChannel]:
        """Channels whose expiration is before ``moment``, soonest first."""
        query = (
            select(WatchChannelRow)
            .where(WatchChannelRow.expiration < moment)
            .order_by(WatchChannelRow.expiration, WatchChannelRow.channel_id)
        )
        with self._reading() as session:
            return [_to_record(row) for row in session.scalars(query)]

    def delete_channel(self, channel_id: str) -> bool:
        """Forgets a channel; False if there was none."""
        with self._writing() as session:
            deleted = session.scalar(
                delete(WatchChannelRow)
                .where(WatchChannelRow.channel_id == channel_id)
                .returning(WatchChannelRow.channel_id)
            )
            return deleted is not None

    def set_channel_resource(self, channel_id: str, resource_id: str, expiration: datetime) -> bool:
        """Records what Drive answered for a channel saved before its watch was opened
        (the resource id, the expiration Drive granted); False if there is no such channel."""
        with self._writing() as session:
            row = session.get(WatchChannelRow, channel_id)
            if row is None:
                return False
            row.resource_id = resource_id
            row.expiration = expiration
            return True


@cache
def _channel_check() -> Select[Any]:
    """A channel's spreadsheet and token hash (a Core statement, built once)."""
    table = cast(Table, WatchChannelRow.__table__)
    return select(table.c.spreadsheet_id, table.c.token_hash).where(
        table.c.channel_id == bindparam("channel_id")
    )
