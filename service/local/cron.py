"""The cron jobs of ``cron.yaml`` in local mode: renew Drive channels every 3 hours,
rebuild the calibrations every day, sweep and run the reminders every hour, and
each once at start (channels expire within a day, and a machine that was off needs
today's recompute). Each job is an HTTP call to the backend's ``/tasks/...`` with an
ID token of the cron service account, as Cloud Scheduler makes it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import requests

from emulator.oidc import id_token_claims, mint_id_token
from emulator.state import EmulatorState

log = logging.getLogger(__name__)

TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Job:
    path: str
    every_s: float


JOBS = (
    Job("/tasks/renew-channels", 3 * 3600.0),
    Job("/tasks/calibrate", 24 * 3600.0),
    Job("/tasks/sweep", 3600.0),
    Job("/tasks/reminders", 3600.0),
)


class LocalCron:
    def __init__(
        self,
        state: EmulatorState,
        *,
        backend_url: str,
        issuer: str,
        account: str,
        jobs: tuple[Job, ...] = JOBS,
    ) -> None:
        self._state = state
        self._backend_url = backend_url.rstrip("/")
        self._issuer = issuer
        self._account = account
        self._jobs = jobs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> LocalCron:
        self._thread = threading.Thread(target=self._run, name="local-cron", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT_S)

    def _run(self) -> None:
        due = {job.path: 0.0 for job in self._jobs}
        with requests.Session() as session:
            while not self._stop.is_set():
                now = time.monotonic()
                for job in self._jobs:
                    if now >= due[job.path]:
                        self.run_job(session, job.path)
                        due[job.path] = time.monotonic() + job.every_s
                wait = min(due.values()) - time.monotonic()
                self._stop.wait(max(1.0, wait))

    def run_job(self, session: requests.Session, path: str) -> dict[str, object] | None:
        claims = id_token_claims(
            issuer=self._issuer, email=self._account, audience=self._backend_url
        )
        token = mint_id_token(self._state, claims)
        try:
            response = session.post(
                self._backend_url + path,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_S,
            )
        except requests.RequestException as exc:
            log.warning("cron %s: the backend did not answer (%s)", path, type(exc).__name__)
            return None
        if response.status_code != 200:
            log.warning("cron %s: HTTP %s", path, response.status_code)
            return None
        counts: dict[str, object] = response.json()
        log.info("cron %s: %s", path, counts)
        return counts
