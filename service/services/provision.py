"""Create a MAP: from a template and the seller's inputs to a shared, back-scheduled
spreadsheet that the backend watches.

API calls, whatever the template's size: two to Sheets (``create`` or, for "create
here", a ``get`` of the existing file; then one ``batchUpdate``), one Drive permission
per person shared with (each buyer, and the backend's service account), and one watch;
"create here" first asks Drive, as the seller, whether the seller may edit the file.
The spreadsheet is created and shared with the seller's own token (service accounts
cannot own files in My Drive); the watch is the service account's, so its channel
outlives the seller's token.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from service.clock import DEFAULT_TIME_ZONE, is_time_zone, local_today
from service.domain.compute import compute
from service.domain.errors import PlanInputError
from service.domain.history import owners_of
from service.domain.model import ComputedPlan, Plan
from service.domain.timeline import timeline
from service.services.backend import Backend
from service.services.calibrate import org_calibration
from service.services.map_sheets import MapSheets, NewMap
from service.services.map_state import MapState
from service.services.sync import summary_fields
from service.sheets.errors import AlreadyAMap, GoogleError, PermissionDenied, SheetNotFound
from service.store.records import MapRecord
from service.templates import Template, load_template

log = logging.getLogger(__name__)


class MapConflict(Exception):
    """The spreadsheet already holds a MAP."""


class NotAnEditor(Exception):
    """The seller asked for a MAP in a spreadsheet they cannot edit."""

    def __init__(self, spreadsheet_id: str) -> None:
        super().__init__(
            f"you cannot edit spreadsheet {spreadsheet_id}: a MAP can only be created in a "
            "spreadsheet you may edit (ask its owner for edit access)"
        )
        self.spreadsheet_id = spreadsheet_id


class ProvisionInputError(ValueError):
    """A seller's input the plan cannot use; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class MapRequest:
    template: str
    account: str
    outcome: str
    go_live: date
    buyers: tuple[Contact, ...]
    seller_owner: str
    seller_email: str
    org: str
    country: str = "US"
    signature_date: date | None = None
    spreadsheet_id: str | None = None  # "in this spreadsheet"
    # The spreadsheet's time zone (an IANA name): a new one gets it; for "in this
    # spreadsheet" it is the one the spreadsheet has. "" = a new spreadsheet's default, UTC.
    time_zone: str = ""
    # The spreadsheet's locale (such as de_DE): a new one gets it; how typed dates are
    # read and the backend's dates are shown. "" = en_US.
    locale: str = ""
    # What the deal is worth, in whole units of its currency (optional): the pipeline
    # sums it weighted by the chance of signing this quarter.
    amount: int | None = None


@dataclass(frozen=True)
class Provisioned:
    spreadsheet_id: str
    url: str
    record: MapRecord
    computed: ComputedPlan
    plan: Plan


def provision_map(
    backend: Backend, request: MapRequest, seller_token: str, *, template: Template | None = None
) -> Provisioned:
    """Lay out, share, register and watch a new MAP (see the module docstring).
    ``template`` overrides looking ``request.template`` up in ``sheets_templates/``."""
    _check_time_zone(request.time_zone)
    today = local_today(backend.now(), request.time_zone or DEFAULT_TIME_ZONE)
    _check(request, today)
    template = template or load_template(request.template)
    plan = template.to_plan(
        account=request.account,
        outcome=request.outcome,
        go_live=request.go_live,
        country=request.country,
        buyers=[(b.name, b.email) for b in request.buyers],
        seller_owner=request.seller_owner,
        signature_date=request.signature_date,
        created_on=today,
    )
    try:
        computed = compute(plan, today, org_calibration(backend.store, request.org))
    except PlanInputError as exc:
        # The plan comes from a validated template, so what can be wrong is the seller's
        # input: a country without a holiday calendar, dates beyond the calendar's years.
        field = "country" if "country" in exc.path else "go_live"
        raise ProvisionInputError(field, exc.message) from exc
    map_id = uuid.uuid4().hex
    token = uuid.uuid4().hex
    new = NewMap(
        map_id=map_id,
        title=f"{request.account} · Mutual Action Plan",
        account=request.account,
        outcome=request.outcome,
        go_live=request.go_live,
        milestones=plan.milestones,
        computed=computed,
        write_token=token,
        time_zone=request.time_zone,
        locale=request.locale,
        timeline=timeline(plan, computed),
    )
    with backend.seller_sheets(seller_token) as seller:
        spreadsheet_id = _lay_out(backend, seller, request, new)
        _share(backend, seller, request, spreadsheet_id)

    record = backend.store.register_map(
        spreadsheet_id=spreadsheet_id,
        map_id=map_id,
        org=request.org,
        seller_email=request.seller_email,
        account=request.account,
        outcome=request.outcome,
        template=request.template,
        country=request.country,
        committed_go_live=request.go_live,
        created_on=today,
        shared_on=today if request.buyers else None,
        buyer_emails=[b.email for b in request.buyers],
        amount=request.amount,
    )
    state = MapState(
        plan=plan,
        computed=computed.to_json(),
        sheet={},  # the first sync reads the sheet and remembers its layout
        write_token=token,
        known_owners=plan.known_owners or tuple(owners_of(plan.milestones)),
        next_id=len(plan.milestones) + 1,
    )
    backend.store.save_snapshot(spreadsheet_id, **state.snapshot())
    record = backend.store.update_map(spreadsheet_id, **summary_fields(computed, plan))
    if backend.drive_hook_url:
        watch_map(backend, spreadsheet_id)
    return Provisioned(spreadsheet_id, backend.sheet_url(spreadsheet_id), record, computed, plan)


