"""What the cron jobs' fan-out speaks of, without Google's libraries (the web layer
imports it also when the in-process queue runs everything): a unit of periodic work and
the counts of a fan-out (``background_tasks.py`` creates the tasks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from service.runtime.sync_pool import SyncPool


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


def submit_all(pool: SyncPool, spreadsheet_ids: Iterable[str]) -> FanOutReport:
    """The in-process fan-out: each MAP into ``pool`` (once: one waiting already counts
    as already queued; a full or closed pool leaves it for the next run)."""
    report = FanOutReport()
    for spreadsheet_id in spreadsheet_ids:
        if pool.is_queued(spreadsheet_id):
            report.already_queued += 1
        elif pool.submit(spreadsheet_id):
            report.queued += 1
        else:
            report.failed.append(spreadsheet_id)
    return report
