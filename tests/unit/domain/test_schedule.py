"""Back-scheduling: targets from the go-live date, pins, N/A bridging, after go-live."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain import Kind, Plan, PlanInputError, Side, Status, compute
from tests.unit.domain.builders import D, make_plan, ms, six_step_plan, with_milestone

TODAY = D("2026-11-02")


def targets(plan: Plan, today: date = TODAY) -> dict[str, str | None]:
    return {
        m.id: None if m.target is None else m.target.isoformat()
        for m in compute(plan, today).milestones
    }


def risk_codes(plan: Plan, today: date = TODAY) -> set[str]:
    return {r.code for r in compute(plan, today).risks}


def test_the_six_step_plan_worked_by_hand_for_a_go_live_on_15_january_2027() -> None:
    # US holidays on the way: Thanksgiving Thu 2026-11-26, Christmas Fri 2026-12-25,
    # New Year's Day Fri 2027-01-01. Each target is its successor's target less the
    # successor's lead_bd business days.
    assert targets(six_step_plan()) == {
        # m6 go-live: Fri 2027-01-15 is a business day.
        "m6": "2027-01-15",
        # m5 = 01-15 less 10 (m6): 14 13 12 11 8 7 6 5 4 (1 Jan off) Thu 12-31.
        "m5": "2026-12-31",
        # m4 = 12-31 less 5 (m5): 30 29 28 (25 Christmas off) 24 Wed 23.
        "m4": "2026-12-23",
        # m3 = 12-23 less 3 (m4): 22 21 Fri 18.
        "m3": "2026-12-18",
        # m2 = 12-18 less 10 (m3): 17 16 15 14 11 10 9 8 7 Fri 4.
        "m2": "2026-12-04",
        # m1 = 12-04 less 10 (m2): 3 2 1, 11-30 27 (26 Thanksgiving off) 25 24 23 20 Thu 19.
        "m1": "2026-11-19",
    }


def test_go_live_on_a_weekend_is_targeted_on_the_business_day_before() -> None:
    plan = make_plan(ms("a", lead_bd=1), ms("b", lead_bd=2), go_live="2027-01-17")  # Sunday
    assert targets(plan) == {"b": "2027-01-15", "a": "2027-01-13"}


def test_a_due_date_on_the_go_live_milestone_is_ignored() -> None:
    plan = with_milestone(six_step_plan(), "m6", due=D("2027-02-01"))
    assert targets(plan)["m6"] == "2027-01-15"
    assert "DATE_CONFLICT" not in risk_codes(plan)


def test_a_pin_sets_the_target_and_its_predecessors_schedule_from_it() -> None:
    plan = with_milestone(six_step_plan(), "m3", due=D("2026-12-11"))
    result = targets(plan)
    assert result["m3"] == "2026-12-11"
    assert result["m2"] == "2026-11-27"  # 12-11 less 10 business days (Thanksgiving off)
    assert result["m4"] == "2026-12-23"  # successors keep their own dates
    assert "DATE_CONFLICT" not in risk_codes(plan)


def test_a_pin_on_a_day_off_moves_to_the_next_business_day() -> None:
    plan = with_milestone(six_step_plan(), "m3", due=D("2026-11-26"))  # Thanksgiving
    assert targets(plan)["m3"] == "2026-11-27"


def test_a_pin_later_than_the_latest_date_is_a_date_conflict() -> None:
    plan = with_milestone(six_step_plan(), "m3", due=D("2026-12-21"))  # latest is 12-18
    assert targets(plan)["m3"] == "2026-12-21"
    risk = next(r for r in compute(plan, TODAY).risks if r.code == "DATE_CONFLICT")
    assert risk.severity == "medium"
    assert risk.milestones == ("m3",)
    assert "18 Dec 2026" in risk.message and "Legal contract redlines" in risk.message


def test_a_pin_on_the_latest_date_is_not_a_conflict_but_the_next_business_day_is() -> None:
    plan = with_milestone(six_step_plan(), "m3", due=D("2026-12-19"))  # Sat -> Mon 12-21
    assert "DATE_CONFLICT" in risk_codes(plan)
    plan = with_milestone(six_step_plan(), "m3", due=D("2026-12-18"))
    assert "DATE_CONFLICT" not in risk_codes(plan)


def test_an_na_milestone_drops_out_and_its_successor_inherits_its_predecessors() -> None:
    plan = with_milestone(six_step_plan(), "m3", status=Status.NOT_APPLICABLE)
    result = targets(plan)
    assert result["m3"] is None
    # m2 now feeds m4 directly: 12-23 less 3 (m4's lead) = Fri 12-18.
    assert result["m2"] == "2026-12-18"
    assert result["m1"] == "2026-12-04"
    computed = compute(plan, TODAY).milestones[2]
    assert (computed.projected, computed.health, computed.slip_bd) == (None, "N/A", 0)


def test_a_chain_of_na_milestones_is_bridged_to_explicit_dependencies() -> None:
    plan = make_plan(
        ms("a", lead_bd=2),
        ms("b", lead_bd=2, depends_on=()),
        ms("x", status=Status.NOT_APPLICABLE, depends_on=("a", "b")),
        ms("y", status=Status.NOT_APPLICABLE),
        ms("go", lead_bd=4),
        go_live="2027-01-15",
    )
    # go depends on y -> x -> {a, b}: both end 4 business days before go-live.
    assert targets(plan) == {"a": "2027-01-11", "b": "2027-01-11", "x": None, "y": None,
                             "go": "2027-01-15"}  # fmt: skip


def test_a_milestone_feeding_two_successors_meets_the_earlier_one() -> None:
    plan = make_plan(
        ms("start", lead_bd=1),
        ms("long", lead_bd=10, depends_on=("start",)),
        ms("short", lead_bd=2, depends_on=("start",)),
        ms("go", lead_bd=1, depends_on=("long", "short")),
        go_live="2027-03-31",
    )
    result = targets(plan)
    assert result["long"] == result["short"] == "2027-03-30"
    assert result["start"] == "2027-03-16"  # 03-30 less 10, the stricter of the two


def test_a_milestone_nothing_depends_on_is_targeted_on_go_live() -> None:
    plan = make_plan(
        ms("a", lead_bd=3),
        ms("side", lead_bd=3, depends_on=()),
        ms("go", lead_bd=3, depends_on=("a",), kind=Kind.GO_LIVE),
        go_live="2027-03-31",
    )
    assert targets(plan)["side"] == "2027-03-31"


def test_milestones_after_go_live_are_scheduled_forward_from_it() -> None:
    plan = make_plan(
        ms("sign", lead_bd=3),
        ms("go", lead_bd=5, kind=Kind.GO_LIVE),
        ms("review", lead_bd=20),
        ms("renewal", lead_bd=10),
        ms("expand", lead_bd=2, depends_on=("sign", "review")),
        go_live="2027-03-31",
    )
    result = targets(plan)
    assert result["go"] == "2027-03-31"
    assert result["sign"] == "2027-03-24"  # go-live less 5; after-go-live steps do not pull it
    assert result["review"] == "2027-04-28"  # 03-31 plus 20 business days
    assert result["renewal"] == "2027-05-12"  # review plus 10
    assert result["expand"] == "2027-04-30"  # review plus 2; "sign" is before go-live


def test_a_pinned_milestone_after_go_live_is_not_a_conflict() -> None:
    plan = make_plan(
        ms("go", lead_bd=5, kind=Kind.GO_LIVE),
        ms("review", lead_bd=20, due=D("2027-09-01")),
        go_live="2027-03-31",
    )
    assert targets(plan)["review"] == "2027-09-01"
    assert "DATE_CONFLICT" not in risk_codes(plan)


def test_the_last_milestone_is_go_live_when_none_is_marked() -> None:
    plan = make_plan(ms("a", lead_bd=1), ms("b", lead_bd=2), ms("c", lead_bd=3))
    assert targets(plan)["c"] == "2027-01-15"


def test_when_the_go_live_milestone_is_na_the_last_other_one_takes_its_place() -> None:
    plan = with_milestone(six_step_plan(), "m6", status=Status.NOT_APPLICABLE)
    result = targets(plan)
    assert result["m6"] is None
    assert result["m5"] == "2027-01-15"
    assert compute(plan, TODAY).projected_go_live == D("2027-01-15")


def test_a_plan_with_every_milestone_na_keeps_its_committed_go_live() -> None:
    plan = make_plan(ms("a", status=Status.NOT_APPLICABLE), go_live="2027-01-16")
    computed = compute(plan, TODAY)
    assert computed.milestones[0].target is None
    assert computed.projected_go_live == D("2027-01-15")
    assert computed.slip_bd == 0


def test_non_working_days_of_the_plan_move_targets() -> None:
    plain = targets(six_step_plan())
    shifted = targets(six_step_plan(non_working_days=(D("2026-12-24"),)))
    assert plain["m4"] == "2026-12-23" and shifted["m4"] == "2026-12-22"


def test_another_country_schedules_around_its_own_holidays() -> None:
    # In Britain Thanksgiving is a working day and Boxing Day (observed 12-28) is not.
    result = targets(six_step_plan(country="GB"))
    assert result["m4"] == "2026-12-22"  # 12-31 less 5: 30 29 (28, 25 off) 24 23 22
    assert result["m1"] == "2026-11-19"


def test_compute_rejects_a_plan_whose_structure_breaks_the_contract() -> None:
    plan = make_plan(ms("a"), ms("b", depends_on=("zzz",)))
    with pytest.raises(PlanInputError, match=r"milestones\[1\]\.depends_on"):
        compute(plan, TODAY)


def test_absurd_lead_times_are_an_input_error_not_a_crash() -> None:
    plan = make_plan(*[ms(f"m{i}", lead_bd=1000) for i in range(200)])
    with pytest.raises(PlanInputError, match="lead_bd"):
        compute(plan, TODAY)


def test_buyer_and_seller_sides_do_not_change_dates() -> None:
    buyer = make_plan(ms("a", side=Side.BUYER, lead_bd=4), ms("b", lead_bd=4))
    seller = make_plan(ms("a", side=Side.SELLER, lead_bd=4), ms("b", lead_bd=4))
    assert targets(buyer) == targets(seller)
