"""Reading the plan document: defaults, tolerant statuses, and errors that name the field."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from service.domain import (
    Category,
    Kind,
    PlanInputError,
    Side,
    Status,
    parse_plan,
    parse_status,
    plan_to_json,
)

D = date.fromisoformat


def minimal_doc() -> dict[str, Any]:
    return {
        "go_live": "2027-01-15",
        "milestones": [
            {"id": "m1", "title": "Security review"},
            {"id": "m2", "title": "Signature"},
            {"id": "m3", "title": "Go-live"},
        ],
    }


def test_only_go_live_and_milestone_ids_and_titles_are_required() -> None:
    plan = parse_plan(minimal_doc())
    assert plan.go_live == D("2027-01-15")
    assert plan.country == "US"
    assert plan.non_working_days == ()
    assert plan.quarter_start_month == 1
    assert plan.known_owners is None
    assert plan.history == ()
    m = plan.milestones[0]
    assert (m.side, m.owner, m.category, m.kind, m.lead_bd) == (
        Side.SELLER, "", Category.OTHER, None, 5,
    )  # fmt: skip
    assert (m.depends_on, m.due, m.status, m.completed_on) == (None, None, Status.NOT_STARTED, None)
    assert (m.deliverable, m.notes) == ("", "")


def test_the_contract_example_document_is_read_field_by_field() -> None:
    doc = {
        "account": "Acme Corp",
        "outcome": "Launch onboarding to cut new-hire ramp time by 50%",
        "go_live": "2027-01-15",
        "country": "us",
        "non_working_days": ["2026-12-24"],
        "quarter_start_month": 2,
        "created_on": "2026-11-02",
        "shared_on": "2026-11-03",
        "last_edit_on": "2026-11-20",
        "last_buyer_edit_on": "2026-11-18",
        "last_reviewed_on": "2026-11-16",
        "known_owners": ["Dana Lee <dana@acme.com>"],
        "history": [
            {"on": "2026-11-10", "field": "go_live", "old": "2027-01-08", "new": "2027-01-15",
             "reason": ""}
        ],
        "milestones": [
            {"id": "m1", "title": "Pricing proposal review", "side": "Buyer",
             "owner": "Dana Lee <dana@acme.com>", "category": "commercial", "kind": None,
             "lead_bd": 3, "depends_on": None, "due": None, "status": "Done",
             "completed_on": "2026-12-15", "deliverable": "Signed-off pricing", "notes": ""},
            {"id": "m2", "title": "Go-live", "kind": "go-live", "category": "Go live",
             "depends_on": ["m1"], "due": "2027-01-10"},
        ],
    }  # fmt: skip
    plan = parse_plan(doc)
    assert plan.account == "Acme Corp"
    assert plan.country == "US"
    assert plan.non_working_days == (D("2026-12-24"),)
    assert plan.quarter_start_month == 2
    assert plan.last_reviewed_on == D("2026-11-16")
    assert plan.known_owners == ("Dana Lee <dana@acme.com>",)
    assert plan.history[0].field == "go_live" and plan.history[0].old == "2027-01-08"
    m1, m2 = plan.milestones
    assert m1.side is Side.BUYER and m1.status is Status.DONE
    assert m1.completed_on == D("2026-12-15")
    assert m2.kind is Kind.GO_LIVE and m2.category is Category.GO_LIVE
    assert m2.depends_on == ("m1",) and m2.due == D("2027-01-10")


def test_an_empty_depends_on_list_means_no_predecessor() -> None:
    doc = minimal_doc()
    doc["milestones"][1]["depends_on"] = []
    assert parse_plan(doc).milestones[1].depends_on == ()


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("Not started", Status.NOT_STARTED),
        ("pending", Status.NOT_STARTED),
        ("To do", Status.NOT_STARTED),
        ("TO-DO", Status.NOT_STARTED),
        ("", Status.NOT_STARTED),
        ("In progress", Status.IN_PROGRESS),
        ("in-progress", Status.IN_PROGRESS),
        ("🚧 In Progress", Status.IN_PROGRESS),
        ("Done", Status.DONE),
        ("✅ done", Status.DONE),
        ("Complete", Status.DONE),
        ("COMPLETED ✔️", Status.DONE),
        ("Blocked", Status.BLOCKED),
        ("⛔ blocked!", Status.BLOCKED),
        ("N/A", Status.NOT_APPLICABLE),
        ("n/a", Status.NOT_APPLICABLE),
        ("Not applicable", Status.NOT_APPLICABLE),
        ("Skipped", Status.NOT_APPLICABLE),
    ],
)
def test_status_is_read_the_way_people_type_it(typed: str, status: Status) -> None:
    assert parse_status(typed) is status


@pytest.mark.parametrize("typed", ["Finished?", "maybe", "✅", "50%", "Donee"])
def test_an_unknown_status_is_an_error(typed: str) -> None:
    with pytest.raises(ValueError, match="unknown status"):
        parse_status(typed)


def _broken(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(minimal_doc())
    change(doc)
    return doc


def _set(path: list[Any], value: Any) -> Any:
    def change(doc: Any) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("doc", "path", "words"),
    [
        ([], "", "JSON object"),
        (_broken(lambda d: d.pop("go_live")), "go_live", "required"),
        (_broken(lambda d: d.pop("milestones")), "milestones", "at least one"),
        (_broken(_set(["milestones"], [])), "milestones", "at least one"),
        (_broken(_set(["milestones"], {"id": "m1"})), "milestones", "must be a list"),
        (_broken(_set(["go_live"], "2027-02-30")), "go_live", "not a real date"),
        (_broken(_set(["go_live"], "15/01/2027")), "go_live", "YYYY-MM-DD"),
        (_broken(_set(["go_live"], "0999-01-01")), "go_live", "outside the years"),
        (_broken(_set(["created_on"], 20270115)), "created_on", "YYYY-MM-DD"),
        (_broken(_set(["non_working_days"], ["2026-12-24", "soon"])), "non_working_days[1]",
         "not a date"),
        (_broken(_set(["country"], "XX")), "country", "country code"),
        (_broken(_set(["quarter_start_month"], 13)), "quarter_start_month", "1 to 12"),
        (_broken(_set(["known_owners"], "Dana")), "known_owners", "must be a list"),
        (_broken(_set(["history"], [{"field": "go_live"}])), "history[0].on", "not a date"),
        (_broken(_set(["golive"], "2027-01-15")), "golive", "unknown field"),
        (_broken(_set(["milestones", 1], "m2")), "milestones[1]", "JSON object"),
        (_broken(_set(["milestones", 1, "id"], "m1")), "milestones[1].id", "duplicate id 'm1'"),
        (_broken(_set(["milestones", 1, "id"], "")), "milestones[1].id", "non-empty"),
        (_broken(_set(["milestones", 1, "title"], " ")), "milestones[1].title", "non-empty"),
        (_broken(_set(["milestones", 2, "depends_on"], ["m9"])), "milestones[2].depends_on",
         "unknown milestone id 'm9'"),
        (_broken(_set(["milestones", 2, "depends_on"], "m1")), "milestones[2].depends_on",
         "must be a list"),
        (_broken(_set(["milestones", 0, "depends_on"], ["m2"])), "milestones[0].depends_on",
         "cycle m1 -> m2 -> m1"),
        (_broken(_set(["milestones", 1, "depends_on"], ["m2"])), "milestones[1].depends_on",
         "cycle m2 -> m2"),
        (_broken(_set(["milestones", 1, "side"], "partner")), "milestones[1].side",
         "buyer, seller, joint"),
        (_broken(_set(["milestones", 1, "category"], "marketing")), "milestones[1].category",
         "not one of"),
        (_broken(_set(["milestones", 1, "kind"], "kickoff")), "milestones[1].kind", "not one of"),
        (_broken(_set(["milestones", 1, "lead_bd"], -1)), "milestones[1].lead_bd", "whole number"),
        (_broken(_set(["milestones", 1, "lead_bd"], 2.5)), "milestones[1].lead_bd",
         "whole number"),
        (_broken(_set(["milestones", 1, "lead_bd"], True)), "milestones[1].lead_bd",
         "whole number"),
        (_broken(_set(["milestones", 1, "lead_bd"], "5")), "milestones[1].lead_bd",
         "whole number"),
        (_broken(_set(["milestones", 1, "status"], "Finished?")), "milestones[1].status",
         "unknown status"),
        (_broken(_set(["milestones", 1, "due"], "next week")), "milestones[1].due", "YYYY-MM-DD"),
        (_broken(_set(["milestones", 1, "completed_on"], "2026-11-31")),
         "milestones[1].completed_on", "not a real date"),
        (_broken(_set(["milestones", 1, "owner"], 42)), "milestones[1].owner", "must be text"),
        (_broken(_set(["milestones", 1, "lead"], 5)), "milestones[1].lead", "unknown field"),
    ],
)  # fmt: skip
def test_bad_input_is_an_error_naming_the_field(doc: Any, path: str, words: str) -> None:
    with pytest.raises(PlanInputError) as caught:
        parse_plan(doc)
    assert caught.value.path == path
    assert words in str(caught.value)
    if path:
        assert str(caught.value).startswith(f"{path}: ")


def test_a_cycle_is_named_from_its_first_milestone_in_table_order() -> None:
    doc = minimal_doc()
    doc["milestones"][0]["depends_on"] = ["m3"]  # m3 -> m2 -> m1 by default, m1 -> m3
    with pytest.raises(PlanInputError) as caught:
        parse_plan(doc)
    assert caught.value.path == "milestones[0].depends_on"
    assert "m1 -> m3 -> m2 -> m1" in caught.value.message


def test_two_go_live_milestones_are_an_error_on_the_second() -> None:
    doc = minimal_doc()
    doc["milestones"][0]["kind"] = "go_live"
    doc["milestones"][2]["kind"] = "go_live"
    with pytest.raises(PlanInputError) as caught:
        parse_plan(doc)
    assert caught.value.path == "milestones[2].kind"
    assert "milestones[0]" in caught.value.message


def test_a_plan_written_out_reads_back_the_same() -> None:
    doc = minimal_doc()
    doc["known_owners"] = ["Dana Lee <dana@acme.com>"]
    doc["history"] = [{"on": "2026-11-10", "field": "go_live", "old": None, "new": "2027-01-15"}]
    doc["milestones"][1].update(
        {"side": "buyer", "status": "✅ Done", "completed_on": "2026-12-01", "kind": "signature"}
    )
    doc["milestones"][2]["depends_on"] = ["m1", "m2"]
    plan = parse_plan(doc)
    written = plan_to_json(plan)
    assert parse_plan(written) == plan
    assert list(written) == [
        "account", "outcome", "go_live", "country", "non_working_days", "quarter_start_month",
        "created_on", "shared_on", "last_edit_on", "last_buyer_edit_on", "last_reviewed_on",
        "known_owners", "history", "milestones", "calibration",
    ]  # fmt: skip
    assert written["milestones"][1]["status"] == "Done"


def test_a_plan_written_again_gives_equal_documents_of_its_own() -> None:
    """A milestone written before is written again from what was kept: the same
    document, a copy the caller may change without changing the next one; a milestone
    changed (a new object) is written afresh."""
    doc = minimal_doc()
    doc["milestones"][2]["depends_on"] = ["m1", "m2"]
    plan = parse_plan(doc)
    first = plan_to_json(plan)
    first["milestones"][0]["title"] = "Changed by the caller"
    first["milestones"][2]["depends_on"].append("m9")

    again = plan_to_json(plan)
    assert again["milestones"][0]["title"] == "Security review"
    assert again["milestones"][2]["depends_on"] == ["m1", "m2"]
    assert again["milestones"][0] is not first["milestones"][0]

    from dataclasses import replace

    done = replace(plan.milestones[0], status=Status.DONE, notes="signed off")
    later = plan_to_json(replace(plan, milestones=(done, *plan.milestones[1:])))
    assert (later["milestones"][0]["status"], later["milestones"][0]["notes"]) == (
        "Done",
        "signed off",
    )
    assert later["milestones"][1:] == again["milestones"][1:]
    assert parse_plan(later).milestones[0] == done
