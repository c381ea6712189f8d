"""Reminders through the app: the cron task sends through a real SMTP server, the
Outbox page shows what arrived, the links in it update the sheet once, bad links get
a clear page with the right status, the sidebar's section and its settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.local.mailbox import LocalSmtpServer
from service.runtime.mailbox import MAILBOX_DIR, Mailbox
from service.services.action_links import Action
from tests.clock import START
from tests.db_fixtures import BACKENDS
from tests.integration.web.conftest import context
from tests.integration.web.flows import create_map, edit_cell, read_range
from tests.integration.web.tokens import bearer

pytestmark = pytest.mark.parametrize("db_backend", BACKENDS, indirect=True)

CRON = {"X-Appengine-Cron": "true"}
TOMORROW = START.date() + timedelta(days=1)


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer(Mailbox(tmp_path / MAILBOX_DIR)).start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp: LocalSmtpServer) -> Flask:
    return make_app(
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_starttls=False,
        public_url="http://backend.test",
    )


def _map_with_a_step_due(client: FlaskClient, emulator: Any) -> str:
    sid = str(create_map(client, emulator.url)["spreadsheet_id"])
    edit_cell(emulator.url, sid, "D13", "Dana Lee <dana@acme.example>")
    edit_cell(emulator.url, sid, "F13", TOMORROW.isoformat())
    response = client.post(f"/api/maps/{sid}/refresh", headers=bearer(emulator.url))
    assert response.status_code == 200
    return sid


def _dana_message(smtp: LocalSmtpServer) -> EmailMessage:
    (message,) = [r.message for r in smtp.mailbox.messages() if "dana@" in str(r.message["To"])]
    return message


def _link(message: EmailMessage, label: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(rf"{label}: (http://backend\.test(/r/\S+))", body.get_content())
    assert found is not None
    return found.group(2)


def test_the_cron_task_sends_once_and_the_outbox_page_shows_it(
    mail_app: Flask, smtp: LocalSmtpServer, emulator: Any
) -> None:
    client = mail_app.test_client()
    sid = _map_with_a_step_due(client, emulator)

    first = client.post("/tasks/reminders", headers=CRON)
    again = client.post("/tasks/reminders", headers=CRON)

    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["messages"] == 1 and first.get_json()["sent"] == 2
    assert again.get_json()["messages"] == 0 and again.get_json()["sent"] == 0
    message = _dana_message(smtp)
    assert message["Subject"] == "Acme Corp plan: 1 step to update"
    page = client.get("/local/outbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Acme Corp plan: 1 step to update" in html
    name = re.search(r'href="/local/outbox/(\w+)"', html)
    assert name is not None
    shown = client.get(f"/local/outbox/{name.group(1)}").get_data(as_text=True)
    assert "/r/" in shown and "Stop these" in shown
    assert client.get("/local/outbox/nothere").status_code == 404
    assert context(mail_app).backend.store.reminder_settings(sid).enabled


def test_a_link_confirms_then_changes_the_sheet_once(
    mail_app: Flask, smtp: LocalSmtpServer, emulator: Any
) -> None:
    client = mail_app.test_client()
    sid = _map_with_a_step_due(client, emulator)
    client.post("/tasks/reminders", headers=CRON)
    done = _link(_dana_message(smtp), "Done")

    shown = client.get(done)
    assert shown.status_code == 200
    assert "Done: confirm" in shown.get_data(as_text=True)
    assert read_range(emulator.url, sid, "Plan!G13") == [["Not started"]]  # GET changes nothing

    applied = client.post(done)
    assert applied.status_code == 200, applied.get_data(as_text=True)
    assert "Go-live now projected for" in applied.get_data(as_text=True)
    assert read_range(emulator.url, sid, "Plan!G13") == [["Done"]]

    reused = client.post(done)
    assert reused.status_code == 410
    assert "used already" in reused.get_data(as_text=True)


def test_bad_links_get_a_clear_page_and_change_nothing(
    mail_app: Flask, smtp: LocalSmtpServer, emulator: Any, clock: Any
) -> None:
    client = mail_app.test_client()
    sid = _map_with_a_step_due(client, emulator)
    client.post("/tasks/reminders", headers=CRON)
    message = _dana_message(smtp)
    done = _link(message, "Done")
    links = context(mail_app).links
    assert links is not None

    tampered = done[:-4] + ("AAAA" if not done.endswith("AAAA") else "BBBB")
    assert client.post(tampered).status_code == 403
    assert client.get("/r/not-a-token").status_code == 403
    priya = links.action_url(sid, "m1", "priya@acme.example", Action.DONE)
    refused = client.post(priya.removeprefix("http://backend.test"))
    assert refused.status_code == 403
    assert "no longer yours" in refused.get_data(as_text=True)
    more_time = _link(message, "Need more time")
    bad_date = client.post(more_time, data={"date": "soon", "reason": "x"})
    assert bad_date.status_code == 422
    assert "Pick the date" in bad_date.get_data(as_text=True)
    clock.advance(days=15)
    expired = client.post(done)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert read_range(emulator.url, sid, "Plan!F13:G13") == [
        [f"{TOMORROW:%b} {TOMORROW.day}, {TOMORROW.year}", "Not started"]
    ]


def test_unsubscribing_sticks(mail_app: Flask, smtp: LocalSmtpServer, emulator: Any) -> None:
    client = mail_app.test_client()
    _map_with_a_step_due(client, emulator)
    client.post("/tasks/reminders", headers=CRON)
    message = _dana_message(smtp)
    target = re.search(r"<http://backend\.test(/r/unsubscribe/\S+)>", message["List-Unsubscribe"])
    assert target is not None
    assert client.get(target.group(1)).status_code == 200
    # RFC 8058: the mail client's one-click POST.
    response = client.post(target.group(1), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    store = context(mail_app).backend.store
    assert store.opted_out(["dana@acme.example"]) == {"dana@acme.example"}
    assert client.get("/r/unsubscribe/forged").status_code == 403


def test_the_sidebar_section_and_its_settings(
    mail_app: Flask, smtp: LocalSmtpServer, emulator: Any
) -> None:
    client = mail_app.test_client()
    sid = _map_with_a_step_due(client, emulator)
    headers = bearer(emulator.url)

    view = client.get(f"/api/maps/{sid}/reminders", headers=headers)
    assert view.status_code == 200, view.get_data(as_text=True)
    body = view.get_json()
    assert body["enabled"] is True and body["last_sent"] == []
    assert {(u["email"], u["milestone_id"], u["kind"]) for u in body["upcoming"]} >= {
        ("dana@acme.example", "m1", "upcoming")
    }
    assert any(item["kind"] == "book_next" for item in body["agenda"])

    client.post("/tasks/reminders", headers=CRON)
    body = client.get(f"/api/maps/{sid}/reminders", headers=headers).get_json()
    assert [m["recipient"] for m in body["last_sent"]]
    assert not any(
        u["milestone_id"] == "m1" and u["on"] == str(START.date()) for u in body["upcoming"]
    )

    off = client.put(f"/api/maps/{sid}/reminders", json={"enabled": False}, headers=headers)
    assert off.status_code == 200 and off.get_json()["enabled"] is False
    assert context(mail_app).backend.store.maps_with_reminders() == []
    bad = client.put(
        f"/api/maps/{sid}/reminders", json={"chat_webhook": "http://x"}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"]["fields"][0]["field"] == "chat_webhook"
