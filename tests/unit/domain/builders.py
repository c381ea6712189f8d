"""Small builders for engine tests: a milestone, a plan, a plan with no risks, and a
calibration under which every step takes exactly its lead."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from service.domain.calibration import BuyerPace, Calibration, RatioStats
from service.domain.model import Category, Kind, Milestone, Plan, Side, Status

D = date.fromisoformat

DANA = "Dana Lee <dana@acme.com>"
PRIYA = "Priya Shah <priya@acme.com>"
SAM = "Sam Seller <sam@vendor.com>"


def ms(id: str, **fields: Any) -> Milestone:
    """A milestone with a title, a person as owner and a deliverable unless told otherwise."""
    fields.setdefault("title", f"Step {id}")
    fields.setdefault("owner", SAM)
    fields.setdefault("deliverable", f"Deliverable of {id}")
    return Milestone(id=id, **fields)


def make_plan(*milestones: Milestone, go_live: str = "2027-01-15", **fields: Any) -> Plan:
    return Plan(go_live=D(go_live), milestones=tuple(milestones), **fields)


def with_milestone(plan: Plan, id: str, **changes: Any) -> Plan:
    """``plan`` with milestone ``id`` changed."""
    return dataclasses.replace(
        plan,
        milestones=tuple(
            dataclasses.replace(m, **changes) if m.id == id else m for m in plan.milestones
        ),
    )


# The six steps of the simple close plan, lead times as shipped.
def six_step_plan(**fields: Any) -> Plan:
    return make_plan(
        ms("m1", title="Pricing proposal review", side=Side.BUYER, lead_bd=3),
        ms("m2", title="Technical validation (InfoSec)", side=Side.BUYER, lead_bd=10),
        ms("m3", title="Legal contract redlines", side=Side.JOINT, lead_bd=10),
        ms("m4", title="Final signature", side=Side.BUYER, kind=Kind.SIGNATURE, lead_bd=3),
        ms("m5", title="Kickoff & onboarding", side=Side.SELLER, lead_bd=5),
        ms("m6", title="Go-live", side=Side.JOINT, kind=Kind.GO_LIVE, lead_bd=10),
        go_live="2027-01-15",
        **fields,
    )


# A plan on which no risk fires when computed on HEALTHY_TODAY: eight steps in a chain,
# five business days apart, go-live on Wed 2026-12-23. Targets (US holidays):
#   m1 2026-11-02  m2 11-09  m3 11-17  m4 11-24  m5 12-02  m6 12-09  m7 12-16  m8 12-23
HEALTHY_TODAY = D("2026-11-02")


def healthy_plan() -> Plan:
    return make_plan(
        ms("m1", title="Success criteria", side=Side.BUYER, owner=DANA,
           category=Category.COMMERCIAL),
        ms("m2", title="Technical deep-dive", side=Side.SELLER, category=Category.TECHNICAL),
        ms("m3", title="Security review", side=Side.BUYER, owner=PRIYA,
           category=Category.SECURITY),
        ms("m4", title="Order form", side=Side.SELLER, category=Category.COMMERCIAL),
        ms("m5", title="Legal review", side=Side.BUYER, owner=PRIYA, category=Category.LEGAL),
        ms("m6", title="Signature", side=Side.JOINT, owner=DANA, kind=Kind.SIGNATURE),
        ms("m7", title="Kickoff", side=Side.SELLER, category=Category.IMPLEMENTATION),
        ms("m8", title="Go-live", side=Side.JOINT, kind=Kind.GO_LIVE, category=Category.GO_LIVE),
        go_live="2026-12-23",
        account="Acme Corp",
        created_on=D("2026-10-30"),
        shared_on=D("2026-10-30"),
        last_edit_on=D("2026-11-01"),
        last_buyer_edit_on=D("2026-10-31"),
        known_owners=(DANA, PRIYA, SAM),
    )  # fmt: skip


def done(**fields: Any) -> dict[str, Any]:
    """Changes that mark a milestone Done (optionally with completed_on)."""
    return {"status": Status.DONE, **fields}


# A history so long and so punctual that it outweighs the priors: every step takes its lead
# (to within 1%). Rule tests use it so that the forecast (SLIP_LIKELY, the score) stays out
# of their way.
ON_PLAN = Calibration(
    plans=10_000,
    ratios=tuple(
        RatioStats(category=c, side=s, n=100_000, median=1.0, p80=1.0, mean_log=0.0,
                   sd_log=0.01)
        for c in Category
        for s in Side
    ),
    buyer_pace=BuyerPace(plans=100_000, var_log=0.0),
)  # fmt: skip
