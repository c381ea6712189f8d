"""The Sheets quota budget every instance shares: the calls each service account made
in the last window (a minute), reads and writes apart.

Google counts Sheets requests per user per minute. Each row holds one account's calls
of one kind as their instants, oldest first, and only those still inside the window; a
call is counted in the same transaction that checks the room for it, under the row's
lock (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write lock ``BEGIN
IMMEDIATE`` takes), so two instances can never both take the last unit. The window
slides: a budget of N allows N calls in any window's length, which also keeps within a
quota counted per calendar minute. Rows stay small (at most the budget's N instants).
"""

from __future__ import annotations

from sqlalchemy import select, update

from service.store.base import StoreBase
from service.store.tables import SheetsQuotaRow

# A call refused for want of room waits at least this long (the clocks' grain).
MIN_WAIT_S = 0.05


class SheetsQuota(StoreBase):
    def take_sheets_call(self, account: str, kind: str, limit: int, window_s: float) -> float:
        """Counts one call of ``kind`` ("read" or "write") by ``account`` if fewer than
        ``limit`` were made in the last ``window_s`` seconds: returns 0.0. Otherwise
        counts nothing and returns the seconds until there is room again."""
        return self._count(account, kind, limit, window_s, fill=False)

    def spend_sheets_budget(self, account: str, kind: str, limit: int, window_s: float) -> float:
        """Uses up what is left of the window's budget (Google answered 429: its own
        count is ahead of ours, so nobody calls again before a window has passed);
        returns the seconds until there is room again."""
        return self._count(account, kind, limit, window_s, fill=True)

    def sheets_calls(self, account: str, kind: str, window_s: float) -> int:
        """How many calls of ``kind`` the account made in the last ``window_s`` seconds."""
        now = self._now().timestamp()
        with self._reading() as session:
            calls = session.scalar(
                select(SheetsQuotaRow.calls).where(
                    SheetsQuotaRow.account == account, SheetsQuotaRow.kind == kind
                )
            )
        return sum(1 for at in calls or [] if at > now - window_s)

    def _count(self, account: str, kind: str, limit: int, window_s: float, *, fill: bool) -> float:
        now = self._now()
        instant = now.timestamp()
        key = (SheetsQuotaRow.account == account, SheetsQuotaRow.kind == kind)
        with self._writing() as session:
            session.execute(
                self._insert(SheetsQuotaRow)
                .values(account=account, kind=kind, calls=[], updated_at=now)
                .on_conflict_do_nothing(index_elements=["account", "kind"])
            )
            stored = session.scalar(select(SheetsQuotaRow.calls).where(*key).with_for_update())
            calls = sorted(float(at) for at in stored or [] if float(at) > instant - window_s)
            if fill:
                calls += [instant] * max(0, limit - len(calls))
            elif len(calls) < limit:
                calls.append(instant)
                session.execute(
                    update(SheetsQuotaRow).where(*key).values(calls=calls, updated_at=now)
                )
                return 0.0
            session.execute(update(SheetsQuotaRow).where(*key).values(calls=calls, updated_at=now))
        if limit <= 0 or not calls:
            return window_s
        # Room for one more once the call ``limit`` places from the newest leaves the window.
        oldest_in_the_way = calls[len(calls) - limit]
        return max(MIN_WAIT_S, oldest_in_the_way + window_s - instant)
