"""The service account's Sheets budget, kept in the store so every instance shares it
(``MAP_SHEETS_READS_PER_MINUTE``, ``MAP_SHEETS_WRITES_PER_MINUTE``; docs/deploy.md).

Google allows 60 reads and 60 writes a minute per user per project by default, and the
backend makes every background call as its one service account. Before each Sheets
call the gateway takes a unit here; with none left it raises
:class:`~service.sheets.QuotaBudgetSpent` without calling Google, and the queue
schedules the sync for when there is room (notifications arriving meanwhile land in
that one sync). A 429 from Google spends the rest of the minute's budget the same way.

The window is a minute plus ``WINDOW_MARGIN_S``: a call is counted here an instant
before Google counts it, so a slightly longer window keeps the two counts from
disagreeing at its edge.
"""

from __future__ import annotations

from service import sheets
from service.sheets.budget import CallKind
from service.store.sheets_quota import SheetsQuota

WINDOW_S = 60.0
WINDOW_MARGIN_S = 1.0


class StoreQuotaBudget:
    """:class:`~service.sheets.budget.SheetsBudget` on the store's shared counts."""

    def __init__(self, store: SheetsQuota, account: str, *, reads: int, writes: int) -> None:
        self._store = store
        self._account = account
        self._limits: dict[CallKind, int] = {"read": reads, "write": writes}
        self.window_s = WINDOW_S + WINDOW_MARGIN_S

    def take(self, kind: CallKind) -> None:
        wait = self._store.take_sheets_call(self._account, kind, self._limits[kind], self.window_s)
        if wait > 0:
            raise sheets.QuotaBudgetSpent(
                f"the budget of {self._limits[kind]} Sheets {kind}s a minute of "
                f"{self._account} is spent; room again in {wait:.1f} s",
                retry_after_s=wait,
            )

    def spent_by_google(self, kind: CallKind) -> float:
        return self._store.spend_sheets_budget(
            self._account, kind, self._limits[kind], self.window_s
        )
