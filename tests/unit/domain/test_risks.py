"""The plan-level risks: each fires when its rule holds, and only then.

Every test starts from ``healthy_plan()``, on which no risk fires, and changes one thing.
Plans are computed with ``ON_PLAN`` (steps take their leads), so that the forecast's
SLIP_LIKELY stays out of the way of the rules; SLIP_LIKELY has its own tests.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest

from service.domain import Category, HistoryEntry, Kind, Plan, Risk, Side, Status, compute
from service.templates import load_template
from tests.unit.domain.builders import (
    DANA,
    HEALTHY_TODAY,
    ON_PLAN,
    SAM,
    D,
    done,
    healthy_plan,
    make_plan,
    ms,
    with_milestone,
)

# Targets of healthy_plan(): m1 11-02, m2 11-09, m3 11-17, m4 11-24, m5 12-02, m6 12-09
# (signature), m7 12-16, m8 12-23 (go-live). Buyer: m1, m3, m5; joint: m6, m8.


def risks(plan: Plan, today: date = HEALTHY_TODAY) -> dict[str, Risk]:
    found = compute(plan, today, ON_PLAN).risks
    assert len({r.code for r in found}) == len(found), "one risk per code"
    return {r.code: r for r in found}


def changed(plan: Plan, **fields: Any) -> Plan:
    return dataclasses.replace(plan, **fields)


def test_the_healthy_plan_has_no_risks_and_full_health() -> None:
    computed = compute(healthy_plan(), HEALTHY_TODAY, ON_PLAN)
    assert computed.risks == ()
    assert (computed.health.score, computed.health.label) == (100, "Healthy")


def test_every_risk_says_what_is_wrong_and_what_to_do() -> None:
    plan = changed(
        with_milestone(healthy_plan(), "m3", owner="security@acme.com", deliverable=""),
        history=(HistoryEntry(on=D("2026-10-01"), field="go_live"),) * 2,
    )
    found = compute(plan, D("2026-12-01")).risks
    assert len(found) >= 5
    for risk in found:
        assert risk.message[0].isupper() or risk.message[0] == '"'
        assert risk.message.endswith(".")
        assert ": " in risk.message  # the problem, then what to do
        assert "\n" not in risk.message


def test_risks_are_listed_most_severe_first() -> None:
    plan = with_milestone(healthy_plan(), "m3", owner="", deliverable="")
    severities = [r.severity for r in compute(plan, D("2026-11-20")).risks]
    order = {"high": 0, "medium": 1, "low": 2}
    assert severities == sorted(severities, key=order.__getitem__)
    assert severities[0] == "high" and severities[-1] == "low"


# -- GO_LIVE_SLIP ---------------------------------------------------------------------


def test_go_live_slip_fires_when_go_live_is_projected_late_and_names_the_origin() -> None:
    risk = risks(healthy_plan(), D("2026-11-04"))["GO_LIVE_SLIP"]  # m1 due 11-02, still open
    assert risk.severity == "high"
    assert risk.milestones == ("m1",)
    assert risk.message.startswith(
        '"Success criteria" is 2 business days overdue and pushes go-live to 28 Dec 2026, '
        "2 business days after the committed 23 Dec 2026: "
    )
    assert "Dana Lee" in risk.message  # who to ask for a date


def test_the_origin_of_a_slip_can_be_a_step_completed_late() -> None:
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-05")))
    risk = risks(plan, D("2026-11-06"))["GO_LIVE_SLIP"]
    assert risk.milestones == ("m1",)
    assert risk.message.startswith(
        '"Success criteria" was done on 5 Nov 2026, 3 business days late, and pushes go-live'
    )


def test_the_origin_of_a_slip_is_where_the_chain_starts_not_the_last_late_step() -> None:
    # m1 done on time, m3 (security) overdue: m4..m8 are late because of m3 alone.
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-02")))
    plan = with_milestone(plan, "m2", **done(completed_on=D("2026-11-09")))
    risk = risks(plan, D("2026-11-20"))["GO_LIVE_SLIP"]
    assert risk.milestones == ("m3",)
    assert risk.message.startswith('"Security review" is 3 business days overdue')


def test_the_origin_of_a_slip_can_be_a_pin_later_than_its_latest_date() -> None:
    plan = with_milestone(healthy_plan(), "m4", due=D("2026-11-27"))  # latest 11-24
    risk = risks(plan)["GO_LIVE_SLIP"]
    assert risk.milestones == ("m4",)
    assert risk.message.startswith(
        '"Order form" is pinned to 27 Nov 2026, after 24 Nov 2026, the latest date that keeps '
        "the go-live, and pushes go-live to"
    )
    assert "move it to 24 Nov 2026 or earlier" in risk.message


def test_a_signature_pinned_after_its_latest_date_is_the_origin_not_the_seller_step_after_it() -> (
    None
):
    # The reported case: the slip was blamed on "Kickoff and project plan" (seller), the
    # first step whose target it misses, when the buyer's signature was pinned too late.
    fields = {
        "account": "Acme", "outcome": "Faster onboarding", "go_live": D("2027-03-31"),
        "buyers": [("Dana Lee", "dana@acme.com")], "seller_owner": SAM,
        "created_on": D("2026-11-02"),
    }  # fmt: skip
    template = load_template("enterprise")
    unpinned = compute(template.to_plan(**fields), D("2026-11-02"))  # type: ignore[arg-type]
    signature = next(m for m in template.to_plan(**fields).milestones if m.kind is Kind.SIGNATURE)  # type: ignore[arg-type]
    latest = next(c.target for c in unpinned.milestones if c.id == signature.id)
    assert latest == D("2027-02-09")
    plan = template.to_plan(**fields, signature_date=D("2027-02-22"))  # type: ignore[arg-type]
    risk = risks(plan, D("2026-11-02"))["GO_LIVE_SLIP"]
    assert risk.milestones == (signature.id,)
    assert '"Contract signature" is pinned to 22 Feb 2027, after 9 Feb 2027' in risk.message
    assert "Kickoff" not in risk.message


def test_go_live_itself_overdue_is_its_own_origin() -> None:
    plan = healthy_plan()
    for m in plan.milestones[:-1]:
        plan = with_milestone(plan, m.id, **done(completed_on=D("2026-12-01")))
    risk = risks(plan, D("2026-12-28"))["GO_LIVE_SLIP"]
    assert risk.milestones == ("m8",)
    assert risk.message.startswith('Go-live ("Go-live") is 2 business days overdue: ')


def test_go_live_slip_does_not_fire_while_the_plan_is_on_schedule() -> None:
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-02")))
    assert "GO_LIVE_SLIP" not in risks(plan, D("2026-11-04"))


# -- QUARTER_SLIP ----------------------------------------------------------------------


def test_quarter_slip_fires_when_the_signature_moves_into_the_next_quarter() -> None:
    # Nothing done by 12-01: the signature (target 12-09) is projected for 2027-01-07.
    risk = risks(healthy_plan(), D("2026-12-01"))["QUARTER_SLIP"]
    assert risk.severity == "high" and risk.milestones == ("m6",)
    assert "7 Jan 2027" in risk.message


def test_quarter_slip_follows_the_fiscal_quarters_of_the_plan() -> None:
    # Quarters beginning in December: Dec-Feb is one quarter, so no slip across it.
    plan = changed(healthy_plan(), quarter_start_month=12)
    assert "QUARTER_SLIP" not in risks(plan, D("2026-12-01"))


def test_quarter_slip_does_not_fire_for_a_signature_already_done() -> None:
    plan = with_milestone(healthy_plan(), "m6", **done())
    assert "QUARTER_SLIP" not in risks(plan, D("2026-12-01"))


# -- BUYER_MISSED_CONSECUTIVE ---------------------------------------------------------


def test_two_missed_buyer_steps_next_to_each_other_fire() -> None:
    plan = with_milestone(healthy_plan(), "m2", side=Side.BUYER)
    risk = risks(plan, D("2026-11-12"))["BUYER_MISSED_CONSECUTIVE"]
    assert risk.severity == "high" and risk.milestones == ("m1", "m2")


def test_missed_buyer_steps_with_a_seller_step_between_fire() -> None:
    # m1 and m3 are the buyer's first two steps; m2 (seller) between them does not count.
    risk = risks(healthy_plan(), D("2026-11-19"))["BUYER_MISSED_CONSECUTIVE"]
    assert risk.milestones == ("m1", "m3")


def test_a_buyer_step_kept_between_two_missed_ones_breaks_the_run() -> None:
    # m1 and m5 (buyer) overdue on 12-03, m3 (buyer) done on its 11-17 target between them.
    plan = with_milestone(healthy_plan(), "m3", **done(completed_on=D("2026-11-17")))
    assert "BUYER_MISSED_CONSECUTIVE" not in risks(plan, D("2026-12-03"))


def test_joint_steps_are_not_the_buyers_own() -> None:
    # m6 (joint) and m8 (joint) overdue, m5 (buyer) done on time: no run of the buyer's.
    plan = healthy_plan()
    for mid in ("m1", "m2", "m3", "m4", "m5"):
        plan = with_milestone(plan, mid, **done())
    assert "BUYER_MISSED_CONSECUTIVE" not in risks(plan, D("2026-12-28"))


def test_na_rows_do_not_separate_missed_buyer_steps() -> None:
    plan = with_milestone(healthy_plan(), "m2", status=Status.NOT_APPLICABLE)
    risk = risks(plan, D("2026-11-19"))["BUYER_MISSED_CONSECUTIVE"]
    assert risk.milestones == ("m1", "m3")


def test_a_buyer_step_finished_late_counts_as_missed_and_on_time_does_not() -> None:
    plan = with_milestone(healthy_plan(), "m2", side=Side.BUYER)
    late = with_milestone(plan, "m1", **done(completed_on=D("2026-11-05")))
    assert "BUYER_MISSED_CONSECUTIVE" in risks(late, D("2026-11-12"))
    on_time = with_milestone(plan, "m1", **done(completed_on=D("2026-11-02")))
    assert "BUYER_MISSED_CONSECUTIVE" not in risks(on_time, D("2026-11-12"))


# -- ONLY_SELLER_PROGRESS --------------------------------------------------------------


def _seller_steps_done(plan: Plan) -> Plan:
    plan = with_milestone(plan, "m2", **done(completed_on=D("2026-11-09")))
    return with_milestone(plan, "m4", **done(completed_on=D("2026-11-24")))


def test_only_seller_progress_fires_when_we_move_and_the_buyer_is_overdue() -> None:
    risk = risks(_seller_steps_done(healthy_plan()), D("2026-11-25"))["ONLY_SELLER_PROGRESS"]
    assert risk.severity == "high"
    assert risk.milestones == ("m1", "m3")  # the buyer's overdue steps


def test_only_seller_progress_does_not_fire_once_the_buyer_has_done_a_step() -> None:
    plan = with_milestone(_seller_steps_done(healthy_plan()), "m1", **done())
    assert "ONLY_SELLER_PROGRESS" not in risks(plan, D("2026-11-25"))


def test_only_seller_progress_needs_two_seller_steps_done() -> None:
    plan = with_milestone(healthy_plan(), "m2", **done(completed_on=D("2026-11-09")))
    assert "ONLY_SELLER_PROGRESS" not in risks(plan, D("2026-11-25"))


# -- CLOSE_DATE_MOVED ------------------------------------------------------------------


def _moves(*entries: tuple[str, str]) -> tuple[HistoryEntry, ...]:
    return tuple(
        HistoryEntry(on=D("2026-10-31"), field=field, old="2026-12-16", new="2026-12-23",
                     reason=reason)
        for field, reason in entries
    )  # fmt: skip


def test_close_date_moved_fires_after_two_unexplained_moves() -> None:
    plan = changed(healthy_plan(), history=_moves(("go_live", ""), ("signature", " ")))
    risk = risks(plan)["CLOSE_DATE_MOVED"]
    assert risk.severity == "high"
    assert risk.milestones == ("m6", "m8")
    assert "2 times" in risk.message


def test_close_date_moved_does_not_fire_when_moves_are_explained() -> None:
    plan = changed(
        healthy_plan(),
        history=_moves(("go_live", ""), ("go_live", "Buyer's board meets later")),
    )
    assert "CLOSE_DATE_MOVED" not in risks(plan)


def test_close_date_moved_ignores_other_fields() -> None:
    plan = changed(healthy_plan(), history=_moves(("m3.due", ""), ("owner", "")))
    assert "CLOSE_DATE_MOVED" not in risks(plan)


# -- MISSING_STAKEHOLDER ---------------------------------------------------------------


def test_missing_stakeholder_fires_for_security_legal_or_procurement_without_a_person() -> None:
    plan = with_milestone(healthy_plan(), "m3", owner="security@acme.com")
    plan = with_milestone(plan, "m5", owner="")
    risk = risks(plan)["MISSING_STAKEHOLDER"]
    assert risk.severity == "high" and risk.milestones == ("m3", "m5")
    assert '"Security review"' in risk.message


def test_missing_stakeholder_does_not_fire_for_other_steps_or_done_ones() -> None:
    plan = with_milestone(healthy_plan(), "m2", owner="Acme IT team")  # technical
    plan = with_milestone(plan, "m3", owner="security@acme.com", **done())
    assert "MISSING_STAKEHOLDER" not in risks(plan)


# -- DATE_CONFLICT ---------------------------------------------------------------------


def test_date_conflict_fires_for_a_pin_after_the_latest_date() -> None:
    plan = with_milestone(healthy_plan(), "m4", due=D("2026-11-25"))  # latest 11-24
    risk = risks(plan)["DATE_CONFLICT"]
    assert risk.severity == "medium" and risk.milestones == ("m4",)


def test_date_conflict_does_not_fire_for_an_earlier_pin() -> None:
    plan = with_milestone(healthy_plan(), "m4", due=D("2026-11-20"))
    assert "DATE_CONFLICT" not in risks(plan)


# -- NEW_STAKEHOLDER -------------------------------------------------------------------


def test_new_stakeholder_fires_for_an_unknown_owner_a_week_after_creation() -> None:
    plan = with_milestone(healthy_plan(), "m3", owner="Lee Kim <lee@acme.com>")
    risk = risks(plan, D("2026-11-07"))["NEW_STAKEHOLDER"]  # created 10-30: 8 days
    assert risk.severity == "medium" and risk.milestones == ("m3",)
    assert "Lee Kim <lee@acme.com>" in risk.message


def test_new_stakeholder_waits_until_more_than_seven_days_after_creation() -> None:
    plan = with_milestone(healthy_plan(), "m3", owner="Lee Kim <lee@acme.com>")
    assert "NEW_STAKEHOLDER" not in risks(plan, D("2026-11-06"))


def test_new_stakeholder_compares_owners_by_email() -> None:
    plan = with_milestone(healthy_plan(), "m3", owner="D. Lee <DANA@acme.com>")
    assert "NEW_STAKEHOLDER" not in risks(plan, D("2026-11-07"))


def test_new_stakeholder_needs_the_known_owners() -> None:
    plan = with_milestone(healthy_plan(), "m3", owner="Lee Kim <lee@acme.com>")
    assert "NEW_STAKEHOLDER" not in risks(changed(plan, known_owners=None), D("2026-11-07"))


# -- TEAM_OWNER and NO_OWNER -----------------------------------------------------------


def test_team_owner_fires_for_a_team_or_shared_inbox() -> None:
    plan = with_milestone(healthy_plan(), "m2", owner="sales@vendor.com")
    plan = with_milestone(plan, "m7", owner="Customer Success")
    risk = risks(plan)["TEAM_OWNER"]
    assert risk.severity == "medium" and risk.milestones == ("m2", "m7")


def test_team_owner_does_not_fire_for_done_steps_or_empty_owners() -> None:
    plan = with_milestone(healthy_plan(), "m2", owner="sales@vendor.com", **done())
    plan = with_milestone(plan, "m7", owner="")
    assert "TEAM_OWNER" not in risks(plan)


def test_no_owner_fires_for_an_open_step_without_owner() -> None:
    risk = risks(with_milestone(healthy_plan(), "m4", owner="  "))["NO_OWNER"]
    assert risk.severity == "medium" and risk.milestones == ("m4",)


def test_no_owner_does_not_fire_for_na_steps() -> None:
    plan = with_milestone(healthy_plan(), "m4", owner="", status=Status.NOT_APPLICABLE)
    assert "NO_OWNER" not in risks(plan)


# -- UNBALANCED_PLAN -------------------------------------------------------------------


def test_unbalanced_plan_fires_when_the_buyer_has_too_little_to_do() -> None:
    plan = with_milestone(healthy_plan(), "m1", side=Side.SELLER)
    plan = with_milestone(plan, "m3", side=Side.SELLER)  # buyer share (1 + 2/2) / 8 = 25%
    risk = risks(plan)["UNBALANCED_PLAN"]
    assert risk.severity == "medium" and risk.milestones == ()
    assert "25%" in risk.message


def test_unbalanced_plan_fires_when_the_buyer_has_too_much_to_do() -> None:
    plan = healthy_plan()
    for mid in ("m2", "m4", "m7"):
        plan = with_milestone(plan, mid, side=Side.BUYER)  # (6 + 1) / 8 = 88%
    assert "88%" in risks(plan)["UNBALANCED_PLAN"].message


def test_unbalanced_plan_does_not_fire_at_thirty_percent() -> None:
    plan = make_plan(
        *[ms(f"m{i}", side=Side.BUYER if i <= 3 else Side.SELLER) for i in range(1, 11)]
    )
    assert "UNBALANCED_PLAN" not in risks(plan)


def test_unbalanced_plan_leaves_na_steps_out() -> None:
    plan = with_milestone(healthy_plan(), "m1", side=Side.SELLER)
    plan = with_milestone(plan, "m3", side=Side.SELLER)  # (1 + 1) / 8 = 25%
    plan = with_milestone(plan, "m2", status=Status.NOT_APPLICABLE)
    plan = with_milestone(plan, "m4", status=Status.NOT_APPLICABLE)  # (1 + 1) / 6 = 33%
    assert "UNBALANCED_PLAN" not in risks(plan)


# -- STALE_PLAN ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(13, None), (14, "medium"), (20, "medium"), (21, "high")]
)
def test_stale_plan_counts_days_since_the_last_touch(days: int, severity: str | None) -> None:
    plan = healthy_plan()  # last touched 2026-11-01 (last edit)
    found = risks(plan, D("2026-11-01") + timedelta(days=days)).get("STALE_PLAN")
    assert (found.severity if found else None) == severity


def test_stale_plan_names_the_last_touch_so_its_words_do_not_change_by_the_day() -> None:
    plan = healthy_plan()  # last touched 2026-11-01
    first = risks(plan, D("2026-11-16"))["STALE_PLAN"]
    assert first.message.startswith("No edit since 1 Nov 2026")
    assert first.mutual == "No edit since 1 Nov 2026."
    assert risks(plan, D("2026-11-17"))["STALE_PLAN"] == first


def test_a_review_counts_as_a_touch() -> None:
    plan = changed(healthy_plan(), last_reviewed_on=D("2026-11-20"))
    assert "STALE_PLAN" not in risks(plan, D("2026-11-25"))


# -- NO_NEXT_STEP ----------------------------------------------------------------------


def test_no_next_step_fires_when_nothing_is_due_in_ten_business_days() -> None:
    risk = risks(healthy_plan(), D("2026-10-16"))["NO_NEXT_STEP"]  # horizon 10-30
    assert risk.severity == "medium"


def test_no_next_step_does_not_fire_when_a_step_is_due_on_the_tenth_business_day() -> None:
    assert "NO_NEXT_STEP" not in risks(healthy_plan(), D("2026-10-19"))  # horizon 11-02


def test_a_step_in_progress_is_a_next_step() -> None:
    plan = with_milestone(healthy_plan(), "m3", status=Status.IN_PROGRESS)
    assert "NO_NEXT_STEP" not in risks(plan, D("2026-10-16"))


def test_no_next_step_does_not_fire_when_everything_is_done() -> None:
    plan = healthy_plan()
    for m in plan.milestones:
        plan = with_milestone(plan, m.id, **done())
    assert "NO_NEXT_STEP" not in risks(plan, D("2026-10-16"))


# -- BUYER_NOT_ENGAGED -----------------------------------------------------------------


def test_buyer_not_engaged_fires_ten_days_after_sharing_without_a_buyer_edit() -> None:
    plan = changed(healthy_plan(), last_buyer_edit_on=None)
    risk = risks(plan, D("2026-11-09"))["BUYER_NOT_ENGAGED"]  # shared 10-30
    assert risk.severity == "medium" and "since you shared it on 30 Oct 2026" in risk.message
    # Worded by the date: the next day's risk reads the same.
    assert risks(plan, D("2026-11-10"))["BUYER_NOT_ENGAGED"] == risk


def test_buyer_not_engaged_waits_ten_days() -> None:
    plan = changed(healthy_plan(), last_buyer_edit_on=None)
    assert "BUYER_NOT_ENGAGED" not in risks(plan, D("2026-11-08"))


def test_a_buyer_edit_before_sharing_does_not_count() -> None:
    plan = changed(healthy_plan(), last_buyer_edit_on=D("2026-10-29"))
    assert "BUYER_NOT_ENGAGED" in risks(plan, D("2026-11-09"))
    assert "BUYER_NOT_ENGAGED" not in risks(healthy_plan(), D("2026-11-09"))


# -- PLAN_SIZE -------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "fires"), [(5, True), (6, False), (20, False), (21, True)])
def test_plan_size_fires_outside_six_to_twenty_steps(count: int, fires: bool) -> None:
    sides = [Side.BUYER, Side.SELLER]
    plan = make_plan(*[ms(f"m{i}", side=sides[i % 2], lead_bd=1) for i in range(count)])
    found = risks(plan).get("PLAN_SIZE")
    assert (found is not None) is fires
    if found:
        assert found.severity == "low"


def test_plan_size_leaves_na_steps_out() -> None:
    plan = with_milestone(healthy_plan(), "m2", status=Status.NOT_APPLICABLE)
    plan = with_milestone(plan, "m4", status=Status.NOT_APPLICABLE)
    plan = with_milestone(plan, "m7", status=Status.NOT_APPLICABLE)
    assert "5 steps" in risks(plan)["PLAN_SIZE"].message


# -- VAGUE_DELIVERABLE -----------------------------------------------------------------


def test_vague_deliverable_fires_for_an_open_step_without_deliverable() -> None:
    risk = risks(with_milestone(healthy_plan(), "m5", deliverable=""))["VAGUE_DELIVERABLE"]
    assert risk.severity == "low" and risk.milestones == ("m5",)


def test_vague_deliverable_does_not_fire_for_done_steps() -> None:
    plan = with_milestone(healthy_plan(), "m1", deliverable="", **done())
    assert "VAGUE_DELIVERABLE" not in risks(plan)


def test_all_sixteen_rule_codes_can_fire_at_once_and_the_deal_is_at_risk() -> None:
    # Go-live 2026-12-31 with 15 business days of lead: everything before it is targeted
    # by 12-09, so on 12-15 every open step is overdue and nothing is due in 10 days.
    fillers = [ms(f"f{i}", lead_bd=1) for i in range(14)]
    plan = make_plan(
        ms("s1", **done(completed_on=D("2026-10-01"))),
        ms("s2", **done(completed_on=D("2026-10-02"))),
        ms("b1", side=Side.BUYER, owner="legal@acme.com", category=Category.LEGAL),
        ms("b2", side=Side.BUYER, owner="", deliverable=""),
        *fillers,
        ms("pinned", due=D("2027-06-01")),  # nothing needs it: latest is go-live, 12-31
        ms(
            "sig",
            side=Side.BUYER,
            owner="New Person <new@acme.com>",
            kind=Kind.SIGNATURE,
            depends_on=("f13",),
        ),
        ms("go", kind=Kind.GO_LIVE, lead_bd=15),
        go_live="2026-12-31",
        created_on=D("2026-09-01"),
        shared_on=D("2026-09-02"),
        known_owners=(DANA,),
        history=_moves(("go_live", ""), ("go_live", "")),
    )
    assert len(plan.milestones) == 21
    found = risks(plan, D("2026-12-15"))
    expected = {
        "GO_LIVE_SLIP", "QUARTER_SLIP", "BUYER_MISSED_CONSECUTIVE", "ONLY_SELLER_PROGRESS",
        "CLOSE_DATE_MOVED", "MISSING_STAKEHOLDER", "DATE_CONFLICT", "NEW_STAKEHOLDER",
        "TEAM_OWNER", "NO_OWNER", "UNBALANCED_PLAN", "STALE_PLAN", "NO_NEXT_STEP",
        "BUYER_NOT_ENGAGED", "PLAN_SIZE", "VAGUE_DELIVERABLE",
    }  # fmt: skip
    assert set(found) == expected
    health = compute(plan, D("2026-12-15"), ON_PLAN).health
    assert (health.score, health.label) == (0, "At risk")


# -- SLIP_LIKELY (the forecast) ----------------------------------------------------------


def test_slip_likely_fires_when_the_signature_is_more_likely_than_not_to_miss_its_quarter() -> None:
    # The healthy plan allows five business days each for a security and a legal review;
    # the priors expect three weeks and two, so the 9 Dec signature probably slips past
    # 31 Dec, though every step on its lead would make it.
    computed = compute(healthy_plan(), HEALTHY_TODAY)
    signature = computed.forecast.signature
    assert signature is not None and signature.p_in_quarter < 0.5
    found = {r.code: r for r in computed.risks}
    assert "QUARTER_SLIP" not in found
    risk = found["SLIP_LIKELY"]
    assert (risk.severity, risk.milestones) == ("high", ("m6",))
    percent = round(signature.p_in_quarter * 100)
    assert risk.message.startswith(
        f'The signature ("Signature") has only a {percent}% chance of landing by 31 Dec 2026'
    )
    assert '"Security review"' in risk.message  # what holds it up


def test_slip_likely_gives_way_to_quarter_slip() -> None:
    computed = compute(healthy_plan(), D("2026-12-01"))
    codes = {r.code for r in computed.risks}
    assert computed.forecast.signature is not None
    assert computed.forecast.signature.p_in_quarter < 0.5
    assert "QUARTER_SLIP" in codes and "SLIP_LIKELY" not in codes


def test_slip_likely_does_not_fire_when_the_signature_is_likely_to_land() -> None:
    computed = compute(healthy_plan(), HEALTHY_TODAY, ON_PLAN)
    assert computed.forecast.signature is not None
    assert computed.forecast.signature.p_in_quarter >= 0.5
    assert "SLIP_LIKELY" not in {r.code for r in computed.risks}


def test_slip_likely_does_not_fire_for_a_signature_already_done() -> None:
    plan = healthy_plan()
    for mid in ("m1", "m2", "m3", "m4", "m5"):
        plan = with_milestone(plan, mid, **done(completed_on=D("2026-12-01")))
    plan = with_milestone(plan, "m6", **done(completed_on=D("2027-01-05")))  # next quarter
    computed = compute(plan, D("2027-01-06"))
    assert computed.forecast.signature is not None
    assert computed.forecast.signature.p_in_quarter == 0.0
    assert "SLIP_LIKELY" not in {r.code for r in computed.risks}


def test_without_a_signature_milestone_there_is_no_signature_forecast() -> None:
    plan = with_milestone(healthy_plan(), "m6", kind=None)
    computed = compute(plan, HEALTHY_TODAY)
    assert computed.forecast.signature is None
    assert "SLIP_LIKELY" not in {r.code for r in computed.risks}
