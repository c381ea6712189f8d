"""What the cron jobs' fan-out speaks of, without Google's libraries (the web layer
imports it also when the in-process queue runs everything): a unit of periodic work and
the counts of a fan-out (``background_tasks.py`` creates the tasks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FanOutReport:
    queued: int = 0  # tasks created
    already_queued: int = 0  # refused as duplicates: this period's task exists
    failed: list[str] = field(default_factory=list)  # keys no task could be made for

    def to_json(self) -> dict[str, object]:
        return {
            "queued": self.queued,
            "already_queued": self.already_queued,
            "failed": self.failed,
        }


@dataclass(frozen=True)
class Unit:
    """One unit of periodic work: its key names the task, its body goes to the route."""

    key: str
    body: dict[str, Any]
