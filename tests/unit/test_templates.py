"""Templates: the shipped ones validate and schedule; owners are assigned by side and role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.domain import Category, Kind, Plan, Side, compute, parse_plan, plan_to_json
from service.domain.owners import is_person
from service.templates import Template, TemplateError, list_templates, load_template

D = date.fromisoformat
DANA = ("Dana Lee", "dana@acme.com")
SAM = "Sam Seller <sam@vendor.com>"


def make(template: Template, **changes: object) -> Plan:
    fields: dict[str, object] = {
        "account": "Acme",
        "outcome": "Cut new-hire ramp time by half",
        "go_live": D("2027-03-31"),
        "buyers": [DANA],
        "seller_owner": SAM,
        "created_on": D("2026-11-02"),
    }
    fields.update(changes)
    return template.to_plan(**fields)  # type: ignore[arg-type]


def test_the_shipped_templates_are_listed_by_name() -> None:
    names = [t.name for t in list_templates()]
    assert names == sorted(names)
    assert {"simple-close-plan", "enterprise", "smb-fast-track"} <= set(names)


@pytest.mark.parametrize("template", list_templates(), ids=lambda t: t.name)
def test_every_shipped_template_schedules_a_sound_plan(template: Template) -> None:
    plan = make(template)
    computed = compute(plan, D("2026-11-02"))
    assert all(m.target is not None for m in computed.milestones)
    codes = {r.code for r in computed.risks}
    # A fresh plan is the right size, balanced, owned, has deliverables and no conflicts.
    assert not codes & {"PLAN_SIZE", "UNBALANCED_PLAN", "NO_OWNER", "VAGUE_DELIVERABLE",
                        "DATE_CONFLICT", "GO_LIVE_SLIP"}  # fmt: skip
    assert parse_plan(plan_to_json(plan)) == plan  # what `plan --json` prints, compute reads


@pytest.mark.parametrize("template", list_templates(), ids=lambda t: t.name)
def test_every_role_placeholder_asks_for_a_named_person(template: Template) -> None:
    plan = make(template, buyers=[])
    for m in plan.milestones:
        if m.side is Side.BUYER:
            assert m.owner.endswith("(name needed)")
            assert not is_person(m.owner), m.owner


def test_the_simple_close_plan_has_the_six_steps_worked_back_from_go_live() -> None:
    template = load_template("simple-close-plan")
    plan = make(template, go_live=D("2027-01-15"))
    assert [m.title for m in plan.milestones] == [
        "Pricing proposal review",
        "Technical validation (InfoSec)",
        "Legal contract redlines",
        "Final signature",
        "Kickoff & onboarding",
        "Go-live",
    ]
    targets = [str(m.target) for m in compute(plan, D("2026-11-02")).milestones]
    # Same arithmetic as the hand-worked table in tests/unit/domain/test_schedule.py.
    assert targets == [
        "2026-11-19", "2026-12-04", "2026-12-18", "2026-12-23", "2026-12-31", "2027-01-15",
    ]  # fmt: skip


def test_the_enterprise_plan_covers_the_buyers_paper_process_with_realistic_leads() -> None:
    template = load_template("enterprise")
    assert 12 <= len(template.milestones) <= 15
    by_title = {m.title.casefold(): m for m in template.milestones}

    def step(words: str) -> int:
        matches = [m.lead_bd for title, m in by_title.items() if words in title]
        assert matches, f"no step about {words!r}"
        return matches[0]

    assert 12 <= step("security questionnaire") <= 20
    assert 8 <= step("data processing agreement") <= 12
    assert 10 <= step("legal review") <= 20
    assert 10 <= step("procurement") <= 20
    for words in ("budget", "executive sign-off", "signature", "kickoff", "implementation",
                  "training", "go-live"):  # fmt: skip
        step(words)
    sides = [m.side for m in template.milestones]
    share = (sides.count(Side.BUYER) + sides.count(Side.JOINT) / 2) / len(sides)
    assert 0.4 <= share <= 0.6
    assert all(m.deliverable and m.owner_role for m in template.milestones)
    assert sum(m.kind is Kind.SIGNATURE for m in template.milestones) == 1


def test_owners_follow_the_side_and_the_kind_of_step() -> None:
    plan = make(load_template("simple-close-plan"))
    owners = {m.title: m.owner for m in plan.milestones}
    assert owners["Pricing proposal review"] == "Dana Lee <dana@acme.com>"  # buyer, commercial
    assert owners["Final signature"] == "Dana Lee <dana@acme.com>"
    assert owners["Technical validation (InfoSec)"] == "Acme InfoSec lead (name needed)"
    assert owners["Legal contract redlines"] == SAM  # joint
    assert owners["Kickoff & onboarding"] == SAM  # seller
    risks = {r.code: r for r in compute(plan, D("2026-11-02")).risks}
    assert risks["MISSING_STAKEHOLDER"].milestones == ("m2",)
    assert risks["TEAM_OWNER"].milestones == ("m2",)


def test_enterprise_specialist_steps_get_role_placeholders() -> None:
    plan = make(load_template("enterprise"))
    placeholders = {m.category for m in plan.milestones if m.owner.endswith("(name needed)")}
    assert placeholders == {Category.SECURITY, Category.LEGAL, Category.FINANCE,
                            Category.PROCUREMENT}  # fmt: skip


def test_ids_run_in_table_order_and_dependencies_follow_them() -> None:
    plan = make(load_template("enterprise"))
    assert [m.id for m in plan.milestones] == [f"m{n}" for n in range(1, 16)]
    procurement = next(m for m in plan.milestones if m.category is Category.PROCUREMENT)
    assert procurement.depends_on == ("m3", "m6")
    assert plan.milestones[9].depends_on is None  # the step right above it


def test_a_signature_date_pins_the_signature_step() -> None:
    plan = make(load_template("enterprise"), signature_date=D("2027-02-05"))
    pinned = [m for m in plan.milestones if m.due is not None]
    assert [(m.kind, m.due) for m in pinned] == [(Kind.SIGNATURE, D("2027-02-05"))]
    signature = next(
        c for m, c in zip(plan.milestones, compute(plan, D("2026-11-02")).milestones, strict=True)
        if m.kind is Kind.SIGNATURE
    )  # fmt: skip
    assert signature.target == D("2027-02-05")


def test_the_plan_knows_its_first_owners_so_later_ones_are_new() -> None:
    plan = make(load_template("simple-close-plan"), buyers=[DANA, ("Priya Shah", "p@acme.com")])
    assert plan.known_owners is not None
    assert "Priya Shah <p@acme.com>" in plan.known_owners
    assert SAM in plan.known_owners
    assert plan.go_live == D("2027-03-31") and plan.country == "US"


def test_an_unknown_template_names_the_known_ones() -> None:
    with pytest.raises(TemplateError, match=r"unknown template 'nope'.*enterprise.*simple-close"):
        load_template("nope")
    with pytest.raises(TemplateError, match="unknown template"):
        load_template("../pyproject")


GOOD = """\
name: tiny
title: Tiny
description: Two steps.
milestones:
  - key: sign
    title: Signature
    side: buyer
    owner_role: Economic buyer
    category: commercial
    kind: signature
    lead_bd: 3
    deliverable: Signed order form
  - key: live
    title: Go-live
    side: joint
    owner_role: Champion
    category: go_live
    kind: go_live
    lead_bd: 5
    depends_on: [sign]
    deliverable: Users live
