"""The OpenAPI 3.1 description of the HTTP API, generated from the pydantic models that
validate requests and shape responses (served at ``GET /openapi.json``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service.web import schemas
from service.web.schemas import SPREADSHEET_ID_PATTERN

_REQUESTS: list[type[BaseModel]] = [
    schemas.CreateMapRequest,
    schemas.SheetEditHook,
    schemas.SyncTask,
    schemas.MapTask,
    schemas.ChannelTask,
    schemas.ReminderSettingsIn,
]
_RESPONSES: list[type[BaseModel]] = [
    schemas.TemplateList,
    schemas.Pipeline,
    schemas.CreatedMap,
    schemas.MapDetail,
    schemas.ReviewResult,
    schemas.CalendarFeed,
    schemas.Accepted,
    schemas.SyncTaskResult,
    schemas.FanOutCounts,
    schemas.SweepMapResult,
    schemas.RenewTaskResult,
    schemas.RenewCounts,
    schemas.CalibrateCounts,
    schemas.HealthStatus,
    schemas.RemindersView,
    schemas.ReminderRunCounts,
    schemas.ErrorResponse,
]

_ERRORS = {
    400: "The body is not JSON, or not a JSON object.",
    401: "No credentials, or they do not verify (expired, wrong audience or issuer, "
    "bad signature, email not verified).",
    403: "A valid caller who may not do this (a forged channel token, a spreadsheet the "
    "caller cannot edit), or Google refused access.",
    404: "No such MAP (also the answer for another organisation's MAP), spreadsheet, "
    "channel or calendar key.",
    409: "The spreadsheet already holds a MAP, or it changed under an update.",
    413: "The body is over 1 MB.",
    422: "Fields are wrong; details.fields names each (field is a JSON path).",
    429: "Google's quota is used up after retries; try again later.",
    502: "Google rejected a request the backend made.",
    503: "Google, the store or the sign-in certificates did not answer; try again later.",
}

ID_TOKEN: list[dict[str, list[str]]] = [{"idToken": []}]
SPREADSHEET_PARAM = {
    "name": "spreadsheet_id",
    "in": "path",
    "required": True,
    "description": "The MAP's spreadsheet id.",
    "schema": {"type": "string", "pattern": SPREADSHEET_ID_PATTERN, "maxLength": 200},
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _cron_json(model: type[BaseModel], description: str) -> dict[str, Any]:
    """A cron job's counts, or (with the Cloud Tasks dispatcher) what it fanned out."""
    schema = {"oneOf": [_ref(model), _ref(schemas.FanOutCounts)]}
    return {
        "description": f"{description} With MAP_SYNC_DISPATCHER=cloud_tasks: the tasks made.",
        "content": {"application/json": {"schema": schema}},
    }


def _operation(
    summary: str,
    *,
    ok: tuple[int, dict[str, Any]],
    errors: tuple[int, ...],
    security: list[dict[str, list[str]]] | None = None,
    body: type[BaseModel] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    example: dict[str, Any] | None = None,
    tag: str,
) -> dict[str, Any]:
    responses: dict[str, Any] = {str(ok[0]): ok[1]}
    for status in errors:
        responses[str(status)] = _json(schemas.ErrorResponse, _ERRORS[status])
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    operation["security"] = security if security is not None else []
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        media: dict[str, Any] = {"schema": _ref(body)}
        if example is not None:
            media["example"] = example
        operation["requestBody"] = {"required": True, "content": {"application/json": media}}
    return operation


CREATE_MAP_EXAMPLE = {
    "template": "enterprise",
    "account": "Acme Corp",
    "outcome": "Cut new-hire ramp time by 50%",
    "go_live": "2027-03-31",
    "buyers": [{"name": "Dana Lee", "email": "dana@acme.com"}],
    "seller_owner": "Sam Seller <sam@vendor.com>",
    "country": "US",
    "signature_date": "2027-02-26",
    "spreadsheet_id": None,
}


