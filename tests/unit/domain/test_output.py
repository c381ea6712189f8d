"""The computed plan as JSON: exactly the contract's keys, order and types."""

from __future__ import annotations

import json

from service.domain import Status, compute, parse_plan
from tests.unit.domain.builders import D, six_step_plan, with_milestone

CONTRACT_EXAMPLE = {
    "account": "Acme Corp",
    "go_live": "2027-01-15",
    "created_on": "2026-11-02",
    "last_edit_on": "2026-11-20",
    "milestones": [
        {"id": "m1", "title": "Pricing proposal review", "side": "buyer",
         "owner": "Dana Lee <dana@acme.com>", "category": "commercial", "lead_bd": 3,
         "status": "Done", "completed_on": "2026-11-19", "deliverable": "Signed-off pricing"},
        {"id": "m2", "title": "Go-live", "kind": "go_live", "lead_bd": 10},
    ],
}  # fmt: skip


def test_the_output_has_the_contracts_keys_in_the_contracts_order() -> None:
    out = compute(parse_plan(CONTRACT_EXAMPLE), D("2026-12-01")).to_json()
    assert list(out) == [
        "today", "committed_go_live", "projected_go_live", "slip_bd", "health", "forecast",
        "milestones", "risks",
    ]  # fmt: skip
    assert list(out["health"]) == ["score", "label"]
    forecast = out["forecast"]
    assert list(forecast) == ["go_live", "signature", "drivers", "basis"]
    assert list(forecast["go_live"]) == ["p_on_time", "p50", "p80"]
    assert forecast["signature"] is None  # no kind "signature" milestone
    assert all(list(d) == ["milestone", "share"] for d in forecast["drivers"])
    assert forecast["basis"] == {"kind": "priors", "plans": 0}
    assert out["health"]["score"] == round(100 * forecast["go_live"]["p_on_time"])
    assert [list(m) for m in out["milestones"]] == [
        ["id", "target", "projected", "health", "slip_bd"]
    ] * 2
    assert all(list(r) == ["code", "severity", "message", "milestones"] for r in out["risks"])
    assert out["today"] == "2026-12-01"
    assert out["committed_go_live"] == "2027-01-15"
    assert out["milestones"][0] == {
        "id": "m1", "target": "2026-12-31", "projected": "2026-11-19", "health": "Done",
        "slip_bd": 0,
    }  # fmt: skip
    json.dumps(out)  # plain JSON types only


def test_na_milestones_are_listed_with_null_dates_in_table_order() -> None:
    plan = with_milestone(six_step_plan(), "m3", status=Status.NOT_APPLICABLE)
    out = compute(plan, D("2026-11-02")).to_json()
    assert [m["id"] for m in out["milestones"]] == ["m1", "m2", "m3", "m4", "m5", "m6"]
    assert out["milestones"][2] == {
        "id": "m3", "target": None, "projected": None, "health": "N/A", "slip_bd": 0,
    }  # fmt: skip


def test_committed_go_live_is_the_date_people_wrote_even_on_a_weekend() -> None:
    plan = parse_plan({"go_live": "2027-01-16", "milestones": [{"id": "a", "title": "A"}]})
    out = compute(plan, D("2026-11-02")).to_json()
    assert out["committed_go_live"] == "2027-01-16"
    assert out["projected_go_live"] == "2027-01-15"
    assert out["slip_bd"] == 0


def test_the_signature_forecast_has_the_contracts_keys() -> None:
    out = compute(six_step_plan(), D("2026-11-02")).to_json()
    signature = out["forecast"]["signature"]
    assert list(signature) == ["p_in_quarter", "p50", "p80"]
    assert isinstance(signature["p_in_quarter"], float)
    assert signature["p50"] <= signature["p80"]
    json.dumps(out)
