"""Properties of the schedule on random plans (random dependency graphs, leads, statuses)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import Kind, Milestone, Plan, Side, Status, compute, parse_plan, plan_to_json
from service.domain.calendar import BusinessCalendar

FAST = settings(max_examples=80, deadline=None)
US = BusinessCalendar.get("US")
EARLIEST_GO_LIVE = date(2026, 3, 1)


@st.composite
def plans(draw: st.DrawFn, *, pins: bool = True, na: bool = True, done: bool = True) -> Plan:
    """A plan whose milestones depend only on milestones above them (a random DAG)."""
    n = draw(st.integers(min_value=1, max_value=18))
    go_live = draw(st.dates(min_value=EARLIEST_GO_LIVE, max_value=date(2028, 12, 31)))
    go_live_at = draw(st.none() | st.integers(min_value=0, max_value=n - 1))
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED]
    statuses += [Status.DONE] if done else []
    statuses += [Status.NOT_APPLICABLE] if na else []
    milestones = []
    for i in range(n):
        earlier = [f"m{j}" for j in range(i)]
        depends_on = draw(
            st.none() | st.lists(st.sampled_from(earlier), max_size=3).map(tuple)
            if earlier
            else st.none() | st.just(())
        )
        status = draw(st.sampled_from(statuses))
        completed_on = None
        if status is Status.DONE:
            completed_on = draw(st.none() | st.dates(min_value=date(2025, 6, 1),
                                                     max_value=date(2029, 6, 1)))  # fmt: skip
        due = None
        if pins and draw(st.integers(0, 4)) == 0:
            due = draw(st.dates(min_value=date(2025, 6, 1), max_value=date(2029, 6, 1)))
        milestones.append(
            Milestone(
                id=f"m{i}",
                title=f"Step {i}",
                side=draw(st.sampled_from(list(Side))),
                lead_bd=draw(st.integers(min_value=0, max_value=15)),
                depends_on=depends_on,
                kind=Kind.GO_LIVE if go_live_at == i else None,
                due=due,
                status=status,
                completed_on=completed_on,
            )
        )
    return Plan(go_live=go_live, milestones=tuple(milestones))


def _deps(plan: Plan, i: int) -> tuple[int, ...]:
    m = plan.milestones[i]
    if m.depends_on is None:
        return (i - 1,) if i else ()
    return tuple(int(ref[1:]) for ref in m.depends_on)


def _go_live_and_after(plan: Plan) -> tuple[int, list[bool]]:
    """For plans without N/A milestones: the go-live index and who depends on it."""
    ms = plan.milestones
    go_live = next((i for i, m in enumerate(ms) if m.kind is Kind.GO_LIVE), len(ms) - 1)
    after = [False] * len(ms)
    for i in range(len(ms)):  # dependencies point upwards, so table order will do
        after[i] = any(d == go_live or after[d] for d in _deps(plan, i))
    return go_live, after


dates_ = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))


@FAST
@given(plan=plans(), today=dates_)
def test_every_target_is_a_business_day(plan: Plan, today: date) -> None:
    for m in compute(plan, today).milestones:
        assert m.target is None or US.is_business_day(m.target)


@FAST
@given(plan=plans(pins=False, na=False), today=dates_)
def test_nothing_before_go_live_is_targeted_after_it(plan: Plan, today: date) -> None:
    computed = compute(plan, today).milestones
    go_live, after = _go_live_and_after(plan)
    go_live_target = computed[go_live].target
    assert go_live_target == US.prev_bd(plan.go_live)
    for i, m in enumerate(computed):
        assert m.target is not None
        if after[i]:
            assert m.target >= go_live_target
        else:
            assert m.target <= go_live_target


@FAST
@given(plan=plans(pins=False, na=False), today=dates_)
def test_each_step_leaves_its_successor_the_successors_lead_time(plan: Plan, today: date) -> None:
    computed = compute(plan, today).milestones
    _, after = _go_live_and_after(plan)
    for s, successor in enumerate(plan.milestones):
        for p in _deps(plan, s):
            if after[p] or after[s]:
                continue
            target_p, target_s = computed[p].target, computed[s].target
            assert target_p is not None and target_s is not None
            assert target_p <= US.sub_bd(target_s, successor.lead_bd)


@FAST
@given(plan=plans(), today=dates_)
def test_open_milestones_are_never_projected_before_their_target(plan: Plan, today: date) -> None:
    for m, c in zip(plan.milestones, compute(plan, today).milestones, strict=True):
        if m.is_open:
            assert c.target is not None and c.projected is not None
            assert c.projected >= c.target
            assert c.projected >= US.next_bd(today)


@FAST
@given(plan=plans(pins=False, done=False), data=st.data())
def test_with_nothing_done_and_today_before_the_first_target_nothing_slips(
    plan: Plan, data: st.DataObject
) -> None:
    first = min(
        (c.target for c in compute(plan, EARLIEST_GO_LIVE).milestones if c.target is not None),
        default=None,
    )
    if first is None:
        return
    today = data.draw(st.dates(max_value=first - timedelta(days=1), min_value=date(2020, 1, 1)))
    computed = compute(plan, today)
    assert computed.slip_bd == 0
    assert all(m.slip_bd == 0 for m in computed.milestones)
    assert computed.projected_go_live == US.prev_bd(plan.go_live) or all(
        m.status is Status.NOT_APPLICABLE for m in plan.milestones
    )


@FAST
@given(plan=plans())
def test_a_plan_written_as_json_reads_back_the_same(plan: Plan) -> None:
    assert parse_plan(plan_to_json(plan)) == plan
