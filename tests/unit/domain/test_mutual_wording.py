"""Every risk also reads in mutual words (``Risk.mutual``): the facts, with no advice to
either side, for the sheet both sides share. ``message`` stays the seller's."""

from __future__ import annotations

from service.domain import Category, Kind, Plan, Risk, Side, compute
from service.domain.risks import invalid_input_risk
from service.templates import load_template
from tests.unit.domain.builders import (
    DANA,
    HEALTHY_TODAY,
    SAM,
    D,
    done,
    healthy_plan,
    make_plan,
    ms,
    with_milestone,
)
from tests.unit.domain.test_risks import _moves, risks

# Words that tell someone what to do, or speak to the seller ("your champion").
ADVICE = (
    "agree", "ask ", "call ", "find out", "escalate", "write down", "record why", "brief",
    "walk ", "take the deal", "put ", "move it", "get a firm", "your", "add ", "merge",
    "confirm", "review it", "bring ", "correct them", "our side", "our steps",
)  # fmt: skip


def advice_in(text: str) -> list[str]:
    return [w for w in ADVICE if w in text.casefold()]


def every_rule_fires() -> Plan:
    """The plan of ``test_all_sixteen_rule_codes_can_fire_at_once...``, on 15 Dec 2026."""
    fillers = [ms(f"f{i}", lead_bd=1) for i in range(14)]
    return make_plan(
        ms("s1", **done(completed_on=D("2026-10-01"))),
        ms("s2", **done(completed_on=D("2026-10-02"))),
        ms("b1", side=Side.BUYER, owner="legal@acme.com", category=Category.LEGAL),
        ms("b2", side=Side.BUYER, owner="", deliverable=""),
        *fillers,
        ms("pinned", due=D("2027-06-01")),
        ms("sig", side=Side.BUYER, owner="New Person <new@acme.com>", kind=Kind.SIGNATURE,
           depends_on=("f13",)),
        ms("go", kind=Kind.GO_LIVE, lead_bd=15),
        go_live="2026-12-31",
        created_on=D("2026-09-01"),
        shared_on=D("2026-09-02"),
        known_owners=(DANA,),
        history=_moves(("go_live", ""), ("go_live", "")),
    )  # fmt: skip


def all_kinds_of_risk() -> list[Risk]:
    found = list(risks(every_rule_fires(), D("2026-12-15")).values())
    found += compute(healthy_plan(), HEALTHY_TODAY).risks  # SLIP_LIKELY
    found.append(invalid_input_risk(['Due of "DPA": "next week"']))
    slips = [
        (healthy_plan(), D("2026-11-04")),  # an overdue step
        (with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-05"))), None),
        (with_milestone(healthy_plan(), "m4", due=D("2026-11-27")), HEALTHY_TODAY),  # a pin
    ]
    for plan, today in slips:
        found.append(risks(plan, today or D("2026-11-06"))["GO_LIVE_SLIP"])
    return found


def test_every_risk_has_mutual_words_that_state_facts_and_give_no_advice() -> None:
    found = all_kinds_of_risk()
    assert {r.code for r in found} >= {"SLIP_LIKELY", "INVALID_INPUT", "CLOSE_DATE_MOVED"}
    for risk in found:
        assert risk.mutual, risk.code
        assert risk.mutual[0].isupper() or risk.mutual[0] in '"0123456789', risk.mutual
        assert risk.mutual.endswith("."), risk.mutual
        assert advice_in(risk.mutual) == [], (risk.code, risk.mutual)
        assert advice_in(risk.message), (risk.code, risk.message)  # the seller's advice


def test_mutual_words_are_not_in_the_contracts_output() -> None:
    risk = compute(healthy_plan(), D("2026-11-04")).to_json()["risks"][0]
    assert list(risk) == ["code", "severity", "message", "milestones"]


def test_a_slip_says_where_go_live_lands_and_why_in_mutual_words() -> None:
    overdue = risks(healthy_plan(), D("2026-11-04"))["GO_LIVE_SLIP"]
    assert overdue.mutual == (
        "Go-live projected 28 Dec 2026, 2 business days after the committed 23 Dec 2026: "
        '"Success criteria" is 2 business days overdue.'
    )
    pinned = risks(with_milestone(healthy_plan(), "m4", due=D("2026-11-27")))["GO_LIVE_SLIP"]
    assert pinned.mutual.endswith(
        '"Order form" is pinned to 27 Nov 2026, after its latest date, 24 Nov 2026.'
    )
    late = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-05")))
    assert risks(late, D("2026-11-06"))["GO_LIVE_SLIP"].mutual.endswith(
        '"Success criteria" was done on 5 Nov 2026, 3 business days late.'
    )


def test_a_signature_pinned_too_late_reads_as_the_reason_go_live_moves() -> None:
    fields = {
        "account": "Acme", "outcome": "Faster onboarding", "go_live": D("2027-03-31"),
        "buyers": [("Dana Lee", "dana@acme.com")], "seller_owner": SAM,
        "created_on": D("2026-11-02"),
    }  # fmt: skip
    plan = load_template("enterprise").to_plan(**fields, signature_date=D("2027-02-22"))  # type: ignore[arg-type]
    mutual = risks(plan, D("2026-11-02"))["GO_LIVE_SLIP"].mutual
    assert mutual.startswith("Go-live projected ")
    assert mutual.endswith(
        '"Contract signature" is pinned to 22 Feb 2027, after its latest date, 9 Feb 2027.'
    )
