"""The ``map`` commands, run as a person runs them, against an emulator process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.clock import real_today
from tests.e2e.processes import running_emulator

# The command keeps real time, so its go-live comes from the real today: seven months on.
LATER = (real_today() + timedelta(weeks=30)).isoformat()


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data = tmp_path_factory.mktemp("map-cli")
    with running_emulator(data / "emulator") as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAP_")}
        env.update(MAP_EMULATOR_URL=url, MAP_DATA_DIR=str(data))
        env.pop("DATABASE_URL", None)
        yield env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "map", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def created_id(output: str) -> str:
    first = output.splitlines()[0]
    assert first.startswith("Created "), output
    return first.rsplit("/", 1)[1]


def test_create_then_show_sync_review_and_list(cli_env: dict[str, str]) -> None:
    made = run(
        cli_env,
        "create",
        "--template",
        "simple-close-plan",
        "--account",
        "Acme Corp",
        "--go-live",
        LATER,
        "--buyer",
        "Dana Lee <dana@acme.example>",
        "--seller",
        "Sam Seller <sam@vendor.example>",
    )
    assert made.returncode == 0, made.stderr
    assert "Deal health:" in made.stdout and "Go-live" in made.stdout
    sid = created_id(made.stdout)
    shown = run(cli_env, "show", sid)
    assert shown.returncode == 0 and "Pricing proposal" in shown.stdout
    assert "Forecast (priors): " in shown.stdout and "% on time" in shown.stdout
    synced = run(cli_env, "sync", sid)
    assert synced.returncode == 0 and "Slip:" in synced.stdout
    reviewed = run(cli_env, "review", sid)
    assert reviewed.returncode == 0 and reviewed.stdout.startswith("Weekly review")
    listed = run(cli_env, "list", "--org", "vendor.example", "--sort", "signature")
    assert listed.returncode == 0 and "Acme Corp" in listed.stdout
    assert "Expected signatures this quarter: " in listed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("create", "--account", "A", "--go-live", "2027-02-30", "--seller", "s <s@v.example>"),
            "--go-live",
        ),
        (
            ("create", "--account", "A", "--go-live", "2020-01-01", "--seller", "s <s@v.example>"),
            "--go-live: must be after today",
        ),
        (("create", "--account", "A", "--go-live", LATER, "--seller", "Sam"), "--seller"),
        (
            (
                "create",
                "--account",
                "A",
                "--go-live",
                LATER,
                "--seller",
                "s <s@v.example>",
                "--template",
                "nope",
            ),
            "nope",
        ),
        (("show", "no-such-sheet"), "no MAP"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    cli_env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = run(cli_env, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_without_an_emulator_the_command_says_how_to_start_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAP_")}
    env.update(MAP_EMULATOR_URL="http://127.0.0.1:9", MAP_DATA_DIR=str(tmp_path))
    result = run(env, "show", "x")
    assert result.returncode == 2
    assert "python -m service serve" in result.stderr
