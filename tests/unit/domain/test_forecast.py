"""The forecast: determinism, what moves it, and its properties on random plans."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import Category, Plan, Side, Status, compute
from service.domain.calendar import BusinessCalendar
from service.domain.forecast_memo import forget
from tests.unit.domain.builders import (
    HEALTHY_TODAY,
    ON_PLAN,
    D,
    done,
    healthy_plan,
    make_plan,
    ms,
    six_step_plan,
    with_milestone,
)
from tests.unit.domain.test_properties import plans

FAST = settings(max_examples=60, deadline=None)
US = BusinessCalendar.get("US")
dates_ = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))


def _json(plan: Plan, today: date) -> str:
    """The computed plan as JSON, its forecast worked out afresh (not kept from before)."""
    forget()
    return json.dumps(compute(plan, today).to_json(), sort_keys=False)


# -- determinism -------------------------------------------------------------------------


def test_the_same_plan_on_the_same_day_gives_exactly_the_same_output() -> None:
    first = _json(six_step_plan(), D("2026-11-20"))
    assert _json(six_step_plan(), D("2026-11-20")) == first


@FAST
@given(plan=plans(), today=dates_)
def test_any_plan_computed_twice_gives_the_same_json(plan: Plan, today: date) -> None:
    assert _json(plan, today) == _json(plan, today)


def test_an_edit_to_one_step_leaves_the_draws_of_the_others_alone() -> None:
    # Renaming m5 (not a driver) does not move the probabilities: draws follow the ids.
    before = compute(six_step_plan(), D("2026-11-20")).forecast
    renamed = with_milestone(six_step_plan(), "m5", title="Kickoff, onboarding and plan")
    forget()
    assert compute(renamed, D("2026-11-20")).forecast == before


# -- what moves it -----------------------------------------------------------------------


def test_a_plan_with_time_to_spare_is_very_likely_on_time() -> None:
    plan = with_milestone(six_step_plan(), "m1", **done(completed_on=D("2026-11-02")))
    forecast = compute(plan, D("2026-11-02")).forecast
    early = compute(six_step_plan(), D("2026-08-03")).forecast  # three months of slack
    assert early.go_live.p_on_time >= 0.95
    assert early.go_live.p_on_time >= forecast.go_live.p_on_time
    assert early.go_live.p50 == D("2027-01-15")  # go-live never happens before its date


def test_the_buyers_paper_steps_take_what_published_figures_say_whatever_the_plan_says() -> None:
    # Five business days for a buyer's legal review: the priors expect at least ten.
    legal = make_plan(
        ms("a", lead_bd=5),
        ms("b", side=Side.BUYER, category=Category.LEGAL, lead_bd=5),
        ms("c", lead_bd=5),
        go_live="2027-01-15",
    )
    ours = with_milestone(legal, "b", side=Side.SELLER)
    today = D("2026-12-21")  # 15 business days of work left for 16 business days
    theirs_forecast, ours_forecast = compute(legal, today).forecast, compute(ours, today).forecast
    assert theirs_forecast.go_live.p80 > ours_forecast.go_live.p80
    assert theirs_forecast.go_live.p_on_time < 0.5 < ours_forecast.go_live.p_on_time


def test_a_step_open_long_past_its_lead_is_expected_to_run_on() -> None:
    # "Security review" (lead 5) started on 11-09 when m2 was done; on 12-15 it has run 25
    # business days. The schedule says it could finish tomorrow; the forecast does not.
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-02")))
    plan = with_milestone(plan, "m2", **done(completed_on=D("2026-11-09")))
    computed = compute(plan, D("2026-12-15"))
    assert computed.forecast.go_live.p50 > computed.projected_go_live
    assert computed.forecast.drivers[0].milestone == "m3"


def test_later_with_the_same_step_still_open_is_never_more_likely_on_time() -> None:
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-02")))
    plan = with_milestone(plan, "m2", **done(completed_on=D("2026-11-09")))
    days = [D("2026-11-09") + timedelta(days=n) for n in range(0, 50, 3)]
    chances = [compute(plan, day).forecast.go_live.p_on_time for day in days]
    assert chances == sorted(chances, reverse=True)
    assert chances[0] > chances[-1]


def test_a_pinned_step_does_not_happen_before_its_pin() -> None:
    plan = with_milestone(six_step_plan(), "m4", due=D("2026-12-21"))
    signature = compute(plan, D("2026-11-02")).forecast.signature
    assert signature is not None and signature.p50 >= D("2026-12-21")


def test_the_drivers_are_the_open_steps_that_make_go_live_late() -> None:
    forecast = compute(healthy_plan(), HEALTHY_TODAY).forecast
    assert forecast.drivers[0].milestone == "m3"  # a three-week review planned as a week
    assert sum(d.share for d in forecast.drivers) <= 1
    assert len(forecast.drivers) <= 3
    assert all(d.share >= 0.05 for d in forecast.drivers)


def test_a_go_live_late_only_because_of_a_done_step_has_no_drivers() -> None:
    # m1 finished 12 business days late; the rest runs to plan.
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-18")))
    forecast = compute(plan, D("2026-11-18"), ON_PLAN).forecast
    assert forecast.go_live.p_on_time == 0.0
    assert forecast.drivers == ()


def test_the_basis_says_where_the_numbers_come_from() -> None:
    assert compute(healthy_plan(), HEALTHY_TODAY).forecast.basis.to_json() == {
        "kind": "priors",
        "plans": 0,
    }
    basis = compute(healthy_plan(), HEALTHY_TODAY, ON_PLAN).forecast.basis
    assert basis.to_json() == {"kind": "calibrated", "plans": 10_000}


def test_with_every_milestone_na_nothing_can_be_late() -> None:
    plan = make_plan(ms("a", status=Status.NOT_APPLICABLE), ms("b", status=Status.NOT_APPLICABLE))
    computed = compute(plan, D("2026-11-02"))
    assert computed.forecast.go_live.p_on_time == 1.0
    assert computed.forecast.signature is None
    assert computed.health.score == 100


# -- properties on random plans ------------------------------------------------------------


@FAST
@given(plan=plans(), today=dates_)
def test_probabilities_are_between_0_and_1_and_p50_is_never_after_p80(
    plan: Plan, today: date
) -> None:
    forecast = compute(plan, today).forecast
    assert 0 <= forecast.go_live.p_on_time <= 1
    assert forecast.go_live.p50 <= forecast.go_live.p80
    if forecast.signature is not None:
        assert 0 <= forecast.signature.p_in_quarter <= 1
        assert forecast.signature.p50 <= forecast.signature.p80
    open_ids = {m.id for m in plan.milestones if m.is_open}
    assert all(0 < d.share <= 1 and d.milestone in open_ids for d in forecast.drivers)
    assert sum(d.share for d in forecast.drivers) <= 1
    for value in (forecast.go_live.p_on_time, *(d.share for d in forecast.drivers)):
        assert round(value, 2) == value


@FAST
@given(plan=plans(), today=dates_, later=st.integers(min_value=1, max_value=120))
def test_p_on_time_never_rises_while_nothing_but_the_day_changes(
    plan: Plan, today: date, later: int
) -> None:
    sooner = compute(plan, today).forecast.go_live.p_on_time
    assert compute(plan, today + timedelta(days=later)).forecast.go_live.p_on_time <= sooner


@FAST
@given(
    lead=st.integers(min_value=1, max_value=20),
    side=st.sampled_from(list(Side)),
    category=st.sampled_from(list(Category)),
    past_lead=st.integers(min_value=1, max_value=60),
    later=st.integers(min_value=1, max_value=40),
)
def test_a_step_past_its_lead_and_still_open_only_loses_chances_as_days_pass(
    lead: int, side: Side, category: Category, past_lead: int, later: int
) -> None:
    plan = make_plan(
        ms("before", **done(completed_on=D("2026-11-02"))),
        ms("step", side=side, category=category, lead_bd=lead, status=Status.IN_PROGRESS),
        ms("go", lead_bd=10),
        go_live="2027-03-31",
    )
    today = US.add_bd(D("2026-11-02"), lead + past_lead)
    sooner = compute(plan, today).forecast.go_live
    afterwards = compute(plan, US.add_bd(today, later)).forecast.go_live
    assert afterwards.p_on_time <= sooner.p_on_time
    assert afterwards.p50 >= sooner.p50


def test_a_buyer_slow_on_the_finished_steps_is_expected_to_be_slow_on_the_rest() -> None:
    # m3 (the buyer's security review, 5 days) done on 11-27 in both plans; it started when
    # m2 (ours) was done: on 11-20 in one plan (it took 4 days), on 11-06 in the other (14).
    # Only the buyer's pace differs, and the slow buyer's legal review is expected later.
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-11-02")))
    plan = with_milestone(plan, "m3", **done(completed_on=D("2026-11-27")))
    on_pace = with_milestone(plan, "m2", **done(completed_on=D("2026-11-20")))
    slow = with_milestone(plan, "m2", **done(completed_on=D("2026-11-06")))
    today = D("2026-11-27")
    on_pace_forecast, slow_forecast = (
        compute(on_pace, today).forecast,
        compute(slow, today).forecast,
    )
    assert slow_forecast.go_live.p50 > on_pace_forecast.go_live.p50
    assert slow_forecast.go_live.p80 > on_pace_forecast.go_live.p80


def test_a_first_step_done_the_day_the_plan_was_written_says_nothing_of_the_buyer() -> None:
    # A plan written mid-deal, its first (buyer) step marked done the same day.
    plan = with_milestone(healthy_plan(), "m1", **done(completed_on=D("2026-10-30")))
    later = dataclasses.replace(plan, created_on=D("2026-10-29"))
    today = D("2026-10-30")
    assert compute(plan, today).forecast == compute(later, today).forecast


# -- the chance of signing in the quarter holding today (the pipeline's roll-up) ----------


def test_in_the_signatures_own_quarter_signing_this_quarter_is_signing_in_its_quarter() -> None:
    signature = compute(six_step_plan(), D("2026-11-02")).forecast.signature
    assert signature is not None and signature.quarter_end == D("2026-12-31")
    assert signature.p_this_quarter == signature.p_in_quarter


def test_a_signature_planned_for_next_quarter_is_less_likely_this_quarter() -> None:
    signature = compute(six_step_plan(), D("2026-09-14")).forecast.signature
    assert signature is not None
    assert signature.p_this_quarter <= signature.p_in_quarter
    assert signature.p_this_quarter < 0.05  # months of steps before it


def test_a_signature_done_counts_in_the_quarter_it_was_done_and_no_other() -> None:
    plan = with_milestone(healthy_plan(), "m6", **done(completed_on=D("2026-11-20")))
    same = compute(plan, D("2026-12-01")).forecast.signature
    later = compute(plan, D("2027-01-05")).forecast.signature
    assert same is not None and same.p_this_quarter == 1.0
    assert later is not None and later.p_this_quarter == 0.0
