"""One-click updates on the in-memory spreadsheet: the change lands on the milestone's
row wherever it moved, in one call, and the sync after it names the owner "via email"."""

from __future__ import annotations

from service.domain.model import Status
from service.services.action_links import Action, ActionLinks
from service.services.one_click import apply
from tests.unit.services.conftest import Desk

DANA = "Dana Lee <dana@acme.example>"


def test_the_change_lands_on_the_milestones_row_and_is_the_owners(desk: Desk) -> None:
    sid = desk.new_map()
    desk.drive.edit(sid, "m2", "owner", DANA)
    desk.sync(sid)
    desk.drive.sort_rows(sid, reverse=True)  # rows move after the last sync
    desk.drive.reset_calls()
    links = ActionLinks("unit-test-link-secret-0123", "http://backend.test", clock=desk.clock)
    token = links.action_url(sid, "m2", "dana@acme.example", Action.DONE).rsplit("/", 1)[1]

    apply(desk.backend, links.check_action(token))

    assert desk.drive.calls["write"] == 1 and desk.drive.calls["read"] == 0
    assert desk.drive.row(sid, "m2").inputs["status"] == Status.DONE.value
    assert desk.drive.row(sid, "m1").inputs.get("status") != Status.DONE.value
    desk.sync(sid)
    (event,) = [e for e in desk.store.history(sid) if e.field == "status"]
    assert (event.milestone_id, event.new, event.actor) == (
        "m2",
        "Done",
        "dana@acme.example via email",
    )
