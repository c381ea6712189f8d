"""The HTTP client under the Google clients: one kept-alive connection per host, the
replies parsed by ``httptools`` (the llhttp parser, as uvicorn uses it).

google-api-python-client and google-auth-httplib2 take any object that "acts like"
``httplib2.Http``: ``request(uri, method, body, headers, ...)`` returning an
``httplib2.Response`` and the body. httplib2 itself spent more of a sync's CPU than the
request did (it converts every URL to a URI one character at a time, then normalises,
looks up a cache, checks authorisations and redirects), and so, after it, did the
standard library's ``http.client``: it parses every reply's headers through the
``email`` package and checks each header it sends with regular expressions. A sync makes
five calls; at 15 milestones ``http.client`` took about 170 microseconds of CPU for a
Drive ``files.get`` and 320 for the sync's read (86 KB), where a request written in one
piece and its reply parsed by llhttp take 70 and 190 (``bench/transport_cpu.py``).

What :class:`KeptConnections` does, as httplib2 and ``http.client`` did for these calls:
- one connection per scheme and host, opened on first use and kept between calls (and
  between syncs: ``SheetsGateway.keep_open``); a connection the other side closed while
  idle (the request could not be sent, or the connection ended before the first byte of
  a reply) is opened again and the request sent once more, as httplib2 does: a request
  that never got an answer on a connection found dead cannot have been applied;
- HTTPS with the certificates of ``certifi`` (what httplib2 uses when it is installed),
  the host name checked;
- the timeout on every send and receive; a host that cannot be resolved raises
  httplib2's ``ServerNotFoundError``, as before; a reply that breaks off or is not
  HTTP raises ``http.client``'s errors (``IncompleteRead``, ``RemoteDisconnected``,
  ``HTTPException``), which the gateway treats as Google not answering;
- a gzip or deflate body decoded, by httplib2's own decoders and their limits
  (Google's replies are compressed when asked to be, and google-api-python-client
  asks); a header sent twice is joined with ", ", as httplib2 joins it;
- a header name or value holding a line break or a NUL is refused (``ValueError``)
  before anything is sent, as ``http.client`` refuses it.

What it does not do: follow redirects (the Sheets and Drive calls made here are not
redirected; a 3xx reaches the gateway as an error), cache, send ``Expect: 100-continue``,
make ``HEAD`` requests, or go through a proxy (App Engine and Cloud Run reach Google
directly). Not thread-safe, like httplib2's ``Http``: each gateway has its own.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import zlib
from typing import Any
from urllib.parse import urlsplit

import certifi
import httplib2
import httptools
from httplib2.decode import DeflateDecoder, LimitDecoder, ZlibDecoder

_RECEIVE_BYTES = 256 * 1024  # a sync's read arrives in a few pieces
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BODY_METHODS = frozenset(("POST", "PUT", "PATCH"))
_LINE_BREAK = re.compile("[\r\n\0]")  # in a header: a second header, or a body


class _Stale(Exception):
    """A kept connection turned out to have been closed by the other side while idle:
    nothing of the request reached a live connection, or no reply began."""


class KeptConnections:
    """Acts like ``httplib2.Http`` for the Google clients (see the module's notes)."""

    def __init__(self, timeout_s: float, *, ca_certs: str | None = None) -> None:
        self._timeout_s = timeout_s
        self._ca_certs = ca_certs or certifi.where()
        self._tls: ssl.SSLContext | None = None
        self._open: dict[tuple[str, str], socket.socket] = {}

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        redirections: int = 0,
        connection_type: Any = None,
        **ignored: Any,
    ) -> tuple[httplib2.Response, bytes]:
        parts = urlsplit(uri)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"not an HTTP URL: {uri[:100]}")
        if method == "HEAD":
            raise ValueError("HEAD requests are not made through this client")
        host = parts.netloc.rpartition("@")[2]
        target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
        message = _request_bytes(method, target, host, body, headers or {})
        key = (parts.scheme, host)
        kept = self._open.get(key)
        if kept is not None:
            try:
                return self._exchange(key, kept, message)
            except _Stale:  # closed by the other side while idle: once more, anew
                pass
        connection = self._connect(key, parts.scheme, parts.hostname, parts.port)
        try:
            return self._exchange(key, connection, message)
        except _Stale as exc:
            raise http.client.RemoteDisconnected(
                "Remote end closed connection without response"
            ) from exc

    def close(self) -> None:
        """Close every connection (the next request opens a new one)."""
        for connection in self._open.values():
            connection.close()
        self._open.clear()

    def _connect(
        self, key: tuple[str, str], scheme: str, hostname: str, port: int | None
    ) -> socket.socket:
        address = (hostname, port or _DEFAULT_PORTS[scheme])
        try:
            connection = socket.create_connection(address, timeout=self._timeout_s)
        except socket.gaierror as exc:
            raise httplib2.ServerNotFoundError(f"Unable to find the server at {hostname}") from exc
        try:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                if self._tls is None:
                    self._tls = ssl.create_default_context(cafile=self._ca_certs)
                connection = self._tls.wrap_socket(connection, server_hostname=hostname)
        except BaseException:
            connection.close()
            raise
        self._open[key] = connection
        return connection

    def _exchange(
        self, key: tuple[str, str], connection: socket.socket, message: bytes
    ) -> tuple[httplib2.Response, bytes]:
        """One request and its reply; on any failure the connection is closed and
        forgotten (the next request opens a new one), as it is after a reply that does
        not keep the connection alive."""
        try:
            reply = _exchange(connection, message)
        except BaseException:
            self._drop(key, connection)
            raise
        if not reply.keep_alive:
            self._drop(key, connection)
        response = httplib2.Response(reply.fields())
        response.reason = reply.reason
        return response, _decoded(response, b"".join(reply.body))

    def _drop(self, key: tuple[str, str], connection: socket.socket) -> None:
        connection.close()
        if self._open.get(key) is connection:
            del self._open[key]


