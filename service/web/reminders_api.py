"""``/api/maps/<id>/reminders``: the sidebar's Reminders section (on/off, who gets what
next, owners without an email, last sent, the call agenda) and its settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from service.runtime.reminders import RemindersNotConfigured, reminder_deps, require_links
from service.services.reminders import reminders_view
from service.web.context import authenticated_caller, owned_map, web
from service.web.errors import Unavailable
from service.web.schemas import ReminderSettingsIn, RemindersView, dump
from service.web.validation import parse_json_body

bp = Blueprint("reminders_api", __name__, url_prefix="/api")


def _view(spreadsheet_id: str) -> Any:
    context = web()
    try:
        links = require_links(context.links)
        with context.backend.sheets() as sheets:
            deps = reminder_deps(context.settings, context.backend, links, sheets)
            view = reminders_view(deps, spreadsheet_id)
    except RemindersNotConfigured as exc:
        raise Unavailable(str(exc)) from exc
    agenda = call_agenda(spreadsheet_id)
    return dump(
        RemindersView.model_validate(
            {
                "enabled": view.enabled,
                "chat_webhook": view.chat_webhook,
                "upcoming": [u.__dict__ for u in view.upcoming],
                "unreachable": [
                    {"milestone_id": u.milestone_id, "title": u.title, "owner": u.owner}
                    for u in view.unreachable
                ],
                "last_sent": [
                    {
                        "recipient": m.recipient,
                        "subject": str(m.content.get("subject", "")),
                        "sent_at": m.sent_at,
                    }
                    for m in view.last_sent
                ],
                "agenda": agenda,
            }
        )
    )


def call_agenda(spreadsheet_id: str) -> list[dict[str, Any]]:
    from service.services.agenda import map_agenda

    return [item.to_json() for item in map_agenda(web().backend, spreadsheet_id)]


@bp.get("/maps/<spreadsheet_id>/reminders")
def reminders(spreadsheet_id: str) -> Any:
    """The Reminders section of the sidebar."""
    owned_map(authenticated_caller(), spreadsheet_id)
    return _view(spreadsheet_id)


@bp.put("/maps/<spreadsheet_id>/reminders")
def update_reminders(spreadsheet_id: str) -> Any:
    """Turn the MAP's reminders on or off, set its chat webhook; answers the section."""
    owned_map(authenticated_caller(), spreadsheet_id)
    body = parse_json_body(request, ReminderSettingsIn)
    web().backend.store.set_reminder_settings(
        spreadsheet_id, enabled=body.enabled, chat_webhook=body.chat_webhook
    )
    return _view(spreadsheet_id)