def openapi_document(
    server_url: str,
    *,
    templates: list[str] | None = None,
    countries: list[str] | None = None,
    local: bool = False,
) -> dict[str, Any]:
    """The description; ``templates`` and ``countries`` (when given) list the values
    ``template`` and ``country`` accept."""
    _, request_defs = models_json_schema(
        [(m, "validation") for m in _REQUESTS], ref_template="#/components/schemas/{model}"
    )
    _, response_defs = models_json_schema(
        [(m, "serialization") for m in _RESPONSES], ref_template="#/components/schemas/{model}"
    )
    components = {**request_defs.get("$defs", {}), **response_defs.get("$defs", {})}
    create = components["CreateMapRequest"]["properties"]
    if templates:
        create["template"] = {**create["template"], "enum": sorted(templates)}
    if countries:
        create["country"] = {**create["country"], "enum": sorted(countries)}
    google_errors = (429, 502, 503)
    paths: dict[str, Any] = {
        "/api/templates": {
            "get": _operation(
                "The templates a MAP can start from",
                ok=(200, _json(schemas.TemplateList, "The templates.")),
                errors=(401, 503),
                security=ID_TOKEN,
                tag="api",
            )
        },
        "/api/maps": {
            "post": _operation(
                "Create MAP (X-Goog-Access-Token: the seller's OAuth token, used for this "
                "request only)",
                ok=(201, _json(schemas.CreatedMap, "The MAP was created, shared and watched.")),
                errors=(400, 401, 403, 404, 409, 413, 422, *google_errors),
                security=[{"idToken": [], "sellerAccessToken": []}],
                body=schemas.CreateMapRequest,
                example=CREATE_MAP_EXAMPLE,
                tag="api",
            ),
            "get": _operation(
                "The pipeline: the caller's organisation's MAPs",
                ok=(200, _json(schemas.Pipeline, "The MAPs, in the order asked for.")),
                errors=(401, 422, 503),
                security=ID_TOKEN,
                parameters=[
                    {
                        "name": "sort",
                        "in": "query",
                        "required": False,
                        "schema": {
                            "type": "string",
                            "enum": ["risk", "slip", "go_live", "account"],
                            "default": "risk",
                        },
                    }
                ],
                tag="api",
            ),
        },
        "/api/maps/{spreadsheet_id}": {
            "get": _operation(
                "Deal health: one MAP's plan, risks and next steps (the sidebar)",
                ok=(200, _json(schemas.MapDetail, "The MAP as last computed.")),
                errors=(401, 404, 503),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                tag="api",
            )
        },
        "/api/maps/{spreadsheet_id}/refresh": {
            "post": _operation(
                "Sync now and answer like the deal health",
                ok=(200, _json(schemas.MapDetail, "The MAP after the sync.")),
                errors=(401, 403, 404, 409, *google_errors),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                tag="api",
            )
        },
        "/api/maps/{spreadsheet_id}/review": {
            "post": _operation(
                "Weekly review, appended to the Reviews tab",
                ok=(200, _json(schemas.ReviewResult, "The review.")),
                errors=(401, 403, 404, 409, *google_errors),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                tag="api",
            )
        },
        "/api/maps/{spreadsheet_id}/calendar-key": {
            "post": _operation(
                "A new key for the MAP's calendar feed; the old one is refused from now on",
                ok=(200, _json(schemas.CalendarFeed, "The feed's new address.")),
                errors=(401, 404, 503),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                tag="api",
            ),
            "delete": _operation(
                "Turn the MAP's calendar feed off (its key revoked) until a new key is made",
                ok=(200, _json(schemas.CalendarFeed, "The feed is off: calendar_url is null.")),
                errors=(401, 404, 503),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                tag="api",
            ),
        },
        "/api/maps/{spreadsheet_id}/calendar.ics": {
            "get": _operation(
                "The milestones as an iCalendar feed (the per-MAP key stands in for a token)",
                ok=(
                    200,
                    {
                        "description": "One all-day event per milestone.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                ),
                errors=(404, 422),
                parameters=[
                    SPREADSHEET_PARAM,
                    {
                        "name": "key",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 200},
                    },
                ],
                tag="api",
            )
        },
        "/api/maps/{spreadsheet_id}/reminders": {
            "get": _operation(
                "The sidebar's Reminders section: on/off, who gets what next, owners "
                "without an email, last sent, the call agenda",
                ok=(200, _json(schemas.RemindersView, "The section.")),
                errors=(401, 403, 404, 503),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                tag="api",
            ),
            "put": _operation(
                "Turn the MAP's reminders on or off; set or clear its chat webhook",
                ok=(200, _json(schemas.RemindersView, "The section, as changed.")),
                errors=(400, 401, 403, 404, 413, 422, 503),
                security=ID_TOKEN,
                parameters=[SPREADSHEET_PARAM],
                body=schemas.ReminderSettingsIn,
                example={"enabled": False},
                tag="api",
            ),
        },
        "/r/{token}": {
            "get": _page("A one-click link from a reminder: what will change, to confirm"),
            "post": _page(
                "Confirm a one-click update (form fields date and reason for Need more "
                "time); the page shows the new go-live",
                form=True,
            ),
        },
        "/r/unsubscribe/{token}": {
            "get": _page("Asks to confirm stopping reminders"),
            "post": _page("Stops reminders to the link's person (RFC 8058 one-click)"),
        },
        "/tasks/reminders": _both_methods(
            _operation(
                "Cron: decide today's reminders of every MAP, deliver what is due",
                ok=(200, _cron_json(schemas.ReminderRunCounts, "What the run did.")),
                errors=(401, 403, 503),
                security=[{"cronHeader": []}, {"idToken": []}],
                tag="tasks",
            )
        ),
        "/hooks/sheet-edit": {
            "post": _operation(
                "An edit reported by the add-on's trigger; synced in the background",
                ok=(202, _json(schemas.Accepted, "Recorded; the sync follows.")),
                errors=(400, 401, 403, 404, 413, 422, 503),
                security=ID_TOKEN,
                body=schemas.SheetEditHook,
                tag="hooks",
            )
        },
        "/hooks/drive": {
            "post": _operation(
                "A Drive push notification (headers only)",
                ok=(
                    200,
                    _json(schemas.Accepted, "Recorded; a sync follows unless the state is 'sync'."),
                ),
                errors=(401, 403, 404, 503),
                parameters=[
                    _header("X-Goog-Channel-ID", True, "The channel the backend opened."),
                    _header("X-Goog-Channel-Token", True, "The channel's secret token."),
                    _header("X-Goog-Resource-State", False, "sync, update, remove, trash, ..."),
                ],
                tag="hooks",
            )
        },
        "/tasks/sweep": _both_methods(
            _operation(
                "Cron: queue each MAP with a pending notification or not synced for an hour",
                ok=(
                    200,
                    _json(schemas.FanOutCounts, "The MAPs queued (Cloud Tasks or in-process)."),
                ),
                errors=(401, 403, 503),
                security=[{"cronHeader": []}, {"idToken": []}],
                tag="tasks",
            )
        ),
        "/tasks/sweep-map": {
            "post": _operation(
                "Cloud Tasks: one MAP's share of the sweep; an error status asks for a retry",
                ok=(200, _json(schemas.SweepMapResult, "Done, gone, or failed for good.")),
                errors=(400, 401, 403, 409, 422, 429, 503),
                security=ID_TOKEN,
                body=schemas.MapTask,
                tag="tasks",
            )
        },
        "/tasks/renew-channel": {
            "post": _operation(
                "Cloud Tasks: replace one Drive channel, or watch a MAP that has none",
                ok=(200, _json(schemas.RenewTaskResult, "What the renewal did.")),
                errors=(400, 401, 403, 422, 503),
                security=ID_TOKEN,
                body=schemas.ChannelTask,
                tag="tasks",
            )
        },
        "/tasks/remind": {
            "post": _operation(
                "Cloud Tasks: decide one MAP's reminders of today, deliver what is due",
                ok=(200, _json(schemas.ReminderRunCounts, "What the task did.")),
                errors=(400, 401, 403, 422, 503),
                security=ID_TOKEN,
                body=schemas.MapTask,
                tag="tasks",
            )
        },
        "/tasks/sync": {
            "post": _operation(
                "Cloud Tasks: sync one MAP; an error status asks the queue to retry",
                ok=(200, _json(schemas.SyncTaskResult, "Synced, or failed for good.")),
                errors=(400, 401, 403, 409, 422, 429, 503),
                security=ID_TOKEN,
                body=schemas.SyncTask,
                tag="tasks",
            )
        },
        "/tasks/renew-channels": _both_methods(
            _operation(
                "Cron: renew Drive channels about to expire, watch MAPs without one",
                ok=(200, _cron_json(schemas.RenewCounts, "What the renewal did.")),
                errors=(401, 403, 503),
                security=[{"cronHeader": []}, {"idToken": []}],
                tag="tasks",
            )
        ),
        "/tasks/calibrate": _both_methods(
            _operation(
                "Cron (daily): rebuild each organisation's calibration from its finished MAPs",
                ok=(200, _json(schemas.CalibrateCounts, "What the calibration did.")),
                errors=(401, 403, 503),
                security=[{"cronHeader": []}, {"idToken": []}],
                tag="tasks",
            )
        ),
        "/healthz": {
            "get": _operation(
                "Is the backend up",
                ok=(200, _json(schemas.HealthStatus, "It is.")),
                errors=(),
                tag="meta",
            )
        },
        "/_ah/warmup": {
            "get": _operation(
                "App Engine's warmup request: connect to the store before taking traffic",
                ok=(200, _json(schemas.HealthStatus, "Warm.")),
                errors=(503,),
                tag="meta",
            )
        },
        "/openapi.json": {
            "get": _operation(
                "This description",
                ok=(
                    200,
                    {
                        "description": "OpenAPI 3.1.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                ),
                errors=(),
                tag="meta",
            )
        },
    }
    if local:
        paths.update(_local_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mutual Action Plan backend",
            "version": "1.0.0",
            "description": "What the Google Sheets add-on, Drive push notifications and cron "
            'call. Every error is {"error": {"code", "message", "details"}}.',
        },
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "idToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Google ID token (ScriptApp.getIdentityToken()) whose "
                    "audience is one of the backend's OAuth client ids.",
                },
                "sellerAccessToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Goog-Access-Token",
                    "description": "The seller's OAuth access token (ScriptApp.getOAuthToken()).",
                },
                "cronHeader": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Appengine-Cron",
                    "description": "Set to true by App Engine cron (stripped from outside "
                    "requests).",
                },
            },
        },
    }


