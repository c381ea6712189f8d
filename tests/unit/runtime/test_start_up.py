"""The end of start-up: garbage collected once, what survives frozen (in a process of its
own, so that the test run's own objects are not frozen)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from service.runtime.start_up import YOUNG_THRESHOLD

ROOT = Path(__file__).resolve().parents[3]

CHECK = """
import gc, weakref

class Node:
    pass

def leftover():
    a, b = Node(), Node()
    a.other, b.other = b, a  # a reference cycle: only the collector frees it
    return weakref.ref(a)

gc.disable()  # so that only settling can free the cycle
gc.set_threshold({threshold}, 10, 10)
gone = leftover()
kept = Node()
assert gone() is not None
before = gc.get_freeze_count()
{call}
assert gone() is None, "the cycle left by start-up was not collected first"
assert gc.get_freeze_count() > before + 1000, (before, gc.get_freeze_count())
assert not any(o is kept for o in gc.get_objects()), "a surviving object is still walked"
assert gc.get_threshold()[0] == {young}, gc.get_threshold()
print("settled")
"""


def run(call: str, threshold: int = 700, young: int = YOUNG_THRESHOLD) -> str:
    check = CHECK.format(call=call, threshold=threshold, young=young)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(check)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_settle_collects_then_freezes_what_survives_and_raises_the_young_threshold() -> None:
    assert "settled" in run("from service.runtime.start_up import settle; settle()")


def test_settle_never_lowers_a_young_threshold_set_higher() -> None:
    higher = YOUNG_THRESHOLD * 2
    call = "from service.runtime.start_up import settle; settle()"
    assert "settled" in run(call, threshold=higher, young=higher)


def test_a_gunicorn_worker_settles_once_it_has_loaded_the_app() -> None:
    call = "from service.web.gunicorn_config import post_worker_init; post_worker_init(None)"
    assert "settled" in run(call)
