"""The Timeline's spans and weeks (``service.domain.timeline``): pure data from a plan
and what the engine computed for it."""

from __future__ import annotations

import itertools
from datetime import timedelta

from service.domain.compute import compute
from service.domain.model import Kind, Status
from service.domain.timeline import MAX_WEEKS, Span, monday_of, timeline
from tests.unit.domain.builders import HEALTHY_TODAY, D, healthy_plan, make_plan, ms, with_milestone


def test_each_milestone_has_a_row_in_table_order_with_spans_ending_on_its_dates() -> None:
    plan = healthy_plan()
    computed = compute(plan, HEALTHY_TODAY)
    shown = timeline(plan, computed)
    assert [r.milestone_id for r in shown.rows] == [m.id for m in plan.milestones]
    assert [r.title for r in shown.rows] == [m.title for m in plan.milestones]
    for row, dates in zip(shown.rows, computed.milestones, strict=True):
        assert row.target is not None and row.target.end == dates.target
        assert row.projected is not None and row.projected.end == dates.projected


def test_a_span_takes_the_milestones_lead_in_business_days_counting_its_end() -> None:
    # Leads of five business days. m2 ends Mon 2026-11-09: Tue 11-03 to Mon 11-09. m3
    # ends Tue 2026-11-17 and m5 Wed 2026-12-02, each a day longer on the calendar for a
    # US holiday (Veterans Day, Wed 11-11; Thanksgiving, Thu 11-26).
    plan = healthy_plan()
    shown = {r.milestone_id: r for r in timeline(plan, compute(plan, HEALTHY_TODAY)).rows}
    assert shown["m2"].target == Span(D("2026-11-03"), D("2026-11-09"))
    assert shown["m3"].target == Span(D("2026-11-10"), D("2026-11-17"))
    assert shown["m5"].target == Span(D("2026-11-25"), D("2026-12-02"))


def test_a_lead_of_zero_or_one_day_is_a_one_day_span() -> None:
    plan = make_plan(
        ms("a", lead_bd=0), ms("b", lead_bd=1), ms("c", kind=Kind.GO_LIVE), go_live="2027-01-15"
    )
    shown = timeline(plan, compute(plan, D("2026-11-02")))
    for row in shown.rows[:2]:
        assert row.target is not None and row.target.start == row.target.end


def test_a_not_applicable_step_has_no_span_and_a_done_one_ends_when_it_was_done() -> None:
    plan = with_milestone(healthy_plan(), "m2", status=Status.NOT_APPLICABLE)
    plan = with_milestone(plan, "m1", status=Status.DONE, completed_on=D("2026-10-29"))
    shown = {r.milestone_id: r for r in timeline(plan, compute(plan, HEALTHY_TODAY)).rows}
    assert shown["m2"].target is None and shown["m2"].projected is None
    assert shown["m1"].projected is not None and shown["m1"].projected.end == D("2026-10-29")


def test_weeks_run_monday_by_monday_from_the_earliest_start_to_the_later_go_live() -> None:
    plan = healthy_plan()
    computed = compute(plan, HEALTHY_TODAY)
    shown = timeline(plan, computed)
    starts = [s.start for r in shown.rows for s in (r.target, r.projected) if s is not None]
    assert min(starts) < HEALTHY_TODAY
    assert shown.weeks[0] == monday_of(min(starts))
    assert shown.weeks[-1] == monday_of(max(computed.committed_go_live, computed.projected_go_live))
    assert all(w.weekday() == 0 for w in shown.weeks)
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(shown.weeks))


def test_a_slip_moves_the_projected_spans_and_adds_weeks_up_to_the_projected_go_live() -> None:
    plan = healthy_plan()
    before = timeline(plan, compute(plan, HEALTHY_TODAY))
    slipped = with_milestone(plan, "m5", due=D("2027-01-20"))  # Legal review pinned later
    after = timeline(slipped, compute(slipped, HEALTHY_TODAY))
    go_live_before, go_live_after = before.rows[-1], after.rows[-1]
    assert go_live_before.projected is not None and go_live_after.projected is not None
    assert go_live_after.projected.end > go_live_before.projected.end
    assert go_live_after.target == go_live_before.target  # the committed date stays
    assert after.projected_go_live == go_live_after.projected.end
    assert after.weeks[-1] == monday_of(after.projected_go_live) > before.weeks[-1]


def test_weeks_start_at_todays_week_when_every_step_starts_later() -> None:
    plan = healthy_plan()
    today = D("2026-10-07")  # a Wednesday, three weeks before the first step starts
    shown = timeline(plan, compute(plan, today))
    assert shown.weeks[0] == D("2026-10-05")


def test_a_plan_longer_than_the_cap_keeps_its_last_weeks() -> None:
    plan = make_plan(
        ms("a", lead_bd=300), ms("b", kind=Kind.GO_LIVE, lead_bd=5), go_live="2028-06-30"
    )
    computed = compute(plan, D("2026-11-02"))
    shown = timeline(plan, computed)
    assert len(shown.weeks) == MAX_WEEKS
    assert shown.weeks[-1] == monday_of(D("2028-06-30"))
    assert len(timeline(plan, computed, max_weeks=10).weeks) == 10


def test_the_same_inputs_give_the_same_timeline_and_any_change_a_new_one() -> None:
    """A thread's last Timeline is given again when every input it depends on is equal
    (a note changed: nothing the Timeline shows); a changed title, lead time or day
    gives the Timeline worked out afresh."""
    import service.domain.timeline as module

    plan = healthy_plan()
    shown = timeline(plan, compute(plan, HEALTHY_TODAY))
    noted = with_milestone(plan, "m2", notes="legal is on it")
    assert timeline(noted, compute(noted, HEALTHY_TODAY)) is shown

    for changed, today in (
        (with_milestone(plan, "m2", title="Security and privacy review"), HEALTHY_TODAY),
        (with_milestone(plan, "m3", lead_bd=9), HEALTHY_TODAY),
        (plan, HEALTHY_TODAY + timedelta(days=120)),
    ):
        computed = compute(changed, today)
        again = timeline(changed, computed)
        assert again is not shown
        module._last.made = None  # nothing kept: worked out afresh
        assert timeline(changed, computed) == again
        shown = again
