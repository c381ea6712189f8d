"""Projection from today, slip in business days, and the health of each milestone."""

from __future__ import annotations

from datetime import date

from service.domain import ComputedPlan, MilestoneHealth, Plan, Status, compute
from tests.unit.domain.builders import D, done, six_step_plan, with_milestone

# Targets of the six-step plan (see test_schedule): m1 2026-11-19, m2 12-04, m3 12-18,
# m4 12-23, m5 12-31, m6 (go-live) 2027-01-15.


def run(plan: Plan, today: str) -> ComputedPlan:
    return compute(plan, D(today))


def projected(computed: ComputedPlan) -> dict[str, date | None]:
    return {m.id: m.projected for m in computed.milestones}


def health(computed: ComputedPlan) -> dict[str, MilestoneHealth]:
    return {m.id: m.health for m in computed.milestones}


def test_with_nothing_done_and_time_to_spare_the_projection_is_the_target() -> None:
    computed = run(six_step_plan(), "2026-11-02")
    assert all(m.projected == m.target for m in computed.milestones)
    assert computed.slip_bd == 0
    assert computed.projected_go_live == D("2027-01-15")


def test_an_overdue_milestone_is_projected_from_the_next_business_day_and_pushes_the_rest() -> None:
    computed = run(six_step_plan(), "2026-11-21")  # a Saturday, m1 was due Thu 11-19
    m1, m2 = computed.milestones[:2]
    assert m1.projected == D("2026-11-23")  # next business day after today
    assert m1.slip_bd == 2  # Fri 20 and Mon 23
    assert m1.health is MilestoneHealth.OVERDUE
    # m2: 11-23 plus 10 business days (Thanksgiving off) = 12-08, two days past 12-04.
    assert m2.projected == D("2026-12-08")
    assert (m2.slip_bd, m2.health) == (2, MilestoneHealth.AT_RISK)
    assert computed.projected_go_live == D("2027-01-20")  # 15th + 2 (MLK day 18th off)
    assert computed.slip_bd == computed.milestones[-1].slip_bd == 2


def test_a_done_milestone_is_projected_on_its_completion_date() -> None:
    plan = with_milestone(six_step_plan(), "m1", **done(completed_on=D("2026-11-20")))
    computed = run(plan, "2026-11-23")
    m1, m2 = computed.milestones[:2]
    assert (m1.projected, m1.slip_bd, m1.health) == (D("2026-11-20"), 1, MilestoneHealth.DONE)
    assert m2.projected == D("2026-12-07")  # 11-20 plus 10 business days


def test_finishing_early_does_not_pull_successors_before_their_targets() -> None:
    plan = with_milestone(six_step_plan(), "m1", **done(completed_on=D("2026-11-03")))
    computed = run(plan, "2026-11-04")
    assert computed.milestones[0].projected == D("2026-11-03")
    assert computed.milestones[0].slip_bd == 0
    assert computed.milestones[1].projected == D("2026-12-04")


def test_a_done_milestone_without_a_date_is_projected_on_the_earlier_of_target_and_today() -> None:
    plan = with_milestone(six_step_plan(), "m1", status=Status.DONE)
    assert projected(run(plan, "2026-11-10"))["m1"] == D("2026-11-10")
    assert projected(run(plan, "2026-11-25"))["m1"] == D("2026-11-19")
    assert projected(run(plan, "2026-11-07"))["m1"] == D("2026-11-09")  # Saturday -> Monday


def test_a_completion_date_makes_a_milestone_done_whatever_its_status() -> None:
    plan = with_milestone(
        six_step_plan(), "m1", status=Status.IN_PROGRESS, completed_on=D("2026-11-18")
    )
    assert health(run(plan, "2026-11-25"))["m1"] is MilestoneHealth.DONE


def test_an_na_milestone_stays_na_even_with_a_completion_date() -> None:
    plan = with_milestone(
        six_step_plan(), "m3", status=Status.NOT_APPLICABLE, completed_on=D("2026-11-18")
    )
    m3 = run(plan, "2026-11-25").milestones[2]
    assert (m3.target, m3.projected, m3.health) == (None, None, MilestoneHealth.NOT_APPLICABLE)


def test_blocked_comes_before_overdue() -> None:
    plan = with_milestone(six_step_plan(), "m1", status=Status.BLOCKED)
    assert health(run(plan, "2026-11-25"))["m1"] is MilestoneHealth.BLOCKED
    assert health(run(six_step_plan(), "2026-11-25"))["m1"] is MilestoneHealth.OVERDUE


def test_done_comes_before_everything() -> None:
    plan = with_milestone(six_step_plan(), "m1", status=Status.DONE)
    assert health(run(plan, "2026-12-25"))["m1"] is MilestoneHealth.DONE


def test_due_soon_means_target_within_three_business_days() -> None:
    # From Mon 11-16 three business days reach Thu 11-19, m1's target.
    assert health(run(six_step_plan(), "2026-11-16"))["m1"] is MilestoneHealth.DUE_SOON
    # From Fri 11-13 they reach Wed 11-18: m1 is still on track.
    assert health(run(six_step_plan(), "2026-11-13"))["m1"] is MilestoneHealth.ON_TRACK


def test_due_today_is_due_soon_not_overdue() -> None:
    assert health(run(six_step_plan(), "2026-11-19"))["m1"] is MilestoneHealth.DUE_SOON


def test_at_risk_means_projected_after_target_while_the_target_is_still_ahead() -> None:
    plan = with_milestone(six_step_plan(), "m1", **done(completed_on=D("2026-11-27")))
    computed = run(plan, "2026-11-30")
    # m2 cannot finish before 11-27 plus 10 = 12-11, after its 12-04 target.
    assert health(computed)["m2"] is MilestoneHealth.AT_RISK
    assert computed.milestones[1].slip_bd == 5


def test_slip_counts_business_days_only() -> None:
    plan = with_milestone(six_step_plan(), "m5", **done(completed_on=D("2027-01-04")))
    m5 = run(plan, "2027-01-04").milestones[4]
    # target Thu 12-31; Fri 1 Jan is a holiday, then a weekend, then Mon 4 Jan: one day.
    assert m5.slip_bd == 1
