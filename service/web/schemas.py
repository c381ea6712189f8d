"""Request and response bodies of the HTTP API (docs/api.md), as pydantic models.

Requests are validated into these models (unknown fields are refused, so a typo is a
422 naming it); responses are built through them, so what leaves the backend always
matches the OpenAPI description generated from the same classes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
    field_validator,
)

from service.domain.calendar import supported_countries
from service.store.records import MapSort

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The add-on's own check of an email (appsscript/src/MapRequest.js).
EMAIL_PATTERN = r'^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$'
SPREADSHEET_ID_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"
# A cell, a range, whole columns or whole rows, as Apps Script's getA1Notation() gives them.
_A1_PART = r"(\$?[A-Za-z]{1,3}\$?[0-9]{0,7}|\$?[0-9]{1,7})"
A1_PATTERN = f"^{_A1_PART}(:{_A1_PART})?$"
# Dates the engine's calendar handles, with room for lead times on both sides.
FIRST_YEAR, LAST_YEAR = 1900, 2400


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("not a date (expected YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a date on the calendar (expected YYYY-MM-DD)") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ValueError(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def _country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("must be a two-letter country code in capitals, such as US or GB")
    if value not in supported_countries():
        raise ValueError(f"{value} has no holiday calendar; use a country code such as US or GB")
    return value


_LOCALE = re.compile(r"^([a-z]{2,3})(?:[_-]([A-Za-z]{2}|[0-9]{3}))?$")


def _locale(value: Any) -> str:
    """A locale as Google Sheets names it (``de_DE``, ``fr``); ``de-DE`` is accepted."""
    if not isinstance(value, str):
        raise ValueError("must be a locale such as en_US or de_DE")
    if value == "":
        return value
    match = _LOCALE.match(value.strip())
    if match is None:
        raise ValueError("must be a locale such as en_US or de_DE")
    language, region = match.groups()
    return f"{language}_{region.upper()}" if region else language


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
CountryCode = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$", "example": "US"}),
]


def _matching(
    pattern: str, max_length: int, message: str, *, allow_empty: bool = False
) -> Callable[[Any], str]:
    """A check of a string against ``pattern`` (or empty, if allowed), failing with
    ``message``."""
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if allow_empty and value == "":
            return value
        if len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        if not compiled.match(value):
            raise ValueError(message)
        return value

    return check


def _pattern_schema(pattern: str, max_length: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "maxLength": max_length})


Email = Annotated[
    str,
    BeforeValidator(_matching(EMAIL_PATTERN, 254, "not an email address")),
    _pattern_schema(EMAIL_PATTERN, 254),
]
# The editor's email, or "" when Apps Script did not say (editors outside the domain).
EmailOrEmpty = Annotated[
    str,
    BeforeValidator(_matching(EMAIL_PATTERN, 254, "not an email address", allow_empty=True)),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": EMAIL_PATTERN, "maxLength": 254}, {"const": ""}]}
    ),
]
SpreadsheetId = Annotated[
    str,
    BeforeValidator(
        _matching(SPREADSHEET_ID_PATTERN, 200, "not a spreadsheet id (letters, digits, - and _)")
    ),
    _pattern_schema(SPREADSHEET_ID_PATTERN, 200),
]
CellRange = Annotated[
    str,
    BeforeValidator(_matching(A1_PATTERN, 40, "not a cell or range in A1 notation, such as G14")),
    _pattern_schema(A1_PATTERN, 40),
]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -------------------------------------------------------------------------


class BuyerIn(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    email: Email


class CreateMapRequest(RequestModel):
    """Create MAP: from a template, in a new spreadsheet or in ``spreadsheet_id``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    template: str = Field(min_length=1, max_length=64)
    account: str = Field(min_length=1, max_length=200)
    outcome: str = Field(default="", max_length=1000)
    go_live: IsoDate
    buyers: list[BuyerIn] = Field(default_factory=list, max_length=20)
    seller_owner: str = Field(default="", max_length=300)
    country: CountryCode = "US"
    signature_date: IsoDate | None = None
    spreadsheet_id: SpreadsheetId | None = None
    time_zone: str = Field(
        default="",
        max_length=64,
        description="The spreadsheet's time zone (IANA, such as Europe/Berlin): a new one "
        "gets it; its date is the MAP's today. Empty: UTC.",
    )
    locale: Annotated[
        str,
        BeforeValidator(_locale),
        WithJsonSchema({"type": "string", "example": "de_DE"}),
    ] = Field(
        default="",
        description="The spreadsheet's locale (such as de_DE): a new one gets it; typed "
        "dates are read by it and the MAP's dates shown in its format. Empty: en_US.",
    )
    amount: StrictInt | None = Field(
        default=None,
        ge=0,
        le=10**15,
        description="What the deal is worth, in whole units of its currency (optional)",
    )


