"""Reminders in the store: per-MAP settings, opt-outs, the outbox and its keys.

Decide, then send (the outbox pattern). :meth:`Outbox.record_decision` records a
message and the keys of the reminders it carries in one transaction: a key is unique,
so a reminder is decided once across retries, processes and instances, and a message
is unique per MAP, purpose, recipient and day, so nobody gets two a day. A sender
claims due messages (:meth:`claim_messages`, a lease), delivers them and marks them
sent (:meth:`mark_sent`); a message whose sender died is claimed again once its lease
runs out, so no decided message is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from service.store.base import StoreBase
from service.store.records import NewOutboxMessage, OutboxMessage, ReminderSettings
from service.store.tables import (
    MapRow,
    OutboxMessageRow,
    ReminderKeyRow,
    ReminderOptOutRow,
    ReminderSettingsRow,
    UsedLinkRow,
)

# (milestone id, kind, date): a reminder's key within its MAP.
KeyTuple = tuple[str, str, date]


def _to_record(row: OutboxMessageRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        spreadsheet_id=row.spreadsheet_id,
        purpose=row.purpose,
        recipient=row.recipient,
        day=row.day,
        content=row.content,
        send_after=row.send_after,
        claimed_until=row.claimed_until,
        attempts=row.attempts,
        sent_at=row.sent_at,
        last_error=row.last_error,
        created_at=row.created_at,
    )


class Outbox(StoreBase):
    # -- settings and opt-outs ------------------------------------------------

    def reminder_settings(self, spreadsheet_id: str) -> ReminderSettings:
        """The MAP's reminder settings (on, no webhook, unless set)."""
        with self._reading() as session:
            row = session.get(ReminderSettingsRow, spreadsheet_id)
            if row is None:
                return ReminderSettings(spreadsheet_id, enabled=True, chat_webhook="")
            return ReminderSettings(spreadsheet_id, row.enabled, row.chat_webhook)

    def set_reminder_settings(
        self, spreadsheet_id: str, *, enabled: bool | None = None, chat_webhook: str | None = None
    ) -> ReminderSettings:
        """Changes what is given; ``MapNotFound`` if there is no such MAP."""
        with self._writing() as session:
            self._require_map(session, spreadsheet_id)
            row = session.get(ReminderSettingsRow, spreadsheet_id)
            if row is None:
                row = ReminderSettingsRow(
                    spreadsheet_id=spreadsheet_id, enabled=True, chat_webhook=""
                )
                session.add(row)
            if enabled is not None:
                row.enabled = enabled
            if chat_webhook is not None:
                row.chat_webhook = chat_webhook
            row.updated_at = self._now()
            session.flush()
            return ReminderSettings(spreadsheet_id, row.enabled, row.chat_webhook)

    def maps_with_reminders(self) -> list[str]:
        """Every MAP whose reminders are on, in a stable order."""
        with self._reading() as session:
            return list(
                session.scalars(
                    select(MapRow.spreadsheet_id)
                    .outerjoin(
                        ReminderSettingsRow,
                        ReminderSettingsRow.spreadsheet_id == MapRow.spreadsheet_id,
                    )
                    .where(
                        or_(
                            ReminderSettingsRow.enabled.is_(None),
                            ReminderSettingsRow.enabled.is_(True),
                        )
                    )
                    .order_by(MapRow.spreadsheet_id)
                )
            )

    def opt_out(self, email: str) -> None:
        """``email`` gets no more reminders, from any MAP, until :meth:`opt_in`."""
        key = email.strip().casefold()
        with self._writing() as session:
            session.execute(
                self._insert(ReminderOptOutRow)
                .values(email=key, created_at=self._now())
                .on_conflict_do_nothing()
            )

    def opt_in(self, email: str) -> None:
        with self._writing() as session:
            session.execute(
                delete(ReminderOptOutRow).where(ReminderOptOutRow.email == email.strip().casefold())
            )

    def opted_out(self, emails: Iterable[str]) -> set[str]:
        """Those of ``emails`` (casefolded) that opted out."""
        wanted = {e.strip().casefold() for e in emails}
        if not wanted:
            return set()
        with self._reading() as session:
            return set(
                session.scalars(
                    select(ReminderOptOutRow.email).where(ReminderOptOutRow.email.in_(wanted))
                )
            )

    # -- deciding -------------------------------------------------------------

    def decided_keys(self, spreadsheet_id: str, keys: Iterable[KeyTuple]) -> set[KeyTuple]:
        """Those of ``keys`` already decided for the MAP."""
        wanted = set(keys)
        if not wanted:
            return set()
        with self._reading() as session:
            rows = session.execute(
                select(ReminderKeyRow.milestone_id, ReminderKeyRow.kind, ReminderKeyRow.on_date)
                .where(ReminderKeyRow.spreadsheet_id == spreadsheet_id)
                .where(ReminderKeyRow.on_date.in_({k[2] for k in wanted}))
            ).all()
        return {(m, k, d) for m, k, d in rows} & wanted

    def record_decision(
        self, message: NewOutboxMessage, keys: Iterable[KeyTuple] = ()
    ) -> OutboxMessage | None:
        """Records ``message`` and ``keys`` in one transaction; ``None`` (nothing
        recorded) when one of the keys was decided already or the recipient has their
        message of the day for this MAP and purpose (another process got there first).
        ``MapNotFound`` if there is no such MAP."""
        now = self._now()
        try:
            with self._writing() as session:
                self._require_map(session, message.spreadsheet_id)
                row = OutboxMessageRow(
                    spreadsheet_id=message.spreadsheet_id,
                    purpose=message.purpose,
                    recipient=message.recipient,
                    day=message.day,
                    content=message.content,
                    send_after=message.send_after,
                    claimed_until=None,
                    attempts=0,
                    sent_at=None,
                    last_error=None,
                    created_at=now,
                )
                session.add(row)
                session.flush()
                for milestone_id, kind, on in keys:
                    session.add(
                        ReminderKeyRow(
                            spreadsheet_id=message.spreadsheet_id,
                            milestone_id=milestone_id,
                            kind=kind,
                            on_date=on,
                            message_id=row.id,
                            created_at=now,
                        )
                    )
                session.flush()
                return _to_record(row)
        except IntegrityError:
            with self._reading() as session:
                self._require_map(session, message.spreadsheet_id)
            return None

    # -- sending --------------------------------------------------------------

    def claim_messages(self, *, limit: int = 50, lease: timedelta) -> list[OutboxMessage]:
        """Up to ``limit`` unsent messages whose time has come and that no live sender
        holds, oldest first, now held by the caller for ``lease``."""
        now = self._now()
        with self._writing() as session:
            query = (
                select(OutboxMessageRow)
                .where(
                    OutboxMessageRow.sent_at.is_(None),
                    OutboxMessageRow.send_after <= now,
                    or_(
                        OutboxMessageRow.claimed_until.is_(None),
                        OutboxMessageRow.claimed_until <= now,
                    ),
                )
                .order_by(OutboxMessageRow.send_after, OutboxMessageRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            rows = list(session.scalars(query))
            for row in rows:
                row.claimed_until = now + lease
                row.attempts += 1
            session.flush()
            return [_to_record(r) for r in rows]

    def mark_sent(self, message_id: int) -> None:
        with self._writing() as session:
            session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == message_id, OutboxMessageRow.sent_at.is_(None))
                .values(sent_at=self._now(), claimed_until=None, last_error=None)
            )

    def release_message(self, message_id: int, *, error: str, retry_at: datetime) -> None:
        """A delivery failed: try again at ``retry_at``."""
        with self._writing() as session:
            session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == message_id, OutboxMessageRow.sent_at.is_(None))
                .values(claimed_until=None, send_after=retry_at, last_error=error[:500])
            )

    def outbox_messages(
        self,
        spreadsheet_id: str | None = None,
        *,
        recipient: str | None = None,
        limit: int = 200,
    ) -> list[OutboxMessage]:
        """The newest messages first (of one MAP, or one recipient, if given)."""
        query = select(OutboxMessageRow)
        if spreadsheet_id is not None:
            query = query.where(OutboxMessageRow.spreadsheet_id == spreadsheet_id)
        if recipient is not None:
            query = query.where(OutboxMessageRow.recipient == recipient)
        with self._reading() as session:
            rows = session.scalars(
                query.order_by(
                    OutboxMessageRow.created_at.desc(), OutboxMessageRow.id.desc()
                ).limit(limit)
            )
            return [_to_record(r) for r in rows]

    def get_outbox_message(self, message_id: int) -> OutboxMessage | None:
        with self._reading() as session:
            row = session.get(OutboxMessageRow, message_id)
            return None if row is None else _to_record(row)

    def pending_count(self) -> int:
        with self._reading() as session:
            count = session.scalar(
                select(func.count())
                .select_from(OutboxMessageRow)
                .where(OutboxMessageRow.sent_at.is_(None))
            )
        return int(count or 0)

    # -- single-use links -----------------------------------------------------

    def use_link(self, spreadsheet_id: str, nonce: str) -> bool:
        """Marks a one-click link used; False if it was used before."""
        try:
            with self._writing() as session:
                self._require_map(session, spreadsheet_id)
                session.add(
                    UsedLinkRow(nonce=nonce, spreadsheet_id=spreadsheet_id, used_at=self._now())
                )
                session.flush()
        except IntegrityError:
            return False
        return True

    def release_link(self, nonce: str) -> None:
        """The change a link was used for failed: the link works again."""
        with self._writing() as session:
            session.execute(delete(UsedLinkRow).where(UsedLinkRow.nonce == nonce))

    def link_used(self, nonce: str) -> bool:
        with self._reading() as session:
            return session.get(UsedLinkRow, nonce) is not None
