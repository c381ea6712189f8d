"""What the sidebar says to do about the step that carries the most risk, and the drivers
and basis in words."""

from __future__ import annotations

from datetime import date

from service.domain.compute import compute
from service.domain.model import Category, Milestone, Side, Status
from service.domain.parse import parse_plan
from service.services.calibrate import basis_words
from service.services.forecast_view import advice, forecast_view


def _step(**fields: object) -> Milestone:
    values: dict[str, object] = {
        "id": "m1",
        "title": "Legal review of the MSA",
        "side": Side.BUYER,
        "owner": "Dana Lee <dana@acme.example>",
        "category": Category.LEGAL,
    }
    values.update(fields)
    return Milestone(**values)  # type: ignore[arg-type]


def test_a_buyer_step_asks_its_owner_for_a_date_with_a_move_for_its_kind() -> None:
    said = advice(_step())
    assert said.startswith('Ask Dana Lee for a committed date on "Legal review of the MSA"')
    assert "legal teams" in said


def test_a_buyer_step_without_an_owner_asks_who_owns_it() -> None:
    assert advice(_step(owner="")).startswith("Ask the buyer who owns it")


def test_a_blocked_step_asks_what_it_waits_on() -> None:
    said = advice(_step(status=Status.BLOCKED))
    assert said.startswith('"Legal review of the MSA" is blocked: ask Dana Lee what it waits on')


def test_a_seller_step_is_ours_to_move() -> None:
    said = advice(_step(side=Side.SELLER, owner="Sam <sam@vendor.example>"))
    assert said.startswith('"Legal review of the MSA" is on your side: Sam owns it')


def test_a_joint_step_books_a_session_of_both_teams() -> None:
    assert advice(_step(side=Side.JOINT)).startswith("Book a working session of both teams")


def test_the_basis_reads_as_priors_or_the_number_of_past_plans() -> None:
    assert basis_words(None) == "priors"
    assert basis_words({"kind": "priors", "plans": 0}) == "priors"
    assert basis_words({"kind": "calibrated", "plans": 1}) == "1 past plan"
    assert basis_words({"kind": "calibrated", "plans": 42}) == "42 past plans"


def test_the_view_names_each_driver_by_its_title_with_its_share() -> None:
    plan = parse_plan(
        {
            "go_live": "2027-01-15",
            "created_on": "2026-11-02",
            "milestones": [
                {"id": "m1", "title": "Legal review of the MSA", "side": "buyer",
                 "category": "legal", "lead_bd": 25},
                {"id": "m2", "title": "Go-live", "kind": "go_live", "lead_bd": 10},
            ],
        }
    )  # fmt: skip
    computed = compute(plan, date(2026, 11, 23)).to_json()

    view = forecast_view(plan, computed)

    assert view is not None
    assert view["drivers"][0]["milestone"] == "m1"
    share = view["drivers"][0]["share"]
    assert (
        view["drivers"][0]["text"] == f"Legal review of the MSA: {round(100 * share)}% of the risk"
    )
    assert view["advice"] == advice(plan.milestones[0])
    assert view["signature"] is None
    assert view["go_live"]["p50"] <= view["go_live"]["p80"]


def test_a_map_computed_before_the_forecast_has_no_view() -> None:
    plan = parse_plan({"go_live": "2027-01-15", "milestones": [{"id": "m1", "title": "A"}]})
    assert forecast_view(plan, {"risks": []}) is None