def _request_bytes(
    method: str, target: str, host: str, body: str | bytes | None, headers: dict[str, str]
) -> bytes:
    """The request as it goes on the wire: one piece, sent in one call."""
    if isinstance(body, str):
        body = body.encode("iso-8859-1")  # as http.client encodes a text body
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    if _LINE_BREAK.search("".join(lines)):  # one look at every header, not one each
        raise ValueError(f"an HTTP header of the request to {target[:60]} holds a line break")
    if (body is not None or method in _BODY_METHODS) and not any(
        name.lower() == "content-length" for name in headers
    ):
        lines.append(f"Content-Length: {len(body or b'')}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1")
    return head + body if body else head


class _Reply:
    """What llhttp finds in a reply (its callbacks, called as bytes are fed)."""

    __slots__ = (
        "body",
        "complete",
        "headers",
        "headers_done",
        "keep_alive",
        "messages",
        "parser",
        "reason",
        "status",
    )

    def __init__(self) -> None:
        self.status = 0
        self.reason = ""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.headers_done = False
        self.complete = False
        self.messages = 0
        self.keep_alive = True
        self.parser: Any = None

    def on_message_begin(self) -> None:
        self.messages += 1

    def on_status(self, status: bytes) -> None:
        self.reason += status.decode("iso-8859-1")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.headers_done = True
        # Asked now: once the message is complete, llhttp has forgotten it.
        self.keep_alive = self.parser.should_keep_alive()
        self.status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True

    def fields(self) -> dict[str, str]:
        """The headers by lower-case name, a repeated one joined with ", " (as httplib2
        joins them), and the status, as ``httplib2.Response`` takes them."""
        fields: dict[str, str] = {}
        for raw_name, raw_value in self.headers:
            name, value = raw_name.decode("iso-8859-1").lower(), raw_value.decode("iso-8859-1")
            before = fields.get(name)
            fields[name] = value if before is None else f"{before}, {value}"
        fields["status"] = str(self.status)
        return fields

    def until_closed(self) -> bool:
        """Whether the body runs until the other side closes the connection (no length,
        not chunked: HTTP/1.0's way)."""
        names = {name.lower() for name, _ in self.headers}
        return b"content-length" not in names and b"transfer-encoding" not in names


def _exchange(connection: socket.socket, message: bytes) -> _Reply:
    """Send ``message`` and read its reply. :class:`_Stale` when the connection was
    found closed before any of the reply arrived."""
    reply = _Reply()
    parser = reply.parser = httptools.HttpResponseParser(reply)
    try:
        connection.sendall(message)
        data = connection.recv(_RECEIVE_BYTES)
    except (BrokenPipeError, ConnectionResetError) as exc:
        raise _Stale() from exc
    if not data:
        raise _Stale()
    try:
        while True:
            parser.feed_data(data)
            if reply.complete:
                break
            data = connection.recv(_RECEIVE_BYTES)
            if not data:
                if reply.headers_done and reply.until_closed():
                    reply.keep_alive = False
                    break
                raise http.client.IncompleteRead(b"".join(reply.body))
    except httptools.HttpParserError as exc:
        raise http.client.HTTPException(f"not an HTTP reply: {exc}") from exc
    # Anything after the reply (a second message) cannot be ours: start afresh.
    reply.keep_alive = reply.keep_alive and reply.messages == 1
    reply.parser = None
    return reply


def _decoded(response: httplib2.Response, content: bytes) -> bytes:
    """The body without its content encoding (gzip, or deflate with or without its zlib
    header), noted as httplib2 notes it (``-content-encoding``). Decoded by httplib2's
    own decoders, with their limits against a body that inflates without end (at most
    a hundred times its size past 10 MiB, 10 GiB in all)."""
    encoding = response.get("content-encoding")
    if encoding not in ("gzip", "deflate"):
        return content
    try:
        try:
            content = LimitDecoder(ZlibDecoder()).consume_bytes(content, 0)
        except zlib.error:  # deflate without its zlib header
            content = LimitDecoder(DeflateDecoder()).consume_bytes(content, 0)
    except zlib.error as exc:
        raise httplib2.FailedToDecompressContent(
            f"Content purported to be compressed with {encoding} but failed to decompress.",
            response,
            content,
        ) from exc
    response["content-length"] = str(len(content))
    response["-content-encoding"] = response.pop("content-encoding")
    return content
