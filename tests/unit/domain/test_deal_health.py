"""Deal health: the forecast's chance of going live on time, out of 100, and its label."""

from __future__ import annotations

import pytest

from service.domain import compute
from service.domain.health import deal_health
from service.domain.risks import invalid_input_risk, with_extra_risks
from tests.unit.domain.builders import (
    HEALTHY_TODAY,
    ON_PLAN,
    D,
    done,
    healthy_plan,
    six_step_plan,
    with_milestone,
)


@pytest.mark.parametrize(
    ("p_on_time", "score", "label"),
    [
        (1.0, 100, "Healthy"),
        (0.7, 70, "Healthy"),
        (0.69, 69, "Watch"),
        (0.4, 40, "Watch"),
        (0.39, 39, "At risk"),
        (0.0, 0, "At risk"),
    ],
)
def test_the_score_is_the_chance_of_going_live_on_time(
    p_on_time: float, score: int, label: str
) -> None:
    health = deal_health(p_on_time)
    assert (health.score, health.label) == (score, label)


def test_the_computed_score_is_the_forecasts_p_on_time() -> None:
    for today in ("2026-11-02", "2026-11-20", "2026-12-10"):
        computed = compute(six_step_plan(), D(today))
        assert computed.health.score == round(100 * computed.forecast.go_live.p_on_time)


def test_a_plan_on_schedule_with_steps_that_keep_their_leads_is_healthy() -> None:
    computed = compute(healthy_plan(), HEALTHY_TODAY, ON_PLAN)
    assert (computed.health.score, computed.health.label) == (100, "Healthy")


def test_once_go_live_is_done_the_score_is_100_on_time_and_0_late() -> None:
    on_time = with_milestone(six_step_plan(), "m6", **done(completed_on=D("2027-01-15")))
    late = with_milestone(six_step_plan(), "m6", **done(completed_on=D("2027-01-19")))
    computed = compute(on_time, D("2027-01-20"))
    assert computed.forecast.go_live.p_on_time == 1.0
    assert (computed.health.score, computed.health.label) == (100, "Healthy")
    computed = compute(late, D("2027-01-20"))
    assert computed.forecast.go_live.p_on_time == 0.0
    assert (computed.health.score, computed.health.label) == (0, "At risk")
    assert computed.forecast.go_live.p50 == computed.forecast.go_live.p80 == D("2027-01-19")
    assert computed.forecast.drivers == ()


def test_the_sheet_can_add_invalid_input_without_changing_the_score() -> None:
    computed = compute(healthy_plan(), HEALTHY_TODAY, ON_PLAN)
    risk = invalid_input_risk(['Due of "Legal review": "next week"'], ["m5"])
    assert (risk.code, risk.severity, risk.milestones) == ("INVALID_INPUT", "low", ("m5",))
    assert '"next week"' in risk.message
    updated = with_extra_risks(computed, [risk])
    assert updated.risks == (risk,)
    assert updated.health == computed.health  # the chance of going live is the same
    assert computed.risks == ()  # the original is unchanged


def test_invalid_input_lists_at_most_three_cells() -> None:
    risk = invalid_input_risk([f"cell {n}" for n in range(5)])
    assert "cell 2" in risk.message and "cell 3" not in risk.message
    assert "and 2 more" in risk.message
