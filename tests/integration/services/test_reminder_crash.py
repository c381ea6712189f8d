"""Exactly once across a crash: a process that decided the day's messages is killed
while it sends them; after a restart (another process) each person gets one message."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from emulator.testing import wait_for
from service.runtime.mailbox import Mailbox
from service.services.coalesce import sync_coalesced
from tests.integration.services.conftest import World
from tests.integration.services.reminder_child import run_job
from tests.integration.services.sheet_view import row_number

LEASE_S = 60


class HoldingHandler:
    """Receives mail into a Mailbox; while ``holding``, the first MAIL FROM waits there
    (the sender is mid-send: decided, nothing handed over yet)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.holding = True
        self.reached = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.holding:
            self.holding = False
            self.reached.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        self.mailbox.keep(content if isinstance(content, bytes) else str(content).encode())
        return "250 Message accepted for delivery"


@pytest.fixture
def holding_smtp(tmp_path: Path) -> Iterator[tuple[HoldingHandler, int]]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = HoldingHandler(Mailbox(tmp_path / "mailbox"))
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


def _settings(world: World, database_url: str, port: int, tmp_path: Path) -> dict[str, Any]:
    return {
        "data_dir": str(tmp_path),
        "database_url": database_url,
        "google_mode": "local",
        "emulator_url": world.url,
        "public_url": "http://backend.test",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "link_secret": "crash-test-link-secret-0123",
        "reminder_working_hours": False,
        "reminder_send_lease_s": LEASE_S,
    }


def test_killed_between_deciding_and_sending_then_restarted_sends_exactly_once(
    world: World,
    database_url: str,
    holding_smtp: tuple[HoldingHandler, int],
    tmp_path: Path,
) -> None:
    handler, port = holding_smtp
    sid = world.provision().spreadsheet_id
    row = row_number(world.backend_emulator_state, sid, "m1")
    world.edit(sid, f"Plan!D{row}", "Dana Lee <dana@acme.example>")
    world.edit(sid, f"Plan!F{row}", (world.today() + timedelta(days=1)).isoformat())
    sync_coalesced(world.backend, sid)
    settings = _settings(world, database_url, port, tmp_path)
    spawn = multiprocessing.get_context("spawn")

    first = spawn.Process(
        target=run_job, args=(settings, world.clock.offset.total_seconds()), daemon=True
    )
    first.start()
    try:
        assert handler.reached.wait(120), "the first process never started sending"
        first.kill()  # decided and claimed, nothing handed over
        first.join(30)
    finally:
        handler.release.set()
    pending = world.store.outbox_messages(sid)
    assert len(pending) == 2 and all(m.sent_at is None for m in pending)  # Dana's, the digest
    assert handler.mailbox.messages() == []

    # The restart, once the dead sender's lease is over.
    world.clock.advance(seconds=LEASE_S + 1)
    second = spawn.Process(target=run_job, args=(settings, world.clock.offset.total_seconds()))
    second.start()
    second.join(120)
    assert second.exitcode == 0

    received = wait_for(lambda: len(handler.mailbox.messages()) == 2 and handler.mailbox.messages())
    assert sorted(str(r.message["To"]).split("<")[-1].rstrip(">") for r in received) == [
        "dana@acme.example",
        "sam@vendor.example",
    ]
    assert all(m.sent_at is not None for m in world.store.outbox_messages(sid))
    # A third run (another day's cron, another instance) sends nothing more.
    third = spawn.Process(target=run_job, args=(settings, world.clock.offset.total_seconds()))
    third.start()
    third.join(120)
    assert len(handler.mailbox.messages()) == 2
