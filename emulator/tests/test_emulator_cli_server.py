"""The emulator's HTTP server: keep-alive, one response per request, clean stops."""

from __future__ import annotations

import gc
import http.client
import json

from emulator.server import YOUNG_GC_THRESHOLD, EmulatorServer


def get(conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    conn.request("GET", path, headers={"Authorization": "Bearer t"})
    response = conn.getresponse()
    response.read()
    return response


def test_one_connection_serves_many_requests() -> None:
    with EmulatorServer() as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            first = get(conn, "/__emulator/health")
            sock = conn.sock
            statuses = [get(conn, "/drive/v3/files").status for _ in range(20)]
            same_socket = conn.sock is sock
        finally:
            conn.close()

    assert first.status == 200
    assert first.getheader("Connection") is None
    assert statuses == [200] * 20
    assert same_socket


def test_without_keep_alive_each_response_closes_its_connection() -> None:
    with EmulatorServer(keep_alive=False) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            response = get(conn, "/__emulator/health")
        finally:
            conn.close()

    assert response.getheader("Connection") == "close"


def test_a_no_content_answer_has_no_body_and_the_connection_stays_usable() -> None:
    with EmulatorServer() as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request(
                "POST",
                "/drive/v3/files",
                body=json.dumps({"name": "x"}),
                headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
            )
            file_id = json.loads(conn.getresponse().read())["id"]
            conn.request(
                "DELETE", f"/drive/v3/files/{file_id}", headers={"Authorization": "Bearer t"}
            )
            deleted = conn.getresponse()
            body = deleted.read()
            after = get(conn, f"/drive/v3/files/{file_id}")
        finally:
            conn.close()

    assert deleted.status == 204
    assert body == b""
    assert after.status == 404


def test_stopping_hangs_up_kept_alive_connections_promptly() -> None:
    server = EmulatorServer().start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        get(conn, "/__emulator/health")
        server.stop()
        # The server thread ended (stop did not give up waiting for it) and the kept-alive
        # connection was hung up from the server's side.
        assert server._thread is not None and not server._thread.is_alive()
        assert conn.sock is not None and conn.sock.recv(1) == b""
    finally:
        conn.close()


def test_the_server_raises_the_young_gc_threshold_and_never_lowers_one() -> None:
    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        EmulatorServer(tune_gc=False).stop()
        assert gc.get_threshold() == (700, 10, 10)
        EmulatorServer().stop()
        assert gc.get_threshold() == (YOUNG_GC_THRESHOLD, 10, 10)
        gc.set_threshold(YOUNG_GC_THRESHOLD * 2, 5, 5)
        EmulatorServer().stop()
        assert gc.get_threshold() == (YOUNG_GC_THRESHOLD * 2, 5, 5)
    finally:
        gc.set_threshold(*saved)
