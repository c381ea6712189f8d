"""The HTTP client under the Google clients, against real HTTP and HTTPS servers on this
machine: kept-alive connections, a connection closed while idle, compressed bodies,
certificates, timeouts. (Every call to the emulator in the other tests goes through it
too.)"""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import http.server
import ipaddress
import json
import ssl
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httplib2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from httplib2.decode import DecodeRatioError

from service.sheets.transport import KeptConnections


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[str, str, int]] = []  # method, path, client port
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless told otherwise
    server: Server

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        self._answer(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def _answer(self, body: bytes) -> None:
        self.server.seen.append((self.command, self.path, self.client_address[1]))
        if self.path == "/slow":
            self.server.release.wait(10)
            return
        if self.path in RAW_REPLIES:  # written as they are, then the connection closed
            self.wfile.write(RAW_REPLIES[self.path])
            self.close_connection = True
            return
        payload = json.dumps({"path": self.path, "body": body.decode()}).encode()
        encoding = {
            "/gzip": "gzip",
            "/zlib": "deflate",
            "/raw-deflate": "deflate",
            "/garbled": "gzip",
            "/bomb": "gzip",
        }.get(self.path)
        if self.path == "/garbled":
            payload = b"not compressed at all"
        elif self.path == "/bomb":  # 20 MiB of zeros in about 20 KB
            payload = gzip.compress(bytes(20 << 20))
        elif self.path == "/gzip":
            payload = gzip.compress(payload)
        elif self.path == "/zlib":
            payload = zlib.compress(payload)
        elif self.path == "/raw-deflate":
            squeeze = zlib.compressobj(wbits=-15)
            payload = squeeze.compress(payload) + squeeze.flush()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        self.wfile.write(payload)
        # "/then-close": the server drops the connection after answering, without saying
        # so (as a server does with a connection idle too long).
        self.close_connection = self.path == "/then-close"


# Replies a server may give that Python's own server does not write.
RAW_REPLIES = {
    # Chunked, with a header given twice.
    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Seen: a\r\nX-Seen: b\r\n"
    b'\r\n4\r\n{"a"\r\n3\r\n: 1\r\n1\r\n}\r\n0\r\n\r\n',
    # HTTP/1.0's way: no length, the body ends where the connection does.
    "/until-closed": b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"b": 2}',
    # The connection ends part-way through the body.
    "/cut": b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"c":',
    # Not HTTP at all.
    "/garbage": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    # Says so before closing.
    "/says-close": b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n"
    b"Connection: close\r\n\r\n{}",
}


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    thread = threading.Thread(target=running.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield running
    running.release.set()
    running.shutdown()
    running.server_close()


@pytest.fixture
def kept() -> Iterator[Callable[..., KeptConnections]]:
    """Builds clients, and closes their connections after the test."""
    made: list[KeptConnections] = []

    def build(timeout_s: float = 5, **options: Any) -> KeptConnections:
        made.append(KeptConnections(timeout_s, **options))
        return made[-1]

    yield build
    for client in made:
        client.close()


def answer(content: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(content)
    return decoded


def test_calls_to_one_host_share_one_connection(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    client = kept()
    base = f"http://127.0.0.1:{server.port}"
    response, content = client.request(f"{base}/a?fields=x,y(z)")
    assert response.status == 200 and answer(content)["path"] == "/a?fields=x,y(z)"
    client.request(f"{base}/b", "POST", body='{"k": 1}', headers={"content-type": "text/json"})
    assert [(m, p) for m, p, _ in server.seen] == [("GET", "/a?fields=x,y(z)"), ("POST", "/b")]
    assert len({port for _, _, port in server.seen}) == 1
    client.close()
    client.request(f"{base}/c")
    assert len({port for _, _, port in server.seen}) == 2  # closed: a new connection


def test_a_connection_the_server_closed_while_idle_is_opened_again(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    client = kept()
    base = f"http://127.0.0.1:{server.port}"
    client.request(f"{base}/then-close")
    response, content = client.request(f"{base}/after", "POST", body="once")
    assert response.status == 200 and answer(content) == {"path": "/after", "body": "once"}
    assert [p for _, p, _ in server.seen] == ["/then-close", "/after"]  # sent once
    assert server.seen[0][2] != server.seen[1][2]


def test_replies_in_pieces_or_until_the_connection_closes_are_read_whole(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    client = kept()
    base = f"http://127.0.0.1:{server.port}"
    response, content = client.request(f"{base}/chunked")
    assert (response.status, content) == (200, b'{"a": 1}')
    assert response["x-seen"] == "a, b"  # as httplib2 joins a header given twice
    response, content = client.request(f"{base}/until-closed")
    assert (response.status, response["content-type"], content) == (
        200,
        "application/json",
        b'{"b": 2}',
    )
    response, content = client.request(f"{base}/says-close")
    assert (response.status, response.reason, content) == (503, "Service Unavailable", b"{}")
    client.request(f"{base}/next")
    # Each reply that ended its connection was followed by a new one.
    assert len({port for _, _, port in server.seen}) == 4


def test_a_reply_that_breaks_off_or_is_not_http_is_an_error_and_not_kept(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    client = kept()
    base = f"http://127.0.0.1:{server.port}"
    with pytest.raises(http.client.IncompleteRead):
        client.request(f"{base}/cut")
    with pytest.raises(http.client.HTTPException, match="not an HTTP reply"):
        client.request(f"{base}/garbage")
    response, content = client.request(f"{base}/next")
    assert response.status == 200 and answer(content)["path"] == "/next"


def test_a_header_that_would_start_another_is_refused_before_sending(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    client = kept()
    with pytest.raises(ValueError, match="line break"):
        client.request(f"http://127.0.0.1:{server.port}/x", headers={"x-note": "a\r\nX-Admin: yes"})
    assert server.seen == []


@pytest.mark.parametrize("path", ["/gzip", "/zlib", "/raw-deflate"])
def test_a_compressed_body_is_decoded(
    server: Server, kept: Callable[..., KeptConnections], path: str
) -> None:
    response, content = kept().request(f"http://127.0.0.1:{server.port}{path}")
    assert answer(content)["path"] == path
    assert "content-encoding" not in response
    assert response["-content-encoding"] in ("gzip", "deflate")
    assert response["content-length"] == str(len(content))


def test_a_body_that_does_not_decode_or_inflates_without_end_is_refused(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    base = f"http://127.0.0.1:{server.port}"
    with pytest.raises(httplib2.FailedToDecompressContent):
        kept().request(f"{base}/garbled")
    with pytest.raises(DecodeRatioError):  # httplib2's limit: 100 times past 10 MiB
        kept().request(f"{base}/bomb")


def test_a_server_that_does_not_answer_times_out(
    server: Server, kept: Callable[..., KeptConnections]
) -> None:
    client = kept(1.0)  # long enough for the call after it, on a loaded machine
    with pytest.raises(TimeoutError):
        client.request(f"http://127.0.0.1:{server.port}/slow")
    server.release.set()
    response, _ = client.request(f"http://127.0.0.1:{server.port}/next")
    assert response.status == 200  # the timed-out connection was dropped, not reused


def test_a_host_that_cannot_be_found_is_httplib2s_error(
    kept: Callable[..., KeptConnections],
) -> None:
    with pytest.raises(httplib2.ServerNotFoundError):
        kept().request("http://no-such-host.invalid/x")


# -- HTTPS ---------------------------------------------------------------------------------


CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


def certificate_authority(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A CA (its certificate in a file) and a server context with a certificate it signed
    for localhost and 127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(CA_KEY_USAGE, critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, chain, key_file = folder / "ca.pem", folder / "server.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key_file)
    return ca_file, context


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    ca_file, context = certificate_authority(tmp_path)
    running = Server()
    running.socket = context.wrap_socket(running.socket, server_side=True)
    thread = threading.Thread(target=running.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield running, ca_file
    running.shutdown()
    running.server_close()


def test_https_checks_the_certificate_and_keeps_the_connection(
    tls_server: tuple[Server, Path], kept: Callable[..., KeptConnections]
) -> None:
    server, ca_file = tls_server
    client = kept(5, ca_certs=str(ca_file))
    for path in ("/one", "/two"):
        response, content = client.request(f"https://localhost:{server.port}{path}")
        assert response.status == 200 and answer(content)["path"] == path
    assert len({port for _, _, port in server.seen}) == 1
    with pytest.raises(ssl.SSLCertVerificationError):  # the usual authorities do not know it
        kept().request(f"https://localhost:{server.port}/three")
