"""Every error the HTTP API answers, in one place: ``{"error": {"code", "message",
"details"}}`` with the status that fits (docs/api.md).

    ApiError                     raised by the web layer itself
    ├── BadRequest           400 the body is not JSON, or not an object
    ├── Unauthenticated      401 no, expired or otherwise invalid credentials
    ├── Forbidden            403 a valid caller who may not do this
    ├── NotFound             404 no such MAP, template, channel or calendar key
    ├── ValidationFailed     422 fields are wrong; ``details.fields`` names each
    └── Unavailable          503 something the backend needs did not answer

The use cases' and adapters' own exceptions (the store's, the Sheets layer's, the
provisioning errors) are mapped here too, so no route catches them. Messages never carry
a credential: the handlers build their own text rather than echo a library's.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from flask import Flask, Response, jsonify
from google.auth.exceptions import RefreshError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from service import sheets
from service.domain.errors import PlanInputError
from service.services.provision import MapConflict, NotAnEditor, ProvisionInputError
from service.store.errors import LeaseLost, MapAlreadyExists, MapNotFound

log = logging.getLogger(__name__)

# Seconds a client should wait before trying again after a 429 or 503.
RETRY_AFTER_S = 30

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    500: "INTERNAL",
    502: "GOOGLE_REJECTED",
    503: "SERVICE_UNAVAILABLE",
}


class ApiError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class BadRequest(ApiError):
    status, code = 400, "BAD_REQUEST"


class Unauthenticated(ApiError):
    status, code = 401, "UNAUTHENTICATED"


class Forbidden(ApiError):
    status, code = 403, "FORBIDDEN"


class NotFound(ApiError):
    status, code = 404, "NOT_FOUND"


class ValidationFailed(ApiError):
    status, code = 422, "VALIDATION_FAILED"

    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        listed = [{"field": field, "message": message} for field, message in fields]
        first_field, first_message = fields[0]
        message = f"{first_field}: {first_message}" if first_field else first_message
        if len(fields) > 1:
            message += f" (and {len(fields) - 1} more)"
        super().__init__(message, {"fields": listed})


class Unavailable(ApiError):
    status, code = 503, "SERVICE_UNAVAILABLE"


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    if status in (429, 503):
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="map"'
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL")
        message = {
            404: "no such endpoint",
            405: "this endpoint does not take that method",
            413: f"the request body is over {app.config['MAX_CONTENT_LENGTH']} bytes",
        }.get(status, exc.description or exc.name)
        response = error_response(status, code, message)
        if status == 405 and exc.response is None:
            allowed = getattr(exc, "valid_methods", None)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(ProvisionInputError)
    def _provision_input(exc: ProvisionInputError) -> Response:
        error = ValidationFailed([(exc.field, exc.message)])
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(PlanInputError)
    def _plan_input(exc: PlanInputError) -> Response:
        error = ValidationFailed([(exc.path, exc.message)])
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(MapConflict)
    @app.errorhandler(MapAlreadyExists)
    def _conflict(exc: Exception) -> Response:
        return error_response(409, "CONFLICT", str(exc))

    @app.errorhandler(NotAnEditor)
    def _not_an_editor(exc: NotAnEditor) -> Response:
        return error_response(403, "FORBIDDEN", str(exc))

    @app.errorhandler(MapNotFound)
    def _map_not_found(exc: MapNotFound) -> Response:
        return error_response(404, "NOT_FOUND", f"no MAP in spreadsheet {exc.spreadsheet_id}")

    @app.errorhandler(sheets.RateLimited)
    def _rate_limited(exc: sheets.RateLimited) -> Response:
        response = error_response(
            429, "RATE_LIMITED", "Google's quota is used up for now; try again in a minute"
        )
        if exc.retry_after_s is not None:  # the shared budget says when there is room
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
        return response

    @app.errorhandler(sheets.GoogleUnavailable)
    def _google_unavailable(exc: sheets.GoogleUnavailable) -> Response:
        return error_response(
            503, "GOOGLE_UNAVAILABLE", "Google did not answer after several tries; try again"
        )

    @app.errorhandler(sheets.SheetNotFound)
    def _sheet_not_found(exc: sheets.SheetNotFound) -> Response:
        return error_response(
            404, "NOT_FOUND", f"Google has no such spreadsheet, or it is not shared: {exc}"
        )

    @app.errorhandler(sheets.PermissionDenied)
    def _permission_denied(exc: sheets.PermissionDenied) -> Response:
        return error_response(403, "FORBIDDEN", f"Google refused access: {exc}")

    @app.errorhandler(sheets.MilestonesDeleted)
    def _milestones_deleted(exc: sheets.MilestonesDeleted) -> Response:
        return error_response(409, "CONFLICT", str(exc))

    @app.errorhandler(sheets.NotAMap)
    def _not_a_map(exc: sheets.NotAMap) -> Response:
        return error_response(409, "CONFLICT", f"the spreadsheet no longer holds a MAP: {exc}")

    @app.errorhandler(sheets.LayoutChanged)
    @app.errorhandler(sheets.TabMissing)
    @app.errorhandler(LeaseLost)
    def _try_again(exc: Exception) -> Response:
        return error_response(
            409, "CONFLICT", "the MAP changed while it was being updated; try again"
        )

    @app.errorhandler(sheets.GoogleError)
    def _google_rejected(exc: sheets.GoogleError) -> Response:
        log.warning("Google rejected a request: %s (HTTP %s)", exc, exc.status)
        return error_response(502, "GOOGLE_REJECTED", f"Google rejected the request: {exc}")

    @app.errorhandler(sheets.SellerTokenRejected)
    def _seller_token(exc: sheets.SellerTokenRejected) -> Response:
        return error_response(401, "UNAUTHENTICATED", str(exc))

    @app.errorhandler(RefreshError)
    def _backend_credentials(exc: RefreshError) -> Response:
        # The backend's own credentials (its service account) were refused.
        log.error("Google refused the backend's credentials: %s", type(exc).__name__)
        return error_response(
            503, "GOOGLE_UNAVAILABLE", "the backend could not sign in to Google; try again later"
        )

    @app.errorhandler(OperationalError)
    def _store_unavailable(exc: OperationalError) -> Response:
        log.error("the store is unavailable: %s", type(exc.orig).__name__)
        return error_response(503, "SERVICE_UNAVAILABLE", "the store is unavailable; try again")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(500, "INTERNAL", "something went wrong on our side")
