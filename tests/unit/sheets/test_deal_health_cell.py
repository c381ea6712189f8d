"""The Plan tab's Deal health cell: the chance of going live on time, in words."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.domain.compute import compute
from service.domain.parse import parse_plan
from service.sheets.render import header_cells

TODAY = date(2026, 11, 23)


def _plan(**go_live_fields: Any) -> dict[str, Any]:
    return {
        "go_live": "2027-03-01",
        "created_on": "2026-11-02",
        "milestones": [
            {
                "id": "m1",
                "title": "Legal review of the MSA",
                "side": "buyer",
                "category": "legal",
                "lead_bd": 15,
            },
            {"id": "m2", "title": "Signature", "side": "joint", "kind": "signature", "lead_bd": 3},
            {"id": "m3", "title": "Go-live", "kind": "go_live", "lead_bd": 20, **go_live_fields},
        ],
    }


def test_the_cell_reads_as_the_chance_of_going_live_on_time() -> None:
    plan = parse_plan(_plan())
    computed = compute(plan, TODAY)

    cell = header_cells(computed, plan.milestones, last_review=None)["health"]

    percent = round(100 * computed.forecast.go_live.p_on_time)
    assert cell.value == f"{percent}% on time · {computed.health.label}"
    assert 0 <= percent <= 100


def test_the_cell_is_the_same_for_the_same_plan_and_day() -> None:
    plan = parse_plan(_plan())
    first = header_cells(compute(plan, TODAY), plan.milestones, last_review=None)["health"]
    again = header_cells(compute(plan, TODAY), plan.milestones, last_review=None)["health"]
    assert first == again


def test_a_plan_gone_live_reads_live() -> None:
    doc = _plan(status="Done", completed_on="2026-11-20")
    for m in doc["milestones"][:2]:
        m.update(status="Done", completed_on="2026-11-10")
    plan = parse_plan(doc)

    cell = header_cells(compute(plan, TODAY), plan.milestones, last_review=None)["health"]

    assert cell.value == "Live"
