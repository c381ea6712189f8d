"""``python -m service reminders``, run as an operator runs it, against an emulator
process and a real SMTP server: a MAP made with ``map create`` gets its seller's digest
once; bad input exits 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from service.local.mailbox import LocalSmtpServer
from service.runtime.mailbox import Mailbox
from tests.clock import real_today
from tests.e2e.processes import running_emulator


@pytest.fixture
def cli_env(tmp_path: Path) -> Iterator[tuple[dict[str, str], LocalSmtpServer]]:
    smtp = LocalSmtpServer(Mailbox(tmp_path / "mailbox")).start()
    with running_emulator(tmp_path / "emulator") as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAP_")}
        env.pop("DATABASE_URL", None)
        env.update(
            MAP_EMULATOR_URL=url,
            MAP_DATA_DIR=str(tmp_path / "data"),
            MAP_SMTP_HOST=smtp.host,
            MAP_SMTP_PORT=str(smtp.port),
            MAP_SMTP_STARTTLS="false",
            # Whole programs keep real time: send whatever the hour.
            MAP_REMINDER_WORKING_HOURS="false",
        )
        yield env, smtp
    smtp.stop()


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_run_sends_the_days_messages_once(cli_env: tuple[dict[str, str], LocalSmtpServer]) -> None:
    env, smtp = cli_env
    go_live = (real_today() + timedelta(weeks=20)).isoformat()
    made = run(
        env, "map", "create", "--account", "Initech", "--go-live", go_live,
        "--seller", "Sam Seller <sam@vendor.example>",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    first = run(env, "reminders", "run")
    again = run(env, "reminders", "run")

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["digests"] == 1 and json.loads(first.stdout)["sent"] == 1
    assert json.loads(again.stdout)["sent"] == 0
    (received,) = smtp.mailbox.messages()
    assert "sam@vendor.example" in str(received.message["To"])
    assert received.message["Subject"].startswith("Initech plan: your week of")


def test_bad_input_exits_2_with_one_line(cli_env: tuple[dict[str, str], LocalSmtpServer]) -> None:
    env, _ = cli_env
    bad = run(env, "reminders", "opt-in", "not-an-email")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "error: EMAIL: 'not-an-email' is not an email address"
    ]
    unset = run({**env, "MAP_GOOGLE_MODE": "google"}, "reminders", "run")
    assert unset.returncode == 2, unset.stderr
    assert "MAP_LINK_SECRET is not set" in unset.stderr
    assert len(unset.stderr.strip().splitlines()) == 1
    assert run(env, "reminders", "opt-in", "dana@acme.example").returncode == 0
