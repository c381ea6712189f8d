"""Each organisation's calibration, from its finished MAPs (the daily cron), and the one
a sync of its MAPs uses.

A MAP is finished when its go-live milestone is Done. Its last snapshot holds the plan
as the sheet last showed it, with the date each step was done; the MAP's record gives
when the plan was written (``created_on``) and its country. The engine's calibration
(:mod:`service.domain.calibration`) turns those into observed ratios of actual to planned
duration. An organisation without finished MAPs keeps the
built-in priors; the forecast's basis says which ("priors" or "42 past plans").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from service.domain.calibration import (
    Calibration,
    Observation,
    calibration_from,
    duration_observations,
)
from service.domain.errors import PlanInputError
from service.domain.model import Kind, Plan
from service.services.backend import Backend
from service.services.map_state import MapState
from service.store.errors import StoreError
from service.store.records import MapSort, OrgCalibration
from service.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class CalibrateReport:
    orgs: int = 0
    plans: int = 0  # finished MAPs that gave observations, over every organisation
    failed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"orgs": self.orgs, "plans": self.plans, "failed": self.failed}


def finished_plans(store: Store, org: str) -> list[Plan]:
    """The organisation's MAPs whose go-live is done, as the engine reads past plans."""
    found: list[Plan] = []
    for record in store.list_maps(org, MapSort.ACCOUNT):
        snapshot = store.latest_snapshot(record.spreadsheet_id)
        if snapshot is None:
            continue
        try:
            plan = MapState.from_snapshot(snapshot).plan
        except PlanInputError as exc:  # written by another version of the code
            log.warning("the snapshot of %s is unreadable: %s", record.spreadsheet_id, exc)
            continue
        if not _finished(plan):
            continue
        found.append(
            replace(plan, created_on=record.created_on, country=record.country or plan.country)
        )
    return found


def refresh_calibration(store: Store, org: str) -> OrgCalibration:
    """Build ``org``'s calibration from its finished MAPs and store it. A past plan the
    engine cannot read (a country without a calendar, dates off it) is left out, logged;
    the others still count."""
    per_plan: list[list[Observation]] = []
    for plan in finished_plans(store, org):
        try:
            per_plan.append(duration_observations(plan))
        except ValueError as exc:  # PlanInputError and the calendar's errors
            log.warning("a past plan of %s left out of its calibration: %s", org, exc)
    calibration = calibration_from(per_plan)
    return store.save_calibration(org, plans=calibration.plans, calibration=calibration.to_json())


def refresh_calibrations(backend: Backend) -> CalibrateReport:
    """Refresh every organisation's calibration (the daily cron)."""
    report = CalibrateReport()
    for org in backend.store.orgs():
        try:
            saved = refresh_calibration(backend.store, org)
        except StoreError as exc:  # the next organisation may still succeed
            log.warning("calibration of %s failed: %s", org, exc)
            report.failed.append(org)
            continue
        report.orgs += 1
        report.plans += saved.plans
    return report


def org_calibration(store: Store, org: str) -> Calibration | None:
    """The calibration a sync of ``org``'s MAPs uses; None (the priors) until it has one
    built from at least one past plan."""
    return calibration_of(store.get_calibration(org))


def calibration_of(stored: OrgCalibration | None) -> Calibration | None:
    """The calibration a sync uses from the organisation's ``stored`` row (None: it has
    none): None (the priors) until one is built from at least one past plan, or when
    the row cannot be read."""
    if stored is None or stored.plans == 0:
        return None
    try:
        return Calibration.from_json(stored.calibration)
    except PlanInputError as exc:  # written by another version: the priors until rebuilt
        log.warning("calibration of %s unreadable (%s); using the priors", stored.org, exc)
        return None


def basis_words(basis: dict[str, object] | None) -> str:
    """What the forecast is based on, in words: "priors" or "42 past plans"."""
    if not basis or basis.get("kind") != "calibrated":
        return "priors"
    plans = basis.get("plans")
    return "1 past plan" if plans == 1 else f"{plans} past plans"


def _finished(plan: Plan) -> bool:
    return any(m.kind is Kind.GO_LIVE and m.is_done for m in plan.milestones)
