"""``/tasks``: the cron jobs (cron.yaml). Only the scheduler may run them: App Engine's
``X-Appengine-Cron: true`` header where it is trusted, or the cron service account's ID
token. App Engine cron sends GET, Cloud Scheduler POST: both are accepted."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from service.services.calibrate import refresh_calibrations
from service.services.sweep import renew_channels, sweep
from service.web.auth import cron_allowed
from service.web.context import web
from service.web.schemas import CalibrateCounts, RenewCounts, SweepCounts, dump

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _require_scheduler() -> None:
    context = web()
    settings = context.settings
    cron_allowed(
        cron_header=request.headers.get("X-Appengine-Cron"),
        trust_cron_header=settings.trust_cron_header,
        authorization=request.headers.get("Authorization"),
        verifier=context.verifier,
        cron_account=settings.cron_service_account,
        cron_audiences=settings.resolved_cron_audiences(),
    )


@bp.route("/sweep", methods=["GET", "POST"])
def run_sweep() -> Any:
    """Retry pending syncs; recompute the others for today from their snapshots."""
    _require_scheduler()
    report = sweep(web().backend)
    return dump(SweepCounts.model_validate(report.to_json()))


@bp.route("/renew-channels", methods=["GET", "POST"])
def run_renew_channels() -> Any:
    """Replace Drive channels about to expire; watch MAPs that have none."""
    _require_scheduler()
    report = renew_channels(web().backend)
    return dump(RenewCounts.model_validate(report.to_json()))


@bp.route("/calibrate", methods=["GET", "POST"])
def run_calibrate() -> Any:
    """Rebuild each organisation's calibration from its finished MAPs (daily)."""
    _require_scheduler()
    report = refresh_calibrations(web().backend)
    return dump(CalibrateCounts.model_validate(report.to_json()))
