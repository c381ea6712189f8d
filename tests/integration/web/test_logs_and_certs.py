"""Logs are JSON lines in Cloud Logging's shape, tied to the request, and never carry a
credential; the issuer's certificates are fetched once, not per request."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.runtime.logs import redact
from service.web.errors import Unauthenticated
from tests.integration.web.conftest import context
from tests.integration.web.flows import MAP_BODY
from tests.integration.web.seed import seed_map
from tests.integration.web.tokens import access_token, bearer, id_token


def log_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_no_token_of_a_request_appears_in_the_logs(
    client: FlaskClient, emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seller_id_token = id_token(emulator.url)
    seller_access = access_token(emulator.url)
    expired = id_token(emulator.url, expires_in=-60)
    headers = {"Authorization": f"Bearer {seller_id_token}", "X-Goog-Access-Token": seller_access}
    capsys.readouterr()

    client.post("/api/maps", json=MAP_BODY, headers=headers)
    client.post("/api/maps", json={"go_live": "soon"}, headers=headers)
    client.get("/api/maps", headers={"Authorization": f"Bearer {expired}"})
    client.get("/api/maps", headers={"Authorization": f"Bearer {seller_access}"})
    client.post("/hooks/drive", headers={"X-Goog-Channel-ID": "c", "X-Goog-Channel-Token": "s3"})

    out = capsys.readouterr().out
    assert log_lines(out), "nothing was logged"
    for secret in (seller_id_token, seller_access, expired):
        assert secret not in out
        assert secret[-24:] not in out


def test_a_calendar_key_in_a_url_is_not_logged(
    client: FlaskClient, app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    record = seed_map(context(app).backend.store)
    capsys.readouterr()

    client.get(f"/api/maps/{record.spreadsheet_id}/calendar.ics?key={record.calendar_key}")

    assert record.calendar_key not in capsys.readouterr().out


def test_request_logs_are_cloud_logging_json_with_the_request_id_and_trace(
    make_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(google_cloud_project="map-prod")
    capsys.readouterr()

    response = app.test_client().get(
        "/healthz",
        headers={
            "X-Request-Id": "req-42",
            "X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1",
        },
    )

    assert response.headers["X-Request-Id"] == "req-42"
    [line] = [e for e in log_lines(capsys.readouterr().out) if e["logger"] == "service.web.access"]
    assert line["severity"] == "INFO"
    assert line["time"].endswith("Z")
    assert line["request_id"] == "req-42"
    assert line["logging.googleapis.com/trace"] == (
        "projects/map-prod/traces/105445aa7843bc8bf206b12000100000"
    )
    assert line["httpRequest"]["status"] == 200
    assert line["httpRequest"]["requestUrl"] == "/healthz"


def test_a_request_without_an_id_gets_a_fresh_one_and_a_bad_one_is_replaced(
    client: FlaskClient,
) -> None:
    fresh = client.get("/healthz").headers["X-Request-Id"]
    replaced = client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})

    assert len(fresh) == 32
    assert replaced.headers["X-Request-Id"] not in ("", "bad id with spaces")


@pytest.mark.parametrize(
    "secret_line",
    [
        "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "X-Goog-Access-Token: ya29.a0AfB_byC-secret-value",
        "calling https://x/api/maps/1/calendar.ics?key=Zm9vYmFyYmF6",
        "x-goog-channel-token=abcdef123456",
    ],
)
def test_redaction_removes_credentials_wherever_they_appear(secret_line: str) -> None:
    redacted = redact(secret_line)

    for secret in ("c2lnbmF0dXJl", "byC-secret-value", "Zm9vYmFyYmF6", "abcdef123456"):
        assert secret not in redacted


def test_the_signing_certificates_are_fetched_once_for_many_requests(
    app: Flask, client: FlaskClient, emulator: Any
) -> None:
    transport = context(app).verifier.transport
    headers = bearer(emulator.url)

    statuses = [client.get("/api/templates", headers=headers).status_code for _ in range(20)]

    assert statuses == [200] * 20
    assert transport.fetches == 1


def test_a_token_with_an_unknown_key_id_refetches_the_certificates_at_most_once(
    app: Flask, client: FlaskClient, emulator: Any
) -> None:
    from tests.integration.web.tokens import token_signed_by_another_key

    transport = context(app).verifier.transport
    assert client.get("/api/templates", headers=bearer(emulator.url)).status_code == 200
    forged = token_signed_by_another_key(emulator.url)
    # The same claims under a key id the issuer never published.
    header, rest = forged.split(".", 1)
    unknown_kid = _with_kid(header, "rotated-away") + "." + rest

    for _ in range(5):
        response = client.get("/api/templates", headers={"Authorization": f"Bearer {unknown_kid}"})
        assert response.status_code == 401

    assert transport.fetches == 2


def _with_kid(encoded_header: str, kid: str) -> str:
    import base64

    padded = encoded_header + "=" * (-len(encoded_header) % 4)
    header = json.loads(base64.urlsafe_b64decode(padded))
    header["kid"] = kid
    return base64.urlsafe_b64encode(json.dumps(header).encode()).decode().rstrip("=")


def test_a_remembered_id_token_is_refused_once_it_expires(
    app: Flask, client: FlaskClient, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = context(app).verifier
    now = [time.time()]
    monkeypatch.setattr(verifier, "clock", lambda: now[0])
    headers = {"Authorization": f"Bearer {id_token(emulator.url, expires_in=600)}"}

    first = client.get("/api/templates", headers=headers)
    again = client.get("/api/templates", headers=headers)
    now[0] += 600 + verifier.clock_skew_s + 1  # past its expiry, by the verifier's clock
    expired = client.get("/api/templates", headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert expired.status_code == 401
    assert expired.get_json()["error"]["message"] == "the ID token has expired"


def test_a_remembered_id_token_is_checked_afresh_once_its_expiry_passes(
    app: Flask, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = context(app).verifier
    now = [time.time()]
    monkeypatch.setattr(verifier, "clock", lambda: now[0])
    token = id_token(emulator.url, expires_in=600)
    checks: list[str] = []
    decode = verifier._decode

    def counted(token: str, audiences: list[str]) -> Any:
        checks.append(token)
        return decode(token, audiences)

    monkeypatch.setattr(verifier, "_decode", counted)
    caller = verifier.verify(token)
    assert verifier.verify(token) == caller and len(checks) == 1  # remembered

    now[0] += 600 + verifier.clock_skew_s + 1  # past its expiry, by the verifier's clock
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)

    assert len(checks) == 2  # not taken from memory: checked again, and refused


def test_a_token_remembered_for_another_audience_is_still_refused_for_this_one(
    app: Flask, emulator: Any
) -> None:
    verifier = context(app).verifier
    token = id_token(emulator.url, audience="https://map.example/tasks")

    verifier.verify(token, extra_audiences=["https://map.example/tasks"])

    with pytest.raises(Unauthenticated, match="another client"):
        verifier.verify(token)
