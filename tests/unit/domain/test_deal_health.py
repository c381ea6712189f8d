"""Deal health: a score from the risks and its label; extra risks from the sheet."""

from __future__ import annotations

import pytest

from service.domain import Risk, Severity, compute
from service.domain.health import deal_health
from service.domain.risks import invalid_input_risk, with_extra_risks
from tests.unit.domain.builders import HEALTHY_TODAY, healthy_plan


def _risks(high: int = 0, medium: int = 0, low: int = 0) -> list[Risk]:
    counts = {Severity.HIGH: high, Severity.MEDIUM: medium, Severity.LOW: low}
    return [
        Risk(code=f"{severity.value}{n}", severity=severity, message="m.")
        for severity, count in counts.items()
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("high", "medium", "low", "score", "label"),
    [
        (0, 0, 0, 100, "Healthy"),
        (0, 2, 0, 80, "Healthy"),
        (0, 0, 7, 79, "Watch"),
        (2, 0, 0, 50, "Watch"),
        (1, 2, 5, 40, "At risk"),
        (1, 2, 2, 49, "At risk"),
        (4, 1, 0, 0, "At risk"),
        (6, 6, 6, 0, "At risk"),  # never below zero
    ],
)
def test_score_loses_25_per_high_10_per_medium_3_per_low(
    high: int, medium: int, low: int, score: int, label: str
) -> None:
    health = deal_health(_risks(high, medium, low))
    assert (health.score, health.label) == (score, label)


def test_the_sheet_can_add_invalid_input_and_the_score_follows() -> None:
    computed = compute(healthy_plan(), HEALTHY_TODAY)
    risk = invalid_input_risk(['Due of "Legal review": "next week"'], ["m5"])
    assert (risk.code, risk.severity, risk.milestones) == ("INVALID_INPUT", "low", ("m5",))
    assert '"next week"' in risk.message
    updated = with_extra_risks(computed, [risk])
    assert updated.risks == (risk,)
    assert updated.health.score == 97
    assert computed.health.score == 100  # the original is unchanged


def test_invalid_input_lists_at_most_three_cells() -> None:
    risk = invalid_input_risk([f"cell {n}" for n in range(5)])
    assert "cell 2" in risk.message and "cell 3" not in risk.message
    assert "and 2 more" in risk.message
