"""The forecast kept between computes: never another forecast than working it out gives."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import Plan, compute
from service.domain import forecast_memo as memo
from service.domain.calibration import Calibration
from service.domain.forecast import forecast as worked_out
from service.domain.graph import PlanGraph
from service.domain.model import Forecast, HistoryEntry, Milestone, Status
from service.domain.schedule import Schedule
from tests.unit.domain.builders import DANA, ON_PLAN, D, six_step_plan, with_milestone
from tests.unit.domain.test_properties import plans

FAST = settings(max_examples=60, deadline=None)
TODAY = D("2026-11-20")
dates_ = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))


def fresh(plan: Plan, today: date, calibration: Calibration | None = None) -> Forecast:
    """The forecast worked out afresh, without the memo."""
    schedule = Schedule.build(plan, PlanGraph.build(plan), today)
    return worked_out(schedule, calibration)


def with_words(plan: Plan, n: int) -> Plan:
    """``plan`` with every field people write words in (and its bookkeeping) changed."""
    return dataclasses.replace(
        plan,
        account=f"Account {n}",
        outcome=f"Outcome {n}",
        shared_on=D("2026-01-05"),
        last_edit_on=D("2026-02-06"),
        last_buyer_edit_on=D("2026-02-07"),
        last_reviewed_on=D("2026-02-08"),
        known_owners=(DANA,),
        history=(HistoryEntry(on=D("2026-02-06"), field="notes", old="a", new=f"b{n}"),),
        milestones=tuple(
            dataclasses.replace(
                m, title=f"Title {n}", owner=DANA, deliverable=f"Doc {n}", notes=f"Note {n}"
            )
            for m in plan.milestones
        ),
    )


@FAST
@given(plan=plans(), today=dates_, n=st.integers(0, 99))
def test_the_fields_left_out_of_the_key_do_not_move_the_forecast(
    plan: Plan, today: date, n: int
) -> None:
    assert fresh(with_words(plan, n), today) == fresh(plan, today)


def test_a_change_to_any_other_field_of_the_model_changes_the_key() -> None:
    plan = six_step_plan()
    key = memo.forecast_key(plan, TODAY, None)
    other = object()  # equal to no value any field holds
    for field in dataclasses.fields(Plan):
        if field.name not in memo.DESCRIPTIVE_PLAN_FIELDS:
            changed = dataclasses.replace(plan, **{field.name: other})
            assert memo.forecast_key(changed, TODAY, None) != key, f"Plan.{field.name}"
    for field in dataclasses.fields(Milestone):
        if field.name not in memo.DESCRIPTIVE_MILESTONE_FIELDS:
            third = dataclasses.replace(plan.milestones[2], **{field.name: other})
            milestones = (*plan.milestones[:2], third, *plan.milestones[3:])
            changed = dataclasses.replace(plan, milestones=milestones)
            assert memo.forecast_key(changed, TODAY, None) != key, f"Milestone.{field.name}"
    assert memo.forecast_key(plan, D("2026-11-23"), None) != key
    assert memo.forecast_key(plan, TODAY, ON_PLAN) != key


@FAST
@given(plan=plans(), other=plans(), today=dates_)
def test_compute_gives_the_forecast_worked_out_whatever_it_computed_before(
    plan: Plan, other: Plan, today: date
) -> None:
    compute(plan, today)
    compute(other, today)
    assert compute(plan, today).forecast == fresh(plan, today)
    assert compute(other, today).forecast == fresh(other, today)


def test_a_change_to_a_scheduling_field_is_worked_out_again() -> None:
    memo.forget()
    plan = six_step_plan()
    before = compute(plan, TODAY).forecast
    for changed in (
        with_milestone(plan, "m2", lead_bd=25),
        with_milestone(plan, "m1", status=Status.DONE, completed_on=D("2026-11-02")),
        dataclasses.replace(plan, go_live=D("2026-12-18")),
    ):
        after = compute(changed, TODAY).forecast
        assert after == fresh(changed, TODAY)
        assert after != before
    later = compute(plan, D("2027-01-04")).forecast
    assert later == fresh(plan, D("2027-01-04")) and later != before
    calibrated = compute(plan, TODAY, ON_PLAN).forecast
    assert calibrated == fresh(plan, TODAY, ON_PLAN)
    assert calibrated.basis != before.basis


def test_a_note_reuses_the_forecast() -> None:
    memo.forget()
    plan = six_step_plan()
    first = compute(plan, TODAY).forecast
    assert compute(with_words(plan, 1), TODAY).forecast is first


def test_the_memo_drops_the_least_recently_used_past_its_bound() -> None:
    kept = memo.ForecastMemo(held_milestones=12)
    plan = six_step_plan()  # six milestones: two keys fit
    keys = [
        memo.forecast_key(plan, D(day), None) for day in ("2026-11-20", "2026-11-23", "2026-11-24")
    ]
    forecasts = [fresh(plan, D(day)) for day in ("2026-11-20", "2026-11-23", "2026-11-24")]
    kept.put(keys[0], 6, forecasts[0])
    kept.put(keys[1], 6, forecasts[1])
    assert kept.get(keys[0]) is forecasts[0]  # now the most recently used
    kept.put(keys[2], 6, forecasts[2])
    assert kept.get(keys[1]) is None
    assert kept.get(keys[0]) is forecasts[0] and kept.get(keys[2]) is forecasts[2]
    kept.put(memo.forecast_key(plan, TODAY, ON_PLAN), 13, forecasts[0])
    assert kept.get(memo.forecast_key(plan, TODAY, ON_PLAN)) is None  # larger than the bound
