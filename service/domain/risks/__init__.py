"""The plan-level risks: one rule per code, each a function of the schedule.

Every rule returns at most one :class:`Risk` naming every milestone it concerns, with a
message a seller could say out loud: what is wrong, then what to do about it. "Open"
means neither Done nor N/A. SLIP_LIKELY also reads the forecast, and fires only when
QUARTER_SLIP does not. The sheet layer adds INVALID_INPUT (see :func:`invalid_input_risk`)
for cells it could not read.

The rules live by subject: :mod:`.slip_origin` (GO_LIVE_SLIP), :mod:`.progress` (dates,
missed steps, moved dates, silence, SLIP_LIKELY), :mod:`.people` (owners) and
:mod:`.shape` (balance, size, deliverables).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from service.domain.model import (
    ComputedPlan,
    Forecast,
    Risk,
    RiskCode,
    most_severe_first,
)
from service.domain.risks.common import SEVERITY
from service.domain.risks.people import missing_stakeholder, new_stakeholder, no_owner, team_owner
from service.domain.risks.progress import (
    buyer_missed_consecutive,
    buyer_not_engaged,
    close_date_moved,
    date_conflict,
    no_next_step,
    only_seller_progress,
    quarter_slip,
    slip_likely,
    stale_plan,
)
from service.domain.risks.shape import plan_size, unbalanced_plan, vague_deliverable
from service.domain.risks.slip_origin import go_live_slip, slip_origin
from service.domain.schedule import Schedule

__all__ = [
    "RULES",
    "SEVERITY",
    "invalid_input_risk",
    "plan_risks",
    "slip_origin",
    "with_extra_risks",
]

# The contract's table order, less SLIP_LIKELY (which needs the forecast).
RULES: tuple[Callable[[Schedule], Risk | None], ...] = (
    go_live_slip,
    quarter_slip,
    buyer_missed_consecutive,
    only_seller_progress,
    close_date_moved,
    missing_stakeholder,
    date_conflict,
    new_stakeholder,
    team_owner,
    no_owner,
    unbalanced_plan,
    stale_plan,
    no_next_step,
    buyer_not_engaged,
    plan_size,
    vague_deliverable,
)


def plan_risks(schedule: Schedule, forecast: Forecast) -> tuple[Risk, ...]:
    """Every risk that applies, the most severe first (then in the contract's order)."""
    found = [r for rule in RULES if (r := rule(schedule)) is not None]
    fired = any(r.code is RiskCode.QUARTER_SLIP for r in found)
    likely = slip_likely(schedule, forecast, quarter_slip_fired=fired)
    if likely is not None:
        found.append(likely)
    return most_severe_first(found)


def invalid_input_risk(cells: Sequence[str], milestones: Sequence[str] = ()) -> Risk:
    """INVALID_INPUT for cells the sheet could not read, e.g. ``'Due of "DPA": "next week"'``."""
    listed = "; ".join(cells[:3]) + (f"; and {len(cells) - 3} more" if len(cells) > 3 else "")
    return Risk(
        code=RiskCode.INVALID_INPUT,
        severity=SEVERITY[RiskCode.INVALID_INPUT],
        message=(
            f"Some cells could not be read ({listed}): correct them so the dates and risks are "
            "right; until then they keep what was typed and are left out of the plan."
        ),
        milestones=tuple(milestones),
        mutual=(
            f"Some cells could not be read ({listed}); each has a note saying what to type. "
            "Until they are corrected they keep what was typed and are left out of the plan."
        ),
    )


def with_extra_risks(computed: ComputedPlan, extra: Iterable[Risk]) -> ComputedPlan:
    """``computed`` with more risks (such as INVALID_INPUT), in severity order.

    The deal health stays: it is the forecast's chance of going live on time, which risks
    do not change.
    """
    return dataclasses.replace(computed, risks=most_severe_first([*computed.risks, *extra]))
