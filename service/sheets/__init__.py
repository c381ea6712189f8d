"""MAP spreadsheets in Google Sheets and Drive: the only code that knows A1 notation,
sheet ids, render options and request bodies.

The rest of the backend uses only what this module exports:

    GoogleMapSheets   the use cases' MapSheets port (service.services.map_sheets)
                      over one SheetsGateway
    build_gateway, service_account_credentials, user_credentials, PerThreadGateways,
    RetryPolicy, SheetsGateway
                      Google clients: credentials, timeouts, retries, one per thread
    SheetsError ...   the errors (service.sheets.errors), Google's already translated

Inside: ``layout`` (where every field lives), ``reader`` and ``cell_values`` (Google's
grid -> what people typed), ``row_identity`` (which row is which milestone),
``reading`` (a read and the plan it shows), ``render`` and ``cells`` (what computed cells
show), ``writer`` and ``requests`` (the one batchUpdate of a sync), ``sheet_state`` (the
layout a write is prepared against, remembered between syncs), ``provisioning`` (a new
MAP's requests), ``tabs`` and ``header_rows`` (the backend's tabs and rows put back
when people renamed or deleted them), ``gateway`` and ``clients``
(google-api-python-client).

The implementation and the clients load on first use, so importing the errors does not
import Google's client libraries. The package's own modules import each other by their
full names (``import service.sheets.layout as layout``), never through this face.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from service.sheets.errors import (
    AlreadyAMap,
    GoogleError,
    GoogleUnavailable,
    InvalidRequest,
    LayoutChanged,
    MilestonesDeleted,
    NotAMap,
    PermissionDenied,
    QuotaBudgetSpent,
    RateLimited,
    SellerTokenRejected,
    SheetNotFound,
    SheetsError,
    TabMissing,
)

if TYPE_CHECKING:
    from service.sheets.clients import (
        PerThreadGateways,
        build_gateway,
        service_account_credentials,
        user_credentials,
    )
    from service.sheets.gateway import RetryPolicy, SheetsGateway
    from service.sheets.google_map_sheets import GoogleMapSheets

_LOADED_ON_USE = {
    "GoogleMapSheets": "service.sheets.google_map_sheets",
    "PerThreadGateways": "service.sheets.clients",
    "build_gateway": "service.sheets.clients",
    "service_account_credentials": "service.sheets.clients",
    "user_credentials": "service.sheets.clients",
    "RetryPolicy": "service.sheets.gateway",
    "SheetsGateway": "service.sheets.gateway",
}


def __getattr__(name: str) -> Any:
    module = _LOADED_ON_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "AlreadyAMap",
    "GoogleError",
    "GoogleMapSheets",
    "GoogleUnavailable",
    "InvalidRequest",
    "LayoutChanged",
    "MilestonesDeleted",
    "NotAMap",
    "PerThreadGateways",
    "PermissionDenied",
    "QuotaBudgetSpent",
    "RateLimited",
    "RetryPolicy",
    "SellerTokenRejected",
    "SheetNotFound",
    "SheetsError",
    "SheetsGateway",
    "TabMissing",
    "build_gateway",
    "service_account_credentials",
    "user_credentials",
]
