"""Rules about people: who owns each step, and who has joined the deal."""

from __future__ import annotations

from service.domain.model import Category, Risk, RiskCode
from service.domain.owners import is_person, owner_key
from service.domain.risks.common import it_each, make_risk, names, open_rows
from service.domain.schedule import Schedule
from service.domain.wording import has_have, is_are

_STAKEHOLDER_CATEGORIES = (Category.SECURITY, Category.LEGAL, Category.PROCUREMENT)


def missing_stakeholder(s: Schedule) -> Risk | None:
    found = [
        i
        for i in open_rows(s)
        if s.graph.milestones[i].category in _STAKEHOLDER_CATEGORIES
        and not is_person(s.graph.milestones[i].owner)
    ]
    if not found:
        return None
    return make_risk(
        s, RiskCode.MISSING_STAKEHOLDER, found,
        f"No named person owns {names(s, found)}: find out who will sign off and put that "
        "person's name and email in the Owner column.",
        mutual=f"No named person owns {names(s, found)} yet.",
    )  # fmt: skip


def new_stakeholder(s: Schedule) -> Risk | None:
    plan = s.plan
    if plan.known_owners is None or plan.created_on is None:
        return None
    if (s.today - plan.created_on).days <= 7:
        return None
    known = {owner_key(o) for o in plan.known_owners}
    milestones = s.graph.milestones
    found = [
        i for i, m in enumerate(milestones) if m.owner.strip() and owner_key(m.owner) not in known
    ]
    if not found:
        return None
    owners = list(dict.fromkeys(milestones[i].owner.strip() for i in found))
    named = ", ".join(owners[:3]) + (f" and {len(owners) - 3} more" if len(owners) > 3 else "")
    return make_risk(
        s, RiskCode.NEW_STAKEHOLDER, found,
        f"New on the plan: {named}. Find out what role they play in the decision and brief "
        "them on the plan.",
        mutual=f"New on the plan: {named}.",
    )  # fmt: skip


def team_owner(s: Schedule) -> Risk | None:
    milestones = s.graph.milestones
    found = [
        i
        for i in open_rows(s)
        if milestones[i].owner.strip() and not is_person(milestones[i].owner)
    ]
    if not found:
        return None
    return make_risk(
        s, RiskCode.TEAM_OWNER, found,
        f"{names(s, found)} {is_are(found)} owned by a team, a role or a shared inbox: ask "
        f"for the name and email of the one person who will drive {it_each(found)}.",
        mutual=f"{names(s, found)} {is_are(found)} owned by a team, a role or a shared inbox, "
        "not one named person.",
    )  # fmt: skip


def no_owner(s: Schedule) -> Risk | None:
    found = [i for i in open_rows(s) if not s.graph.milestones[i].owner.strip()]
    if not found:
        return None
    return make_risk(
        s, RiskCode.NO_OWNER, found,
        f"{names(s, found)} {has_have(found)} no owner: agree who owns {it_each(found)} and "
        "put their name and email in the Owner column.",
        mutual=f"{names(s, found)} {has_have(found)} no owner yet.",
    )  # fmt: skip