"""


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GOOD.replace("side: buyer", "side: partner"), "tiny.yaml: milestones[0].side"),
        (GOOD.replace("    lead_bd: 3\n", ""), "tiny.yaml: milestones[0].lead_bd: Field required"),
        (GOOD.replace("lead_bd: 3", "lead_bd: -2"), "milestones[0].lead_bd"),
        (GOOD.replace("depends_on: [sign]", "depends_on: [signing]"),
         "milestones[1].depends_on: 'signing' is not a step above"),
        (GOOD.replace("key: live", "key: sign"), "milestones[1].key: duplicate key 'sign'"),
        (GOOD.replace("kind: signature", "kind: go_live"), "milestones[1].kind"),
        (GOOD.replace("name: tiny", "name: small"), "tiny.yaml: name: 'small' must match"),
        (GOOD.replace("title: Tiny", "titel: Tiny"),
         "tiny.yaml: title: Field required; titel: Extra inputs"),
        (GOOD.replace("milestones:", "milestones: ["), "tiny.yaml: not valid YAML at line"),
        ("- just\n- a list\n", "tiny.yaml: a template must be a mapping"),
    ],
)  # fmt: skip
def test_a_bad_template_file_is_an_error_naming_the_file_and_field(
    tmp_path: Path, text: str, words: str
) -> None:
    (tmp_path / "tiny.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template("tiny", tmp_path)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_good_template_file_in_another_folder_loads(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(GOOD, encoding="utf-8")
    [template] = list_templates(tmp_path)
    plan = make(template)
    assert [m.depends_on for m in plan.milestones] == [None, ("m1",)]
