"""Errors in the JSON shapes Google's APIs answer with.

Sheets v4 (and other "one platform" APIs) answer::

    {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}

Drive v3 adds the legacy ``errors`` list::

    {"error": {"code": 404, "message": "File not found: X.",
               "errors": [{"message": "File not found: X.", "domain": "global",
                           "reason": "notFound", "location": "fileId",
                           "locationType": "parameter"}]}}
"""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GoogleApiError(Exception):
    """An error the emulator answers with, as Google would."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        reason: str | None = None,
        location: str | None = None,
        location_type: str | None = None,
        drive: bool = False,
        details: list[dict[str, Any]] | None = None,
        domain: str = "global",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.reason = reason
        self.location = location
        self.location_type = location_type
        self.drive = drive
        self.details = details
        self.domain = domain
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.drive:
            item: dict[str, Any] = {
                "message": self.message,
                "domain": self.domain,
                "reason": self.reason or _drive_reason(self.code),
            }
            if self.location:
                item["location"] = self.location
                item["locationType"] = self.location_type or "parameter"
            err["errors"] = [item]
            if self.code == 401:
                err["status"] = self.status
        else:
            err["status"] = self.status
            if self.details:
                err["details"] = self.details
        return {"error": err}


def _drive_reason(code: int) -> str:
    return {
        400: "badRequest",
        401: "authError",
        403: "insufficientFilePermissions",
        404: "notFound",
        429: "rateLimitExceeded",
        500: "backendError",
        503: "backendError",
    }.get(code, "unknown")


def invalid_request(index: int, kind: str, message: str) -> GoogleApiError:
    """A batchUpdate request that fails, named the way Google names it."""
    return GoogleApiError(400, f"Invalid requests[{index}].{kind}: {message}")


def drive_error(
    code: int,
    message: str,
    reason: str,
    *,
    location: str | None = None,
    domain: str = "global",
) -> GoogleApiError:
    """An error in Drive's shape (``errors[]`` with a reason)."""
    return GoogleApiError(
        code, message, reason=reason, location=location, drive=True, domain=domain
    )


def drive_bad_value(location: str, message: str = "Invalid Value") -> GoogleApiError:
    return drive_error(400, message, "invalid", location=location)


_AUTH_HELP = (
    "Expected OAuth 2 access token, login cookie or other valid authentication "
    "credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


def unauthenticated(*, drive: bool, missing: bool) -> GoogleApiError:
    """401 as Google answers a request without (or with expired) credentials."""
    if missing:
        message = f"Request is missing required authentication credential. {_AUTH_HELP}"
        reason = "CREDENTIALS_MISSING"
    else:
        message = f"Request had invalid authentication credentials. {_AUTH_HELP}"
        reason = "ACCESS_TOKEN_EXPIRED"
    if drive:
        return GoogleApiError(
            401,
            message,
            reason="required" if missing else "authError",
            location="Authorization",
            location_type="header",
            drive=True,
            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
        )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": reason,
            "domain": "googleapis.com",
            "metadata": {"service": "sheets.googleapis.com"},
        }
    ]
    return GoogleApiError(
        401,
        message,
        details=details,
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
    )
