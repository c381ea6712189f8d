"""``/api``: what the add-on's menu, dialogs and sidebar call (docs/api.md)."""

from __future__ import annotations

import hmac
import re
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from service.services import views
from service.services.provision import Contact, MapRequest, provision_map
from service.services.review import run_review
from service.store.records import MapRecord
from service.web.calendar_feed import milestone_calendar
from service.web.context import authenticated_caller, owned_map, plausible_id, web
from service.web.errors import NotFound, Unauthenticated, ValidationFailed
from service.web.schemas import (
    CalendarFeed,
    CalendarQuery,
    CreatedMap,
    CreateMapRequest,
    MapDetail,
    MapSummary,
    Pipeline,
    PipelineQuery,
    PipelineRollup,
    ReviewResult,
    TemplateInfo,
    TemplateList,
    dump,
)
from service.web.validation import parse_json_body, parse_query

bp = Blueprint("api", __name__, url_prefix="/api")

ACCESS_TOKEN_HEADER = "X-Goog-Access-Token"
# Printable ASCII without spaces, as OAuth access tokens are (RFC 6750's b64token and more).
ACCESS_TOKEN_SHAPE = re.compile(r"^[\x21-\x7e]{1,4096}$")


@bp.get("/templates")
def list_templates() -> Any:
    """The templates a MAP can start from."""
    authenticated_caller()
    templates = [
        TemplateInfo(
            name=t.name, title=t.title, description=t.description, milestones=len(t.milestones)
        )
        for t in web().templates.values()
    ]
    return dump(TemplateList(templates=templates))


@bp.post("/maps")
def create_map() -> Any:
    """Create MAP: a new, shared, watched spreadsheet (or this one) from a template."""
    caller = authenticated_caller()
    body = parse_json_body(request, CreateMapRequest)
    seller_token = request.headers.get(ACCESS_TOKEN_HEADER, "").strip()
    if not seller_token:
        raise Unauthenticated(
            f"the seller's OAuth access token is required ({ACCESS_TOKEN_HEADER} header)"
        )
    if not ACCESS_TOKEN_SHAPE.match(seller_token):
        raise Unauthenticated(f"the {ACCESS_TOKEN_HEADER} header is not an OAuth access token")
    context = web()
    if body.template not in context.templates:
        known = ", ".join(sorted(context.templates))
        raise ValidationFailed([("template", f"no template {body.template!r} (known: {known})")])
    map_request = MapRequest(
        template=body.template,
        account=body.account,
        outcome=body.outcome,
        go_live=body.go_live,
        buyers=tuple(Contact(b.name, b.email) for b in body.buyers),
        seller_owner=body.seller_owner or caller.email,
        seller_email=caller.email,
        org=caller.org,
        country=body.country,
        signature_date=body.signature_date,
        amount=body.amount,
        spreadsheet_id=body.spreadsheet_id,
        time_zone=body.time_zone,
        locale=body.locale,
    )
    provisioned = provision_map(context.backend, map_request, seller_token)
    created = CreatedMap(
        spreadsheet_id=provisioned.spreadsheet_id,
        url=provisioned.url,
        summary=_summary(provisioned.record),
    )
    location = f"/api/maps/{quote(provisioned.spreadsheet_id)}"
    return dump(created), 201, {"Location": location}


@bp.get("/maps")
def pipeline() -> Any:
    """The caller's organisation's MAPs, riskiest first (or by ``sort``)."""
    caller = authenticated_caller()
    query = parse_query(request.args, PipelineQuery)
    rows = views.pipeline(web().backend, caller.org, query.sort)
    return dump(
        Pipeline(
            maps=[MapSummary.model_validate(r) for r in rows],
            rollup=PipelineRollup.model_validate(views.rollup(rows)),
        )
    )


@bp.get("/maps/<spreadsheet_id>")
def map_detail(spreadsheet_id: str) -> Any:
    """One MAP's plan, risks and next steps as last computed (the sidebar)."""
    record = owned_map(authenticated_caller(), spreadsheet_id)
    return _detail(record, views.map_view(web().backend, spreadsheet_id))


@bp.post("/maps/<spreadsheet_id>/refresh")
def refresh(spreadsheet_id: str) -> Any:
    """Sync now (coalesced with any sync under way), then answer like the detail."""
    record = owned_map(authenticated_caller(), spreadsheet_id)
    return _detail(record, views.refresh(web().backend, spreadsheet_id))


@bp.post("/maps/<spreadsheet_id>/review")
def review(spreadsheet_id: str) -> Any:
    """The weekly review, appended to the Reviews tab."""
    owned_map(authenticated_caller(), spreadsheet_id)
    summary = run_review(web().backend, spreadsheet_id)
    return dump(ReviewResult.model_validate({"review": summary.to_json()}))


@bp.post("/maps/<spreadsheet_id>/calendar-key")
def rotate_calendar_key(spreadsheet_id: str) -> Any:
    """A new key for the calendar feed (also turns a revoked feed back on)."""
    owned_map(authenticated_caller(), spreadsheet_id)
    record = web().backend.store.rotate_calendar_key(spreadsheet_id)
    return dump(CalendarFeed(calendar_url=calendar_url(record)))


@bp.delete("/maps/<spreadsheet_id>/calendar-key")
def revoke_calendar_key(spreadsheet_id: str) -> Any:
    """Turn the calendar feed off: its key is refused from now on."""
    owned_map(authenticated_caller(), spreadsheet_id)
    record = web().backend.store.revoke_calendar_key(spreadsheet_id)
    return dump(CalendarFeed(calendar_url=calendar_url(record)))


@bp.get("/maps/<spreadsheet_id>/calendar.ics")
def calendar(spreadsheet_id: str) -> Any:
    """The milestones as an iCalendar feed; the per-MAP key stands in for a token."""
    query = parse_query(request.args, CalendarQuery)
    context = web()
    record = context.backend.store.get_map(spreadsheet_id) if plausible_id(spreadsheet_id) else None
    expected = record.calendar_key if record is not None else None  # None: revoked
    # Compared in constant time whether or not there is a key to compare with.
    matches = hmac.compare_digest(query.key.encode(), (expected or "-").encode())
    if record is None or expected is None or not matches:
        raise NotFound("no such calendar")
    view = views.map_view(context.backend, spreadsheet_id)
    body = milestone_calendar(
        map_id=record.map_id,
        account=record.account,
        url=context.backend.sheet_url(spreadsheet_id),
        milestones=view.milestones,
        generated_at=context.backend.now(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="map.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def calendar_url(record: MapRecord) -> str | None:
    """The feed's address with its key; None when the key is revoked."""
    if record.calendar_key is None:
        return None
    base = web().settings.public_url.rstrip("/")
    sid = quote(record.spreadsheet_id)
    return f"{base}/api/maps/{sid}/calendar.ics?key={quote(record.calendar_key)}"


def _summary(record: MapRecord) -> MapSummary:
    return MapSummary.model_validate(views.summary(web().backend, record))


def _detail(record: MapRecord, view: views.MapView) -> Any:
    data = {**view.to_json(), "calendar_url": calendar_url(record)}
    return dump(MapDetail.model_validate(data))
