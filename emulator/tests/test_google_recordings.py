"""The emulator answers the recorded sessions of real Google traffic as Google did.

Each of the shared recordings (gspread's test suite against the real Sheets v4 and
Drive v3) is replayed call by call against the running emulator (``google_replay.py``);
statuses and JSON bodies must match. Every Sheets answer is also checked against its
method's schema in the discovery document (no unknown fields, right types).

Normalisations, each with its reason (nothing else is relaxed):

- transport: HTTP headers are not compared (dates, servers, caches and lengths are
  transport, not API behaviour); only the status code and the body.
- ids: Google's ids (spreadsheet and file ids, ``sheetId``, ``namedRangeId``,
  ``protectedRangeId``, ``metadataId``...) are random; the recorded ones are mapped to
  the emulator's, learned from the emulator's answer at the same place, and rewritten
  in later URIs, request bodies and expected bodies (also inside strings such as
  ``spreadsheetUrl``).
- account: the recording account (a service-account e-mail) and the emulator's caller
  are both read as "the caller" (they appear in protected-range editors).
- timestamps: Drive's ``createdTime``/``modifiedTime`` are compared as RFC 3339
  timestamps, not as values (they are the moment of the recording).
- numbers: JSON numbers are compared by value (``1`` equals ``1.0``); booleans and
  strings strictly.

Nothing is normalised away from the spreadsheet resource itself: the default format,
the theme, ``spreadsheetUrl`` and the colours match Google's exactly.

Interactions out of scope, each counted with its reason at the end of the run:

- ``files.list`` calls list the recording account's whole Drive (hundreds of files
  from other sessions), which no replay can reproduce;
- calls on spreadsheets that existed in the recording account before the session
  (found through such a list): their content is unknown. A foreign id that Google
  answered 403 or 404 for is reproduced (a private file of another account, or none).
- a call whose route the emulator does not serve yet makes the test skip with that
  route named ("Drive route X not in the emulator yet"), after every call that could
  be replayed matched; the calls on a file it changed are counted as depending on it.
  A gap never passes as a match.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator.tests.google_replay import (
    MATCHED,
    MISMATCH,
    MISSING_ROUTE,
    OUT_OF_SCOPE,
    Outcome,
    Replay,
)
from emulator.tests.recordings import ABSENT_REASON, recordings_dir

RECORDINGS = recordings_dir()


def recordings() -> list[Path]:
    return sorted(RECORDINGS.glob("*.json")) if RECORDINGS.is_dir() else []


class _Tally:
    """Collects the outcomes of every replay and sums them up after the run."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def lines(self) -> list[str]:
        verdicts = Counter(o.verdict for o in self.outcomes)
        reasons = Counter(
            f"{o.verdict}: {o.reason}"
            for o in self.outcomes
            if o.verdict in (OUT_OF_SCOPE, MISSING_ROUTE)
        )
        head = (
            f"Google recordings: {verdicts[MATCHED]} of {len(self.outcomes)} interactions "
            f"matched, {verdicts[MISMATCH]} mismatched, {verdicts[OUT_OF_SCOPE]} out of scope, "
            f"{verdicts[MISSING_ROUTE]} not replayed"
        )
        return [head] + [f"  {count:4d}  {reason}" for reason, count in reasons.most_common()]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.outcomes:
            terminalreporter.write_sep("-", "replayed Google recordings")
            for line in self.lines():
                terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[list[Outcome]]:
    """Every outcome of the module's replays; summed up at the end of the run."""
    collector = _Tally()
    request.config.pluginmanager.register(collector, "google-recordings-tally")
    yield collector.outcomes


@pytest.mark.skipif(not RECORDINGS.is_dir(), reason=ABSENT_REASON)
@pytest.mark.parametrize("recording", recordings(), ids=lambda p: p.stem)
def test_the_emulator_answers_a_recorded_session_as_google_did(
    emulator: Any, recording: Path, tally: list[Outcome]
) -> None:
    interactions = json.loads(recording.read_text(encoding="utf-8"))["interactions"]
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer recorded-access-token"
        outcomes = Replay(emulator, session).run(interactions)
    tally.extend(outcomes)
    mismatches = [f"#{o.index} {o.call}: {o.reason}" for o in outcomes if o.verdict == MISMATCH]
    assert not mismatches, "\n".join(mismatches)
    missing = sorted({o.reason for o in outcomes if o.verdict == MISSING_ROUTE})
    if missing:
        pytest.skip("; ".join(missing))