def _header(name: str, required: bool, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def _both_methods(operation: dict[str, Any]) -> dict[str, Any]:
    """App Engine cron calls with GET, Cloud Scheduler with POST."""
    return {"get": operation, "post": operation}


TOKEN_PARAM = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The signed link token.",
    "schema": {"type": "string", "maxLength": 2000},
}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _page(summary: str, *, form: bool = False) -> dict[str, Any]:
    """A page people open from a message: HTML, with the status that fits."""
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["pages"],
        "security": [],
        "parameters": [TOKEN_PARAM],
        "responses": {
            "200": _html("The page."),
            "403": _html("A link not made here, or for a step the person no longer owns."),
            "404": _html("The step or plan is gone."),
            "410": _html("The link expired or was used."),
            "503": _html("The plan could not be changed just now."),
        },
    }
    if form:
        operation["responses"]["422"] = _html("The proposed date will not do.")
        operation["requestBody"] = {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "date": {"type": "string", "format": "date"},
                            "reason": {"type": "string", "maxLength": 500},
                        },
                    }
                }
            },
        }
    return operation


def _local_paths() -> dict[str, Any]:
    """Local mode only: the Outbox page and the chat capture endpoint."""
    name = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "maxLength": 64},
    }
    return {
        "/local/outbox": {
            "get": {
                "summary": "Local mode: every message sent, as its recipient sees it",
                "tags": ["local"],
                "security": [],
                "responses": {"200": _html("The Outbox page.")},
            }
        },
        "/local/outbox/{name}": {
            "get": {
                "summary": "Local mode: one message",
                "tags": ["local"],
                "security": [],
                "parameters": [name],
                "responses": {"200": _html("The message."), "404": _html("No such message.")},
            }
        },
        "/local/chat/{hook}": {
            "post": {
                "summary": 'Local mode: where chat webhooks post ({"text": ...})',
                "tags": ["local"],
                "security": [],
                "parameters": [{**name, "name": "hook"}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"text": {"type": "string"}},
                                "required": ["text"],
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "Kept."},
                    "400": {"description": "Not a JSON object with text."},
                },
            }
        },
    }