class PipelineQuery(RequestModel):
    sort: MapSort = MapSort.RISK


class CalendarQuery(RequestModel):
    key: str = Field(default="", max_length=200)


class SheetEditHook(RequestModel):
    """What the add-on's installable trigger reports about one edit."""

    spreadsheet_id: SpreadsheetId
    sheet: str = Field(max_length=200)
    a1: CellRange
    value: str | None = Field(default=None, max_length=50_000)
    old_value: str | None = Field(default=None, max_length=50_000)
    user: EmailOrEmpty | None = None
    ts: AwareDatetime


class SyncTask(RequestModel):
    """The body of a Cloud Tasks sync task."""

    spreadsheet_id: SpreadsheetId


class MapTask(RequestModel):
    """The body of a Cloud Task about one MAP (its share of the sweep, its reminders)."""

    spreadsheet_id: SpreadsheetId


class ChannelTask(RequestModel):
    """The body of a channel renewal task: the channel to replace, or none to watch a
    MAP that has no channel."""

    spreadsheet_id: SpreadsheetId
    channel_id: str | None = Field(default=None, min_length=1, max_length=200)


# -- responses ------------------------------------------------------------------------


class TemplateInfo(BaseModel):
    name: str
    title: str
    description: str
    milestones: int


class TemplateList(BaseModel):
    templates: list[TemplateInfo]


class DealHealth(BaseModel):
    score: int | None
    label: str | None


class RiskBrief(BaseModel):
    code: str
    severity: str
    message: str


class Risk(RiskBrief):
    milestones: list[str]


class ForecastBasis(BaseModel):
    kind: str = Field(description='"priors" or "calibrated"')
    plans: int = Field(description="Finished MAPs of the organisation it came from; 0: priors")
    text: str = Field(description='In words: "priors" or "42 past plans"')


class ForecastSummary(BaseModel):
    basis: ForecastBasis
    p_on_time: float | None = Field(description="P(go-live by its committed date), 0..1")
    p_signature_quarter: float | None = Field(
        description="P(signed within the current quarter), 0..1; null without a signature step"
    )
    signature_target: date | None = Field(description="The signature's committed date")
    quarter_end: date | None = Field(description="The last day of the current quarter")
    committed_this_quarter: bool = Field(
        description="The signature's committed date is in the current quarter (a gut commit)"
    )
    amount: int | None = Field(description="What the deal is worth, as the seller gave it")


class MapSummary(BaseModel):
    spreadsheet_id: str
    url: str
    account: str
    seller_email: str
    committed_go_live: date | None
    projected_go_live: date | None
    slip_bd: int
    health: DealHealth
    top_risks: list[RiskBrief]
    last_synced_at: str | None = Field(description="ISO 8601 date and time, UTC")
    forecast: ForecastSummary


class PipelineRollup(BaseModel):
    maps: int
    expected_signatures: float = Field(
        description="Sum of each MAP's P(signature this quarter), two decimals"
    )
    expected_amount: int = Field(
        description="Sum of P(signature this quarter) x amount over the MAPs with an amount"
    )
    maps_with_amount: int
    committed_by_date: int = Field(
        description="MAPs whose committed signature date is in the quarter (a gut commit)"
    )
    committed_amount: int = Field(description="Their amounts, where given")


class Pipeline(BaseModel):
    maps: list[MapSummary]
    rollup: PipelineRollup


class CreatedMap(BaseModel):
    spreadsheet_id: str
    url: str
    summary: MapSummary


class MilestoneView(BaseModel):
    id: str
    title: str
    side: str
    owner: str
    status: str
    due: date | None
    target: date | None
    projected: date | None
    health: str | None
    slip_bd: int


class NextStep(BaseModel):
    id: str
    title: str
    owner: str
    target: date | None
    projected: date | None


class GoLiveOutlook(BaseModel):
    committed: date | None
    p_on_time: float = Field(description="P(live by the committed date), 0..1")
    p50: date = Field(description="Even odds of being live by this date")
    p80: date = Field(description="Four in five odds of being live by this date")
    text: str = Field(description='In words: "62% on time"')


class SignatureOutlook(BaseModel):
    p_in_quarter: float = Field(description="P(signed within its target's quarter), 0..1")
    p50: date
    p80: date
    text: str = Field(description='In words: "48% in its quarter"')


