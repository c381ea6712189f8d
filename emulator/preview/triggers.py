"""Live updates: the add-on's installable onEdit/onChange triggers, played by the
preview.

Turning live updates on for a spreadsheet stands for the seller choosing "Enable live
updates" in the add-on: the triggers belong to that seller and run as them whoever
edits. After each edit made in the preview, the trigger's handler (the add-on's
``onMapEdit`` / ``onMapChange`` in ``appsscript/src/EditHooks.js``) posts to the
backend's ``/hooks/sheet-edit`` with the seller's identity token, on a background
thread, as Apps Script runs triggers after the edit: only edits of the Plan tab; value
and old value for a cell; for rows inserted or removed, the Plan tab's data range.
As at Google, ``user`` is given only when the editor is in the seller's domain.

Edits made through the Sheets API do not fire triggers (as at Google): only the
preview's edits do. Which spreadsheets have live updates persists with the emulator.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from emulator.oidc import hosted_domain, id_token_claims, mint_id_token
from emulator.preview import addon
from emulator.preview.acting import Edited
from emulator.state import EmulatorState

log = logging.getLogger(__name__)

PLAN_TAB = "Plan"  # the add-on's PLAN_SHEET_NAME: only this tab's edits are posted
HOOK_PATH = "/hooks/sheet-edit"
# Google allows about 20 installable triggers per user per add-on; two per MAP.
MAPS_PER_SELLER = 10
RETRY_DELAY_S = 1.0
NOT_A_MAP = (
    "This spreadsheet is not a MAP yet. Use Create MAP... in the add-on menu to make it one."
)
TIMEOUT_S = 30.0


class LiveUpdates:
    """Spreadsheet id -> the seller whose triggers are installed in it. Persists."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_file: dict[str, str] = {}

    def installer(self, spreadsheet_id: str) -> str | None:
        with self._lock:
            return self._by_file.get(spreadsheet_id)

    def enable(self, spreadsheet_id: str, seller: str) -> bool:
        """False when the seller already has live updates in as many MAPs as Google
        allows triggers for."""
        with self._lock:
            if self._by_file.get(spreadsheet_id, "").casefold() == seller.casefold():
                return True
            mine = [f for f, s in self._by_file.items() if s.casefold() == seller.casefold()]
            if len(mine) >= MAPS_PER_SELLER:
                return False
            self._by_file[spreadsheet_id] = seller
            return True

    def disable(self, spreadsheet_id: str) -> None:
        with self._lock:
            self._by_file.pop(spreadsheet_id, None)

    def to_json(self) -> Any:
        with self._lock:
            return dict(self._by_file)

    def load_json(self, data: Any) -> None:
        with self._lock:
            self._by_file = {str(k): str(v) for k, v in dict(data).items()}

    def reset(self) -> None:
        with self._lock:
            self._by_file.clear()


def live_updates(state: EmulatorState) -> LiveUpdates:
    return state.section("preview.live_updates", LiveUpdates)


def enable_live_updates(
    state: EmulatorState,
    config: addon.AddonConfig,
    *,
    issuer: str,
    spreadsheet_id: str,
    seller: str,
) -> tuple[bool, str]:
    """Turn live updates on as the seller's "Enable live updates" would: only in a MAP
    the backend knows, and in no more MAPs than Google allows the seller triggers for.
    Whether they are on now, and a sentence for the person who asked."""
    answer = addon.call_backend(
        state,
        config,
        issuer=issuer,
        user=seller,
        method="get",
        path=f"/api/maps/{spreadsheet_id}",
        body=None,
        with_seller_token=False,
    )
    if answer.status == 404:
        return False, NOT_A_MAP
    if not 200 <= answer.status < 300:
        return False, f"The MAP service answered HTTP {answer.status}."
    if not live_updates(state).enable(spreadsheet_id, seller):
        return False, (
            f"Live updates are on in {MAPS_PER_SELLER} MAPs already, as many as Google "
            "allows triggers for: turn them off in one of them first."
        )
    state.touch()
    return True, f"Live updates are on: edits here are posted as {seller}'s trigger."


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].casefold()


def hook_payload(edited: Edited, seller: str, now: datetime) -> dict[str, str] | None:
    """The body ``onMapEdit``/``onMapChange`` post for this edit, or None when the
    add-on sends nothing (an edit outside the Plan tab)."""
    if edited.sheet != PLAN_TAB:
        return None
    payload = {"spreadsheet_id": edited.spreadsheet_id, "sheet": edited.sheet, "a1": edited.a1}
    if edited.change_type == "EDIT":
        payload["value"] = edited.value or ""
        if edited.old_value is not None:
            payload["old_value"] = edited.old_value
    if _domain(edited.user) == _domain(seller):
        payload["user"] = edited.user
    payload["ts"] = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return payload


@dataclass(frozen=True)
class HookPost:
    backend_url: str
    issuer: str
    audience: str
    seller: str
    payload: dict[str, str]


class TriggerRunner:
    """Posts trigger payloads one at a time on a background thread, as Apps Script
    runs a user's triggers; one retry after a second on a network error, a timeout, a
    429 or a 5xx, never an error at the person editing."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._queue: queue.Queue[HookPost | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.delivered = 0
        self.failed = 0

    def submit(self, post: HookPost) -> None:
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="preview-triggers", daemon=True
                )
                self._thread.start()
        self._queue.put(post)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=TIMEOUT_S + RETRY_DELAY_S)

    def _run(self) -> None:
        with requests.Session() as session:
            while True:
                post = self._queue.get()
                if post is None:
                    return
                try:
                    self._deliver(session, post)
                except Exception:  # a trigger's failure never stops the next one
                    log.exception("live update post failed")
                    self.failed += 1

    def _deliver(self, session: requests.Session, post: HookPost) -> None:
        problem = ""
        for attempt in (1, 2):
            claims = id_token_claims(
                issuer=post.issuer,
                email=post.seller,
                audience=post.audience,
                hd=hosted_domain(post.seller),
            )
            token = mint_id_token(self._state, claims)
            try:
                response = session.post(
                    post.backend_url.rstrip("/") + HOOK_PATH,
                    json=post.payload,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=TIMEOUT_S,
                )
            except requests.RequestException as exc:
                problem = type(exc).__name__
            else:
                if 200 <= response.status_code < 300:
                    self.delivered += 1
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code != 429 and response.status_code < 500:
                    break
            if attempt == 1:
                time.sleep(RETRY_DELAY_S)
        self.failed += 1
        log.warning(
            "live update for %s not delivered: %s", post.payload.get("spreadsheet_id"), problem
        )


def trigger_runner(state: EmulatorState) -> TriggerRunner:
    with state.lock:
        runner = state.extensions.get("preview.triggers")
        if runner is None:
            runner = state.extensions["preview.triggers"] = TriggerRunner(state)
            state.on_close(runner.close)
        assert isinstance(runner, TriggerRunner)
        return runner
