"""One-click links in reminders: signed, expiring, single-use, for one person.

A link carries the MAP, the milestone, the owner's email, the action and a nonce,
signed with the backend's secret (itsdangerous). It expires after ``max_age``; the
store remembers each nonce used, so a link works once. Whoever opens it must still own
the milestone when it is applied (checked against the plan, not the link).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer


class Action(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    MORE_TIME = "more_time"


ACTION_LABELS = {
    Action.DONE: "Done",
    Action.IN_PROGRESS: "In progress",
    Action.MORE_TIME: "Need more time",
}


class LinkRefused(Exception):
    """A link that cannot be used; ``reason`` says why in words for the page."""

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class ActionClaim:
    spreadsheet_id: str
    milestone_id: str
    email: str
    action: Action
    nonce: str


@dataclass(frozen=True)
class Unsubscribe:
    email: str


class ActionLinks:
    """Makes and checks the links. ``now`` is the process's clock (links expire on it)."""

    def __init__(
        self,
        secret: str,
        base_url: str,
        *,
        clock: Callable[[], datetime],
        max_age: timedelta = timedelta(days=14),
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 characters")
        self._actions = _serializer(secret, "map-action", clock)
        self._unsubscribe = _serializer(secret, "map-unsubscribe", clock)
        self.base_url = base_url.rstrip("/")
        self.max_age = max_age

    def action_url(self, spreadsheet_id: str, milestone_id: str, email: str, action: Action) -> str:
        token = self._actions.dumps(
            {
                "s": spreadsheet_id,
                "m": milestone_id,
                "e": email.casefold(),
                "a": action.value,
                "n": secrets.token_urlsafe(16),
            }
        )
        return f"{self.base_url}/r/{token}"

    def unsubscribe_url(self, email: str) -> str:
        token = self._unsubscribe.dumps({"e": email.casefold()})
        return f"{self.base_url}/r/unsubscribe/{token}"

    def check_action(self, token: str) -> ActionClaim:
        """The link's claim; :class:`LinkRefused` (403 tampered, 410 expired)."""
        data = self._load(self._actions, token, max_age=self.max_age)
        try:
            return ActionClaim(
                spreadsheet_id=str(data["s"]),
                milestone_id=str(data["m"]),
                email=str(data["e"]),
                action=Action(str(data["a"])),
                nonce=str(data["n"]),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise LinkRefused("This link is not one we made.", status=403) from exc

    def check_unsubscribe(self, token: str) -> Unsubscribe:
        # An unsubscribe link keeps working: people find old messages.
        data = self._load(self._unsubscribe, token, max_age=None)
        try:
            return Unsubscribe(email=str(data["e"]))
        except (KeyError, TypeError) as exc:
            raise LinkRefused("This link is not one we made.", status=403) from exc

    @staticmethod
    def _load(
        serializer: URLSafeTimedSerializer, token: str, *, max_age: timedelta | None
    ) -> dict[str, object]:
        if len(token) > 2000:
            raise LinkRefused("This link is not one we made.", status=403)
        try:
            data = serializer.loads(
                token, max_age=None if max_age is None else int(max_age.total_seconds())
            )
        except SignatureExpired as exc:
            raise LinkRefused(
                "This link has expired. Open the plan to update it, or use the link in "
                "your latest reminder.",
                status=410,
            ) from exc
        except BadSignature as exc:
            raise LinkRefused("This link is not one we made.", status=403) from exc
        if not isinstance(data, dict):
            raise LinkRefused("This link is not one we made.", status=403)
        return data


def _serializer(secret: str, salt: str, clock: Callable[[], datetime]) -> URLSafeTimedSerializer:
    """A serializer whose timestamps come from the process's clock, not the machine's."""

    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock().timestamp())

    return URLSafeTimedSerializer(secret, salt=salt, signer=ClockSigner)
