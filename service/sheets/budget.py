"""What the gateway asks before each Sheets call: may this account make one more read
(or write) now? The gateway knows which calls are reads and which are writes; whoever
keeps the count (the store, shared by every instance) implements :class:`SheetsBudget`.

Google counts ``spreadsheets.get`` (and ``developerMetadata.search``) as reads and every
other Sheets request as a write; Drive calls are on Drive's own, far larger quota and are
not counted here.
"""

from __future__ import annotations

from typing import Literal, Protocol

CallKind = Literal["read", "write"]


class SheetsBudget(Protocol):
    def take(self, kind: CallKind) -> None:
        """Count one call of ``kind``; raise
        :class:`~service.sheets.errors.QuotaBudgetSpent` (with ``retry_after_s``) when
        none is left in this minute: the call is then not made."""
        ...

    def spent_by_google(self, kind: CallKind) -> float:
        """Google answered 429 for a call of ``kind`` though the budget had room: use up
        the rest of this minute's budget for everyone; returns the seconds until there is
        room again."""
        ...
