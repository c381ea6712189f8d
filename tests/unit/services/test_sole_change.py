"""When Drive's version check names the one change made since the last sync, so that its
author needs no revision history (``versions.sole_change``; the second check, once the
read has ended, is tested against the emulator in test_history_attribution.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.services.map_sheets import FileVersion
from service.services.versions import sole_change

BUYER = "dana@acme.example"
READ_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
AFTER = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
BEFORE = datetime(2026, 12, 1, 8, 55, tzinfo=UTC)


def test_one_version_on_after_the_last_read_is_the_one_change() -> None:
    seen = FileVersion("42", modified_at=AFTER, modified_by=BUYER)
    assert sole_change("41", seen, READ_AT) == seen


def test_a_change_at_the_moment_the_read_began_counts() -> None:
    seen = FileVersion("42", modified_at=READ_AT, modified_by=BUYER)
    assert sole_change("41", seen, READ_AT) == seen


@pytest.mark.parametrize(
    ("recorded", "seen", "last_read_at", "why"),
    [
        ("40", FileVersion("42", AFTER, BUYER), READ_AT, "two changes: Drive names the last"),
        ("42", FileVersion("42", AFTER, BUYER), READ_AT, "no change since"),
        ("41", FileVersion("42", BEFORE, BUYER), READ_AT, "a change older than the read"),
        ("41", FileVersion("42", AFTER, ""), READ_AT, "Drive did not say who"),
        ("41", FileVersion("42", None, BUYER), READ_AT, "Drive did not say when"),
        (None, FileVersion("42", AFTER, BUYER), READ_AT, "no version recorded"),
        ("41", None, READ_AT, "Drive answered nothing"),
        ("41", FileVersion("42", AFTER, BUYER), None, "never read"),
        ("x1", FileVersion("x2", AFTER, BUYER), READ_AT, "versions that are not numbers"),
    ],
)
def test_otherwise_the_revision_history_is_asked(
    recorded: str | None, seen: FileVersion | None, last_read_at: datetime | None, why: str
) -> None:
    assert sole_change(recorded, seen, last_read_at) is None, why
