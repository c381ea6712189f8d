"""Python's start-up hook for the suite's run a year ahead (``.ci/run``), and only there.

That run uses Debian's libfaketime (0.9.10) with ``FAKETIME_DONT_FAKE_MONOTONIC=1``:
with the monotonic clock faked too, every timed wait on a Python lock, event or queue
(``sem_clockwait``, which that libfaketime does not intercept) would wait the whole
fake offset, 400 days. With it real, libfaketime's ``clock_nanosleep`` still shifts
an absolute monotonic deadline by the offset and fails with EINVAL, and ``time.sleep``
uses exactly that call. So here ``time.sleep`` waits on an event instead, which takes
the working path. Wall-clock time (what the suite is about) stays a year ahead.
"""

from __future__ import annotations

import os
import threading
import time

if os.environ.get("FAKETIME") and "faketime" in os.environ.get("LD_PRELOAD", ""):

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        threading.Event().wait(seconds)

    time.sleep = _sleep
