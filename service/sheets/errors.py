"""Errors of the Sheets layer. Google's errors become these at the gateway; nothing
above it sees ``googleapiclient.errors.HttpError``.

    SheetsError
    ├── NotAMap              the spreadsheet has no MAP layout the reader recognises
    ├── AlreadyAMap          a MAP (or tabs of its names) is already in the spreadsheet
    ├── MilestonesDeleted    every milestone row of the Plan tab was deleted
    ├── LayoutChanged        rows moved between our read and our write; sync again
    ├── TabMissing           a tab the write names was renamed or deleted; read, write again
    ├── SellerTokenRejected  Google refused the seller's access token (expired, revoked)
    └── GoogleError          Google answered with an error
        ├── SheetNotFound        404
        ├── PermissionDenied     403 (also 401)
        ├── InvalidRequest       400 (names the failing request when Google does)
        ├── RateLimited          429 after the retries (``retry_after_s``: when to try again)
        │   └── QuotaBudgetSpent the shared budget has no call left this minute; Google
        │                        was not asked
        └── GoogleUnavailable    5xx, timeouts or dropped connections after the retries
"""

from __future__ import annotations


class SheetsError(Exception):
    """Base class of the Sheets layer's errors."""


class NotAMap(SheetsError):
    """The spreadsheet does not hold a MAP the reader recognises."""


class TableHeaderMissing(NotAMap):
    """The milestone table's header row is gone (deleted); ``row`` is the 0-based row
    where it belongs (above the first milestone row under the header block)."""

    def __init__(self, message: str, *, row: int) -> None:
        super().__init__(message)
        self.row = row


class AlreadyAMap(SheetsError):
    """The spreadsheet a MAP is to be laid out in already holds one, or tabs of the names
    a MAP uses."""


class MilestonesDeleted(SheetsError):
    """Every milestone row was deleted: there is no plan to sync until they are back (the
    sheet shows a banner saying so)."""


class SellerTokenRejected(SheetsError):
    """Google refused the seller's OAuth access token (expired or revoked): the add-on
    asks for a fresh one."""


class LayoutChanged(SheetsError):
    """Rows were inserted, deleted or sorted between a sync's read and its write."""


class TabMissing(SheetsError):
    """Google refused a write because a tab it names was renamed or deleted since the
    layout was read: sync again (the read restores the tab). The write stamped a token
    like any other, so whether it landed is told by the next read."""


class GoogleError(SheetsError):
    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class SheetNotFound(GoogleError):
    pass


class PermissionDenied(GoogleError):
    pass


class InvalidRequest(GoogleError):
    pass


class RateLimited(GoogleError):
    """Google's quota (or our budget of it) is used up. ``retry_after_s``, when known,
    says when a call will be let through again; whoever runs the work waits that long
    (the queue schedules the sync for then) instead of failing it."""

    def __init__(
        self, message: str, *, status: int = 429, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


class QuotaBudgetSpent(RateLimited):
    """The budget of Sheets calls every instance shares has none left in this minute:
    the call was not made."""


class GoogleUnavailable(GoogleError):
    pass