class Driver(BaseModel):
    milestone: str
    title: str
    share: float = Field(description="Its share of the go-live risk, 0..1")
    text: str = Field(description='In words: "Legal review of the MSA: 60% of the risk"')


class ForecastDetail(BaseModel):
    basis: ForecastBasis
    go_live: GoLiveOutlook
    signature: SignatureOutlook | None
    drivers: list[Driver] = Field(description="The steps that carry the risk, most first")
    advice: str | None = Field(description="What to do about the first driver")


class MapDetail(BaseModel):
    summary: MapSummary
    milestones: list[MilestoneView]
    risks: list[Risk]
    next_steps: list[NextStep]
    forecast: ForecastDetail | None = Field(description="None until the MAP is computed")
    # None: the feed is turned off (its key revoked)
    calendar_url: str | None


class CalendarFeed(BaseModel):
    """The MAP's iCalendar feed after its key was made anew or revoked."""

    calendar_url: str | None


class ReviewBody(BaseModel):
    on: date
    since: date
    completed: list[str]
    overdue: list[str]
    moved: list[str]
    new_stakeholders: list[str]
    risks: list[RiskBrief]
    agenda: list[str] = []


class ReviewResult(BaseModel):
    review: ReviewBody


class Accepted(BaseModel):
    accepted: bool


class SyncTaskResult(BaseModel):
    # syncs run here (0: nothing pending, or another worker holds the MAP's lease);
    # "failed": a failure retrying cannot mend, recorded on the MAP for the sweep;
    # "deferred": not due yet (paced) or the quota said wait: a later task is queued.
    syncs: int
    outcome: Literal["synced", "failed", "deferred"]


class FanOutCounts(BaseModel):
    """What a cron job fanned out: Cloud Tasks (``MAP_SYNC_DISPATCHER=cloud_tasks``), or
    for the sweep with the in-process queue, MAPs handed to its thread."""

    queued: int = Field(description="Tasks created (or MAPs queued), one per MAP or channel.")
    already_queued: int = Field(
        description="Units whose task for this hour existed already, or already waiting."
    )
    failed: list[str] = Field(description="Keys no task could be made for (next run).")


class SweepMapResult(BaseModel):
    outcome: Literal["retried", "changed", "recomputed", "gone", "failed"]


class RenewTaskResult(BaseModel):
    outcome: Literal["renewed", "created", "nothing", "failed"]


class CalibrateCounts(BaseModel):
    orgs: int = Field(description="Organisations whose calibration was rebuilt.")
    plans: int = Field(description="Finished MAPs the calibrations came from, in all.")
    failed: list[str] = Field(description="Organisations whose calibration could not be built.")


class RenewCounts(BaseModel):
    renewed: int
    created: int
    failed: list[str]


class HealthStatus(BaseModel):
    status: Literal["ok"]


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetails(BaseModel):
    model_config = ConfigDict(extra="allow")
    fields: list[FieldError] | None = None


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: ErrorDetails


class ErrorResponse(BaseModel):
    error: ErrorInfo


def dump(model: BaseModel) -> dict[str, Any]:
    """A response model as JSON-ready data."""
    return model.model_dump(mode="json")


# -- reminders ------------------------------------------------------------------------

WEBHOOK_PATTERN = r"^https://[^\s]{1,2000}$"


class ReminderSettingsIn(RequestModel):
    """Turn a MAP's reminders on or off; set or clear ("") its chat webhook."""

    enabled: bool | None = None
    chat_webhook: Annotated[str, Field(max_length=2000)] | None = None

    @field_validator("chat_webhook")
    @classmethod
    def _https_or_empty(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return value
        if not re.match(WEBHOOK_PATTERN, value):
            raise ValueError("not an https:// webhook URL (Google Chat or Slack)")
        return value


class UpcomingReminder(BaseModel):
    on: date
    email: str
    name: str
    milestone_id: str
    title: str
    kind: str


class UnreachableOwner(BaseModel):
    milestone_id: str
    title: str
    owner: str


class SentMessage(BaseModel):
    recipient: str
    subject: str
    sent_at: datetime


class AgendaItem(BaseModel):
    kind: str
    text: str
    milestone_id: str | None = None


class RemindersView(BaseModel):
    enabled: bool
    chat_webhook: bool
    upcoming: list[UpcomingReminder]
    unreachable: list[UnreachableOwner]
    last_sent: list[SentMessage]
    agenda: list[AgendaItem]


class ReminderRunCounts(BaseModel):
    maps: int
    messages: int
    reminders: int
    digests: int
    alerts: int
    unreachable: int
    sent: int
