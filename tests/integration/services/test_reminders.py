"""The daily reminder run against the emulator, a real store and a real SMTP server
(aiosmtpd): decided from the snapshot (no Sheets call), sent once, batched, opt-outs,
working hours, a sender that dies mid-run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from service.config import Settings
from service.local.mailbox import LocalSmtpServer
from service.runtime.mail import SmtpTransport
from service.runtime.mailbox import Mailbox
from service.services.action_links import ActionLinks
from service.services.coalesce import sync_coalesced
from service.services.reminders import ReminderDeps, decide_all, deliver_due
from service.store.records import OutboxMessage
from tests.integration.services.conftest import SELLER, World
from tests.integration.services.sheet_view import row_number

SECRET = "test-link-secret-0123456789"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer(Mailbox(tmp_path / "mailbox")).start()
    yield server
    server.stop()


def _deps(world: World) -> ReminderDeps:
    return ReminderDeps(
        store=world.store,
        sheets=world.backend.sheets(),
        links=ActionLinks(SECRET, "http://backend.test", clock=world.clock),
        sheet_url=lambda sid: f"http://sheets.test/{sid}",
        now=world.clock,
    )


def _deliver(world: World, smtp: LocalSmtpServer) -> int:
    transport = SmtpTransport(Settings(), host=smtp.host, port=smtp.port)
    return deliver_due(world.store, lambda _m: transport, world.clock)


def _received(smtp: LocalSmtpServer, *, digests: bool = False) -> list[EmailMessage]:
    """What the SMTP server received, newest first (without the seller's digests)."""
    return [
        r.message for r in smtp.mailbox.messages() if digests or SELLER not in str(r.message["To"])
    ]


def _pin(world: World, sid: str, milestone: str, due: date, owner: str) -> None:
    row = row_number(world.backend_emulator_state, sid, milestone)
    world.edit(sid, f"Plan!D{row}", owner)
    world.edit(sid, f"Plan!F{row}", due.isoformat())


DANA = "Dana Lee <dana@acme.example>"
PRIYA = "Priya Patel <priya@acme.example>"


def test_a_reminder_reaches_the_owner_once(world: World, smtp: LocalSmtpServer) -> None:
    sid = world.provision().spreadsheet_id
    tomorrow = world.today() + timedelta(days=1)
    _pin(world, sid, "m1", tomorrow, DANA)
    _pin(world, sid, "m2", tomorrow, DANA)
    _pin(world, sid, "m3", tomorrow, "InfoSec lead")
    sync_coalesced(world.backend, sid)
    world.reset_counters()

    report = decide_all(_deps(world))
    again = decide_all(_deps(world))

    assert (report.messages, report.reminders, report.unreachable) == (1, 2, 1)
    assert report.digests == 1
    assert (again.messages, again.digests) == (0, 0)
    # Deciding costs no Sheets API call: it reads the snapshot.
    assert sum(world.counters(sid).values()) == 0
    assert _deliver(world, smtp) == 2  # Dana's reminders, the seller's digest
    assert _deliver(world, smtp) == 0
    (message,) = _received(smtp)
    assert message["To"] == DANA
    assert message["Subject"] == "Acme Corp plan: 2 steps to update"
    assert message["List-Unsubscribe"].startswith("<http://backend.test/r/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert text.count("Done: http://backend.test/r/") == 2
    assert "Need more time: " in text


def test_the_next_days_bring_the_overdue_then_the_weekly(
    world: World, smtp: LocalSmtpServer
) -> None:
    sid = world.provision().spreadsheet_id
    _pin(world, sid, "m1", world.today(), DANA)
    sync_coalesced(world.backend, sid)
    subjects = []
    for _ in range(9):
        decide_all(_deps(world))
        _deliver(world, smtp)
        world.clock.advance(days=1)
    subjects = [m["Subject"] for m in reversed(_received(smtp))]
    # Due today, overdue on the next day, then a week after that (weekends wait for
    # Monday but are still one message each).
    assert subjects.count("Acme Corp plan: 1 step to update") == 1
    assert subjects.count("Acme Corp plan: 1 step to update (1 overdue)") == 2


def test_opted_out_people_and_maps_turned_off_get_nothing(
    world: World, smtp: LocalSmtpServer
) -> None:
    first = world.provision().spreadsheet_id
    second = world.provision(account="Globex").spreadsheet_id
    tomorrow = world.today() + timedelta(days=1)
    _pin(world, first, "m1", tomorrow, DANA)
    _pin(world, first, "m2", tomorrow, PRIYA)
    _pin(world, second, "m1", tomorrow, PRIYA)
    sync_coalesced(world.backend, first)
    sync_coalesced(world.backend, second)
    world.store.opt_out("dana@acme.example")
    world.store.set_reminder_settings(second, enabled=False)

    decide_all(_deps(world))
    _deliver(world, smtp)

    (message,) = _received(smtp)
    assert message["To"] == PRIYA and "Acme Corp" in message["Subject"]
    assert "Globex" not in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_messages_wait_for_working_hours(world: World, smtp: LocalSmtpServer) -> None:
    sid = world.provision().spreadsheet_id
    _pin(world, sid, "m1", world.today() + timedelta(days=1), DANA)
    sync_coalesced(world.backend, sid)
    world.clock.advance(hours=12)  # 03:00 UTC: night in the sheet's zone

    decide_all(_deps(world))
    assert _deliver(world, smtp) == 0
    world.clock.advance(hours=12)
    assert _deliver(world, smtp) == 2  # the reminder and the seller's digest


def test_a_sender_that_died_leaves_the_message_to_the_next(
    world: World, smtp: LocalSmtpServer
) -> None:
    sid = world.provision().spreadsheet_id
    _pin(world, sid, "m1", world.today() + timedelta(days=1), DANA)
    sync_coalesced(world.backend, sid)
    decide_all(_deps(world))

    class Dies:
        def send(self, message: OutboxMessage) -> None:
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        deliver_due(world.store, lambda _m: Dies(), world.clock)
    assert _deliver(world, smtp) == 0  # its lease still holds
    world.clock.advance(minutes=11)
    decide_all(_deps(world))  # the next run decides nothing new
    assert _deliver(world, smtp) == 2
    assert len(_received(smtp)) == 1


def test_the_sellers_weekly_digest_lists_the_agenda_and_owners_without_email(
    world: World, smtp: LocalSmtpServer
) -> None:
    sid = world.provision().spreadsheet_id
    _pin(world, sid, "m1", world.today() - timedelta(days=8), DANA)
    _pin(world, sid, "m2", world.today() + timedelta(days=3), "InfoSec lead")
    sync_coalesced(world.backend, sid)

    for _ in range(3):  # three days of one week: one digest
        decide_all(_deps(world))
        _deliver(world, smtp)
        world.clock.advance(days=1)

    (digest,) = [m for m in _received(smtp, digests=True) if SELLER in str(m["To"])]
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Ask in your next call:" in text
    assert "The pricing proposal review was due last week; what is happening on your end?" in (text)
    assert "InfoSec lead" in text and "Ask Dana Lee for InfoSec lead's email" in text
    world.clock.advance(days=4)  # the next Monday: the next week's digest
    decide_all(_deps(world))
    _deliver(world, smtp)
    assert len([m for m in _received(smtp, digests=True) if SELLER in str(m["To"])]) == 2


class _ChatHook:
    """A webhook receiver on this machine: records each JSON post."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        posts: list[dict[str, object]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                posts.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.posts = posts
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_chat_gets_overdue_and_slip_alerts_once_with_the_links(
    world: World, smtp: LocalSmtpServer
) -> None:
    import requests

    from service.runtime.mail import ChatTransport

    hook = _ChatHook()
    try:
        sid = world.provision().spreadsheet_id
        world.store.set_reminder_settings(sid, chat_webhook=hook.url)
        _pin(world, sid, "m1", world.today() - timedelta(days=1), DANA)
        sync_coalesced(world.backend, sid)
        smtp_transport = SmtpTransport(Settings(), host=smtp.host, port=smtp.port)
        with requests.Session() as session:
            chat = ChatTransport(session)
            for _ in range(2):
                report = decide_all(_deps(world))
                deliver_due(
                    world.store,
                    lambda m: chat if m.recipient == "chat" else smtp_transport,
                    world.clock,
                )
                world.clock.advance(days=1)
        assert report.alerts == 0  # the second day: nothing new to say
        (post,) = hook.posts
        text = str(post["text"])
        assert "*Acme Corp plan*" in text
        assert '"Pricing proposal review" was due' in text
        assert "|Done>" in text and "|Need more time>" in text
    finally:
        hook.close()
