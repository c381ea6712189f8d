"""Calibration: observed durations of past plans, their JSON, and how they move the priors."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import (
    Calibration,
    Category,
    Kind,
    PlanInputError,
    Side,
    Status,
    build_calibration,
    compute,
    parse_plan,
    plan_to_json,
)
from service.domain.calibration import (
    PRIOR_WEIGHT,
    RatioStats,
    duration_observations,
    ratio_distribution,
)
from service.domain.priors import prior_ratio
from tests.unit.domain.builders import D, done, healthy_plan, make_plan, ms, with_milestone


def _past_plan() -> Any:
    """Created Mon 2 Nov 2026; a (5 bd) done 11-09, b (10 bd, buyer legal) done 11-30
    (13 business days: Veterans Day and Thanksgiving are off), c waits for a and b, done
    12-02 (2 bd)."""
    return make_plan(
        ms("a", lead_bd=5, **done(completed_on=D("2026-11-09"))),
        ms("b", side=Side.BUYER, category=Category.LEGAL, lead_bd=10, depends_on=("a",),
           **done(completed_on=D("2026-11-30"))),
        ms("c", lead_bd=4, depends_on=("a", "b"), **done(completed_on=D("2026-12-02"))),
        ms("d", lead_bd=5),  # open: not observed
        go_live="2026-12-31",
        created_on=D("2026-11-02"),
    )  # fmt: skip


def test_actual_durations_run_from_the_latest_predecessor_or_the_plans_creation() -> None:
    found = {(o.category, o.side): o.ratio for o in duration_observations(_past_plan())}
    ratios = [o.ratio for o in duration_observations(_past_plan())]
    assert ratios == [5 / 5, 13 / 10, 2 / 4]  # a from created_on; c from b, the later one
    assert found[(Category.LEGAL, Side.BUYER)] == 1.3


def test_a_step_is_not_observed_without_every_date_it_needs() -> None:
    plan = with_milestone(_past_plan(), "a", completed_on=None)  # done, but when?
    assert [o.ratio for o in duration_observations(plan)] == []  # b and c wait for a
    no_creation = make_plan(ms("a", lead_bd=5, **done(completed_on=D("2026-11-09"))))
    assert duration_observations(no_creation) == []
    zero_lead = with_milestone(_past_plan(), "c", lead_bd=0)
    assert len(duration_observations(zero_lead)) == 2


def test_a_step_recorded_done_the_day_it_could_start_is_not_observed() -> None:
    # Caught up in the sheet (or done before the plan was written), not done in no time.
    plan = with_milestone(_past_plan(), "c", completed_on=D("2026-11-30"))
    assert [o.ratio for o in duration_observations(plan)] == [1.0, 1.3]
    before_creation = with_milestone(_past_plan(), "a", completed_on=D("2026-10-30"))
    assert [o.ratio for o in duration_observations(before_creation)][:1] != [1.0]
    assert duration_observations(before_creation)[0].category is Category.LEGAL


def test_na_steps_are_bridged_like_in_the_schedule() -> None:
    plan = make_plan(
        ms("a", lead_bd=5, **done(completed_on=D("2027-03-08"))),
        ms("x", status=Status.NOT_APPLICABLE),
        ms("b", lead_bd=5, **done(completed_on=D("2027-03-15"))),
        created_on=D("2027-03-01"),
    )
    assert [o.ratio for o in duration_observations(plan)] == [1.0, 1.0]


def test_build_calibration_summarises_ratios_per_category_and_side() -> None:
    fast = with_milestone(_past_plan(), "b", completed_on=D("2026-11-16"))  # 4 bd: 0.4
    unfinished = make_plan(ms("a"), created_on=D("2026-11-02"))  # nothing to learn
    calibration = build_calibration([_past_plan(), fast, unfinished])
    assert calibration.plans == 2
    keys = [(r.category, r.side) for r in calibration.ratios]
    assert keys == [(Category.LEGAL, Side.BUYER), (Category.OTHER, Side.SELLER)]
    legal = calibration.stats(Category.LEGAL, Side.BUYER)
    assert legal is not None and legal.n == 2
    assert legal.mean_log == round((math.log(1.3) + math.log(0.4)) / 2, 4)
    assert legal.sd_log == round(abs(math.log(1.3) - math.log(0.4)) / math.sqrt(2), 4)
    assert legal.median == round(math.sqrt(1.3 * 0.4), 4)
    seller = calibration.stats(Category.OTHER, Side.SELLER)
    assert seller is not None and seller.n == 4
    assert calibration.stats(Category.SECURITY, Side.BUYER) is None


def test_the_json_has_the_documented_shape_and_reads_back_the_same() -> None:
    calibration = build_calibration([_past_plan()])
    doc = calibration.to_json()
    assert list(doc) == ["version", "plans", "ratios", "buyer_pace"]
    assert doc["version"] == 1 and doc["plans"] == 1
    assert list(doc["ratios"][0]) == [
        "category", "side", "n", "median", "p80", "mean_log", "sd_log",
    ]  # fmt: skip
    assert Calibration.from_json(doc) == calibration


@settings(max_examples=60, deadline=None)
@given(
    ratios=st.lists(
        st.tuples(
            st.sampled_from(list(Category)),
            st.sampled_from(list(Side)),
            st.floats(min_value=0.05, max_value=20, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_calibration_reads_back_from_its_json(
    ratios: list[tuple[Category, Side, float]],
) -> None:
    from service.domain.calibration import Observation, calibration_from

    observations = [Observation(category=c, side=s, lead_bd=5, ratio=r) for c, s, r in ratios]
    calibration = calibration_from([observations])
    assert Calibration.from_json(calibration.to_json()) == calibration
    assert sum(r.n for r in calibration.ratios) == len(ratios)


def _doc(**changes: Any) -> dict[str, Any]:
    row = {"category": "legal", "side": "buyer", "n": 3, "median": 1.5, "p80": 2.0,
           "mean_log": 0.4, "sd_log": 0.5}  # fmt: skip
    row.update(changes)
    return {"version": 1, "plans": 3, "ratios": [row], "buyer_pace": {"plans": 2, "var_log": 0.05}}


@pytest.mark.parametrize(
    ("doc", "path", "words"),
    [
        ([], "", "JSON object"),
        ({"plans": 1, "ratios": [], "buyer_pace": {}}, "version", "missing"),
        ({**_doc(), "buyer_pace": None}, "buyer_pace", "JSON object"),
        ({**_doc(), "buyer_pace": {"plans": 1}}, "buyer_pace.var_log", "missing"),
        ({**_doc(), "buyer_pace": {"plans": -1, "var_log": 0}}, "buyer_pace.plans", "whole"),
        ({**_doc(), "version": 2}, "version", "must be 1"),
        ({**_doc(), "plans": -1}, "plans", "whole number"),
        ({**_doc(), "ratios": {}}, "ratios", "list"),
        ({**_doc(), "extra": 1}, "extra", "unknown field"),
        (_doc(category="legl"), "ratios[0].category", "'legl' is not one of"),
        (_doc(side="Buyer"), "ratios[0].side", "not one of"),
        (_doc(n=0), "ratios[0].n", "whole number from 1"),
        (_doc(n=True), "ratios[0].n", "whole number"),
        (_doc(sd_log=-0.1), "ratios[0].sd_log", "negative"),
        (_doc(mean_log="0.4"), "ratios[0].mean_log", "number"),
        (_doc(median=0), "ratios[0].median", "more than 0"),
        ({**_doc(), "ratios": [_doc()["ratios"][0]] * 2}, "ratios[1]", "listed twice"),
    ],
)
def test_a_bad_calibration_names_the_field(doc: Any, path: str, words: str) -> None:
    with pytest.raises(PlanInputError) as caught:
        Calibration.from_json(doc)
    assert caught.value.path == path
    assert words in caught.value.message


def test_a_plan_document_can_carry_its_calibration() -> None:
    doc = plan_to_json(healthy_plan())
    doc["calibration"] = _doc()
    plan = parse_plan(doc)
    assert plan.calibration == Calibration.from_json(_doc())
    assert parse_plan(plan_to_json(plan)) == plan
    computed = compute(plan, D("2026-11-02"))
    assert computed.forecast.basis.to_json() == {"kind": "calibrated", "plans": 3}
    doc["calibration"] = _doc(side="nobody")
    with pytest.raises(PlanInputError) as caught:
        parse_plan(doc)
    assert caught.value.path == "calibration.ratios[0].side"


def test_a_calibration_given_to_compute_replaces_the_plans_own() -> None:
    plan = parse_plan({**plan_to_json(healthy_plan()), "calibration": _doc()})
    other = Calibration.from_json({**_doc(), "plans": 9})
    basis = compute(plan, D("2026-11-02"), other).forecast.basis
    assert basis.plans == 9


# -- shrinkage -----------------------------------------------------------------------------


def _stats(n: int, mean_log: float, sd_log: float = 0.3) -> Calibration:
    return Calibration(
        plans=n,
        ratios=(
            RatioStats(category=Category.SECURITY, side=Side.BUYER, n=n, median=1.0, p80=1.0,
                       mean_log=mean_log, sd_log=sd_log),
        ),
    )  # fmt: skip


def test_few_observations_move_the_prior_a_little_and_many_move_it_most_of_the_way() -> None:
    prior = prior_ratio(Category.SECURITY, Side.BUYER, 15)
    observed = math.log(3.0)
    for n in (1, 2, 10, 40, 400):
        mixed = ratio_distribution(Category.SECURITY, Side.BUYER, 15, _stats(n, observed))
        weight = n / (n + PRIOR_WEIGHT)
        assert mixed.mu == pytest.approx(prior.mu + weight * (observed - prior.mu))
    few = ratio_distribution(Category.SECURITY, Side.BUYER, 15, _stats(2, observed))
    many = ratio_distribution(Category.SECURITY, Side.BUYER, 15, _stats(400, observed))
    assert prior.mu < few.mu < many.mu < observed
    assert abs(many.sigma - 0.3) < abs(few.sigma - 0.3)


def test_a_category_the_calibration_never_saw_keeps_its_prior() -> None:
    prior = prior_ratio(Category.LEGAL, Side.JOINT, 15)
    assert ratio_distribution(Category.LEGAL, Side.JOINT, 15, _stats(40, 1.0)) == prior


def test_a_calibration_moves_the_forecast_the_way_it_says() -> None:
    # The healthy plan's security review is planned at 5 business days; the priors expect
    # three times that. History saying six times pushes the go-live out; once, pulls it in.
    plan, today = healthy_plan(), D("2026-11-02")
    with_priors = compute(plan, today).forecast.go_live
    slower = compute(plan, today, _stats(400, math.log(6.0))).forecast.go_live
    faster = compute(plan, today, _stats(400, 0.0)).forecast.go_live
    assert faster.p50 < with_priors.p50 < slower.p50


def test_a_step_finished_on_the_date_it_was_held_to_is_not_observed() -> None:
    # Go-live on the committed date, or a step on its pin, may have waited for that date.
    plan = make_plan(
        ms("a", lead_bd=5, due=D("2026-11-13"), **done(completed_on=D("2026-11-13"))),
        ms("go", lead_bd=5, kind=Kind.GO_LIVE, **done(completed_on=D("2026-11-20"))),
        go_live="2026-11-20",
        created_on=D("2026-11-02"),
    )
    assert duration_observations(plan) == []
    late = with_milestone(plan, "go", completed_on=D("2026-11-23"))
    assert [o.ratio for o in duration_observations(late)] == [6 / 5]


# -- the buyer's pace ----------------------------------------------------------------------


def test_the_buyer_pace_is_how_much_one_plans_buyer_steps_move_together() -> None:
    from service.domain.calibration import Observation, calibration_from

    def plan(factor: float) -> list[Observation]:
        return [
            Observation(category=Category.LEGAL, side=Side.BUYER, lead_bd=10, ratio=factor),
            Observation(category=Category.SECURITY, side=Side.BUYER, lead_bd=10, ratio=factor),
            Observation(category=Category.OTHER, side=Side.SELLER, lead_bd=5, ratio=1 / factor),
        ]

    # Two buyers, one twice as fast as the other on both steps: the deviations from each
    # category's mean are +-ln(2)/2 and move together, so their product is (ln 2 / 2)^2.
    calibration = calibration_from([plan(2.0), plan(1.0)])
    assert calibration.buyer_pace.plans == 2
    assert calibration.buyer_pace.var_log == round((math.log(2) / 2) ** 2, 4)
    # Steps that move against each other within a plan say buyers do not differ.
    mixed = calibration_from([[*plan(2.0)[:1], *plan(1.0)[1:]], [*plan(1.0)[:1], *plan(2.0)[1:]]])
    assert mixed.buyer_pace.var_log < 0


def test_the_buyer_pace_shrinks_toward_the_prior_like_the_ratios() -> None:
    from service.domain.calibration import BuyerPace, buyer_pace_sigma
    from service.domain.priors import BUYER_PACE_SIGMA

    assert buyer_pace_sigma(None) == BUYER_PACE_SIGMA
    few = Calibration(plans=2, ratios=(), buyer_pace=BuyerPace(plans=2, var_log=0.25))
    many = Calibration(plans=400, ratios=(), buyer_pace=BuyerPace(plans=400, var_log=0.25))
    negative = Calibration(plans=400, ratios=(), buyer_pace=BuyerPace(plans=400, var_log=-0.1))
    assert BUYER_PACE_SIGMA < buyer_pace_sigma(few) < buyer_pace_sigma(many) < 0.5
    assert buyer_pace_sigma(negative) < 0.05  # read as no difference between buyers
