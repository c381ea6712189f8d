"""Any plan the engine handles can be provisioned: the Plan tab's grid is sized to the
plan before anything is written (a new sheet has 1,000 rows)."""

from __future__ import annotations

from datetime import timedelta

from service.domain.model import Category, Side
from service.services.provision import provision_map
from service.services.sync import SyncDeps, sync_map
from service.templates import Template, TemplateMilestone
from tests.integration.services.conftest import SELLER, World
from tests.integration.services.sheet_view import milestone_rows
from tests.map_requests import map_request

MILESTONES = 1_200


def long_template(size: int) -> Template:
    steps = [
        TemplateMilestone(
            key=f"s{i}",
            title=f"Step {i}",
            side=Side.BUYER if i % 2 else Side.SELLER,
            owner_role="Project lead",
            category=Category.IMPLEMENTATION,
            lead_bd=1 if i % 10 == 0 else 0,
            deliverable=f"Deliverable {i}",
        )
        for i in range(size)
    ]
    return Template(name="long", title="Long", description="A long plan.", milestones=steps)


def test_a_plan_of_1200_milestones_is_provisioned_and_synced(world: World) -> None:
    request = map_request(world.today() + timedelta(days=400))

    made = provision_map(
        world.backend, request, world.token_for(SELLER), template=long_template(MILESTONES)
    )

    rows = milestone_rows(world.backend_emulator_state, made.spreadsheet_id)
    assert len(rows) == MILESTONES
    assert rows[f"m{MILESTONES}"]["Milestone"] == f"Step {MILESTONES - 1}"
    assert rows[f"m{MILESTONES}"]["Target date"]
    with world.backend.sheets() as sheets:
        result = sync_map(SyncDeps(world.store, sheets, world.clock), made.spreadsheet_id)
    assert not result.wrote