def _lay_out(backend: Backend, seller: MapSheets, request: MapRequest, new: NewMap) -> str:
    """Create the spreadsheet (or take the seller's) and lay the MAP out: two Sheets calls."""
    if not request.spreadsheet_id:
        return seller.create_map(new)
    spreadsheet_id = request.spreadsheet_id
    # As the seller, with the seller's token, before the backend touches the file: the
    # backend's own account may edit files the seller cannot (anyone may share a file
    # with it), and laying a MAP out there would lock its owner out.
    if not seller.can_edit(spreadsheet_id):
        raise NotAnEditor(spreadsheet_id)
    if backend.store.get_map(spreadsheet_id) is not None:
        raise MapConflict(f"spreadsheet {spreadsheet_id} already holds a MAP")
    try:
        with backend.sheets() as service:
            try:
                # The add-on shares the seller's current file with the backend first
                # (its drive.file token cannot open files the app did not create).
                service.lay_out_in(spreadsheet_id, new)
            except (PermissionDenied, SheetNotFound):
                seller.lay_out_in(spreadsheet_id, new)
    except AlreadyAMap as exc:
        raise MapConflict(str(exc)) from exc
    return spreadsheet_id


def _share(backend: Backend, seller: MapSheets, request: MapRequest, spreadsheet_id: str) -> None:
    """One Drive permission per buyer (with an invitation) and one for the backend."""
    go_live = request.go_live
    message = (
        f"{request.seller_owner or request.seller_email} shared the Mutual Action Plan for "
        f"{request.account}: the steps both teams take to go live by {go_live:%B} "
        f"{go_live.day}, {go_live.year}. Edit it directly: dates and risks update themselves."
    )
    for buyer in request.buyers:
        seller.share(spreadsheet_id, buyer.email, message=message, notify=True)
    seller.share(spreadsheet_id, backend.service_account_email, message="", notify=False)


def watch_map(backend: Backend, spreadsheet_id: str) -> bool:
    """Register a Drive push channel for the MAP; False (logged) when Drive refuses.

    The channel is stored before the watch is opened: Drive sends its first ("sync")
    message at once, and the hook must already know the channel's token then.
    """
    token = secrets.token_urlsafe(32)
    channel_id = f"map-{uuid.uuid4().hex}"
    expires = backend.now() + backend.channel_ttl
    backend.store.save_channel(
        channel_id=channel_id,
        spreadsheet_id=spreadsheet_id,
        resource_id="",
        token=token,
        expiration=expires,
    )
    try:
        with backend.sheets() as sheets:
            channel = sheets.watch(
                spreadsheet_id,
                channel_id=channel_id,
                token=token,
                address=backend.drive_hook_url,
                expiration_ms=int(expires.timestamp() * 1000),
            )
    except GoogleError as exc:
        backend.store.delete_channel(channel_id)
        log.warning("watch failed for %s: %s", spreadsheet_id, exc)
        return False
    granted = datetime.fromtimestamp(channel.expiration_ms / 1000, tz=UTC)
    backend.store.set_channel_resource(channel_id, channel.resource_id, granted)
    return True


def _check_time_zone(time_zone: str) -> None:
    if time_zone and not is_time_zone(time_zone):
        raise ProvisionInputError(
            "time_zone", f"{time_zone!r} is not a time zone name (such as Europe/Berlin)"
        )


def _check(request: MapRequest, today: date) -> None:
    if not request.account.strip():
        raise ProvisionInputError("account", "the buyer's company name is needed")
    if request.go_live <= today:
        raise ProvisionInputError("go_live", f"must be after today ({today.isoformat()})")
    if request.signature_date is not None and request.signature_date > request.go_live:
        raise ProvisionInputError("signature_date", "must be on or before the go-live date")
    if request.signature_date is not None and request.signature_date < today:
        raise ProvisionInputError("signature_date", "must not be in the past")
    if request.amount is not None and request.amount < 0:
        raise ProvisionInputError("amount", "must not be negative")
    seen = set()
    for index, buyer in enumerate(request.buyers):
        key = buyer.email.casefold()
        if key in seen:
            raise ProvisionInputError(f"buyers[{index}].email", f"{buyer.email} is listed twice")
        seen.add(key)
