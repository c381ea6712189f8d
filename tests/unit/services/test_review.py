"""The weekly review: what happened since the last one, on the Reviews tab, and the
review date stamped (which keeps STALE_PLAN away and acknowledges newcomers)."""

from __future__ import annotations

from service.domain.model import Status
from service.services.review import run_review
from service.services.sweep import sweep
from tests.unit.services.conftest import Desk


def test_the_weekly_review_lists_what_happened_and_stamps_the_review_date(desk: Desk) -> None:
    sid = desk.new_map()
    desk.sync(sid)
    desk.clock.advance(days=2)
    desk.drive.edit(sid, "m1", "status", Status.DONE)
    desk.drive.edit(sid, "m2", "owner", "Priya Patel <priya@acme.example>")
    desk.clock.advance(days=8)
    summary = run_review(desk.backend, sid)
    assert summary.completed == ["Pricing proposal review"]
    assert summary.new_stakeholders == ["Priya Patel <priya@acme.example>"]
    sections = {row[1] for row in desk.drive.sheet(sid).reviews}
    assert {"Completed", "Overdue", "Dates moved", "New stakeholders", "Open risk"} <= sections
    agenda = [row[2] for row in desk.drive.sheet(sid).reviews if row[1] == "Ask in your next call"]
    assert agenda == summary.agenda and any(
        text.startswith("Book the next step") for text in agenda
    )
    assert desk.drive.sheet(sid).header_computed["last_review"] == desk.today().isoformat()
    record = desk.store.get_map(sid)
    assert record is not None and record.last_reviewed_on == desk.today()
    # The review put the newcomer in front of the seller: no more NEW_STAKEHOLDER.
    assert "NEW_STAKEHOLDER" not in desk.risk_codes(sid)


def test_a_plan_nobody_touches_goes_stale_and_a_review_freshens_it(desk: Desk) -> None:
    sid = desk.new_map()
    desk.sync(sid)
    desk.clock.advance(days=15)
    sweep(desk.backend)
    assert "STALE_PLAN" in desk.risk_codes(sid)
    run_review(desk.backend, sid)
    assert "STALE_PLAN" not in desk.risk_codes(sid)
