"""Logs: one JSON object per line on stdout, in the shape Cloud Logging reads
(``severity``, ``message``, ``time``, ``logging.googleapis.com/trace``), with the
request's id on every line logged while serving it (also from the background sync it
started), and credentials redacted from everything, whichever library logged it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"
SAMPLED_KEY = "logging.googleapis.com/trace_sampled"
_HANDLER_NAME = "map-backend"

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TRACE_CONTEXT = re.compile(r"^([0-9a-fA-F]{32})(?:/(\d+))?(?:;o=([01]))?")

# What a credential looks like wherever it ends up in a message.
_SECRETS = [
    (re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+"), r"\1 [redacted]"),
    (
        re.compile(r"(?i)(x-goog-(?:access|channel)-token[\"']?\s*[:=]\s*[\"']?)[^\s\"',;]+"),
        r"\1[redacted]",
    ),
    (re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]*"), "[redacted-jwt]"),
    (re.compile(r"\bya29\.[\w.-]+"), "[redacted-token]"),
    (re.compile(r"(?i)\b(key|token|access_token|id_token)=[^\s&\"',;]+"), r"\1=[redacted]"),
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "[redacted-private-key]",
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class RequestLogContext:
    request_id: str
    trace: str = ""
    span: str = ""
    sampled: bool = False


current: contextvars.ContextVar[RequestLogContext | None] = contextvars.ContextVar(
    "map_request_log_context", default=None
)


def request_context(
    request_id_header: str | None, trace_header: str | None, project: str
) -> RequestLogContext:
    """The log context of a request: its id (the caller's ``X-Request-Id`` when it is
    sane, else a new one) and the Cloud Trace it belongs to (``X-Cloud-Trace-Context``)."""
    request_id = (
        request_id_header if request_id_header and _REQUEST_ID.match(request_id_header) else ""
    )
    context = RequestLogContext(request_id=request_id or uuid.uuid4().hex)
    match = _TRACE_CONTEXT.match(trace_header or "")
    if match and project:
        context = RequestLogContext(
            request_id=context.request_id,
            trace=f"projects/{project}/traces/{match.group(1).lower()}",
            span=match.group(2) or "",
            sampled=match.group(3) == "1",
        )
    return context


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and arguments) with credentials redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


class CloudLoggingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = redact(record.getMessage())
        if record.exc_info:
            message = f"{message}\n{redact(self.formatException(record.exc_info))}"
        entry: dict[str, Any] = {
            "severity": _severity(record.levelno),
            "message": message,
            "time": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "logger": record.name,
        }
        context = current.get()
        if context is not None:
            entry["request_id"] = context.request_id
            entry["logging.googleapis.com/labels"] = {"request_id": context.request_id}
            if context.trace:
                entry[TRACE_KEY] = context.trace
                if context.span:
                    entry[SPAN_KEY] = context.span
                entry[SAMPLED_KEY] = context.sampled
        http_request = getattr(record, "http_request", None)
        if http_request:
            entry["httpRequest"] = http_request
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        context = current.get()
        return f"{text} [request {context.request_id}]" if context else text


class StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stdout`` is at the time (tests swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(log_format: str, level: str) -> None:
    """Send the root logger's records to stdout in ``log_format`` ("json", "text"); with
    "none" leave logging as the host set it up. Calling it again replaces our handler."""
    if log_format == "none":
        return
    root = logging.getLogger()
    for existing in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(existing)
    handler = StdoutHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(CloudLoggingFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())


def _severity(levelno: int) -> str:
    if levelno >= logging.CRITICAL:
        return "CRITICAL"
    if levelno >= logging.ERROR:
        return "ERROR"
    if levelno >= logging.WARNING:
        return "WARNING"
    if levelno >= logging.INFO:
        return "INFO"
    return "DEBUG"
