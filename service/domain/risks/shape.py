"""Rules about the plan's shape: balance between the sides, size, deliverables."""

from __future__ import annotations

from service.domain.model import Risk, RiskCode, Side
from service.domain.risks.common import it_each, make_risk, names, open_rows, side_of
from service.domain.schedule import Schedule
from service.domain.wording import has_have


def unbalanced_plan(s: Schedule) -> Risk | None:
    sides = [side_of(s, i) for i in s.graph.active]
    if not sides:
        return None
    share = (sides.count(Side.BUYER) + 0.5 * sides.count(Side.JOINT)) / len(sides)
    if 0.30 <= share <= 0.70:
        return None
    percent = round(share * 100)
    if share < 0.30:
        return make_risk(
            s, RiskCode.UNBALANCED_PLAN, [],
            f"Only {percent}% of the plan is the buyer's work: add the buyer's own steps "
            "(security review, legal, procurement, budget) so they commit to the plan too.",
            mutual=f"Only {percent}% of the plan is the buyer's steps.",
        )  # fmt: skip
    return make_risk(
        s, RiskCode.UNBALANCED_PLAN, [],
        f"{percent}% of the plan is the buyer's work: add the steps we commit to, so the buyer "
        "sees what they get in return.",
        mutual=f"{percent}% of the plan is the buyer's steps; few are the seller's.",
    )  # fmt: skip


def plan_size(s: Schedule) -> Risk | None:
    count = len(s.graph.active)
    if 6 <= count <= 20:
        return None
    if count < 6:
        return make_risk(
            s, RiskCode.PLAN_SIZE, [],
            f"The plan has only {count} step{'' if count == 1 else 's'}: add the buyer's approval "
            "steps (security, legal, procurement, signature) so none of them surprises you; 8 to "
            "15 steps works best.",
            mutual=f"The plan has only {count} step{'' if count == 1 else 's'}.",
        )  # fmt: skip
    return make_risk(
        s, RiskCode.PLAN_SIZE, [],
        f"The plan has {count} steps, more than a buyer will follow: merge the small ones; 8 to "
        "15 steps works best.",
        mutual=f"The plan has {count} steps.",
    )  # fmt: skip


def vague_deliverable(s: Schedule) -> Risk | None:
    found = [i for i in open_rows(s) if not s.graph.milestones[i].deliverable.strip()]
    if not found:
        return None
    return make_risk(
        s, RiskCode.VAGUE_DELIVERABLE, found,
        f"{names(s, found)} {has_have(found)} no deliverable: write down what "
        f"{it_each(found)} produces, such as a signed DPA or an approved security questionnaire.",
        mutual=f"{names(s, found)} {has_have(found)} no deliverable written down yet.",
    )  # fmt: skip
