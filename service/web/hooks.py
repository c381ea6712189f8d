"""``/hooks``: change notifications. Each is recorded in the store before the answer (so
none is lost: if the process dies or the pool is full, the sweep finds it pending),
acknowledged at once, and synced in the background, coalesced and paced.

Recording the notification here rather than in the background job costs one write on
the request's path but saves syncs: a job that starts after the MAP is already up to
date finds nothing pending and does not read the sheet (bench_hooks.py measured about
a fifth fewer syncs per burst this way).

One look per burst: a notification that arrives while an earlier one, recorded less
than a minute ago, still waits for its sync queues nothing (``Notified.needs_look``).
The look the earlier one queued runs the paced sync, which defers itself until the MAP
is quiet and then covers every notification recorded by then; one arriving during the
sync is handed back and the sync's task queues the next look. So a burst of edits
makes one task, not one per edit (on Cloud Tasks each is a create call on the hook's
path and a dispatch). A look lost (a task that could not be made) is asked for again
by the first notification a minute later, and the sweep finds the MAP pending."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, request

from service.web.context import authenticated_caller, check_map_org, plausible_id, web
from service.web.errors import Forbidden, NotFound, Unauthenticated
from service.web.schemas import Accepted, SheetEditHook, dump
from service.web.validation import parse_json_body

log = logging.getLogger(__name__)

bp = Blueprint("hooks", __name__, url_prefix="/hooks")

# Drive's first message on a new channel says only that the channel is open.
SYNC_STATE = "sync"
# The queue looks at a Drive notification's MAP this long after it: the add-on's trigger,
# which says who made the edit, usually arrives within it (Drive does not say who). The
# sync itself is paced (service/services/pacing.py): it starts once the MAP has been
# quiet for MAP_SYNC_QUIET_S, or its first unsynced notification is MAP_SYNC_MAX_WAIT_S
# old, so a burst of edits is covered by one sync.
DRIVE_SYNC_DELAY_S = 1.0


@bp.post("/sheet-edit")
def sheet_edit() -> Any:
    """An edit reported by the add-on's installable trigger (it runs as the seller)."""
    caller = authenticated_caller()
    edit = parse_json_body(request, SheetEditHook)
    check_map_org(caller, edit.spreadsheet_id)
    context = web()
    # One short transaction on the request's path: the edit (who, where) and the
    # notification; the sync runs in the background.
    notified = context.backend.store.record_edit_and_request_sync(
        spreadsheet_id=edit.spreadsheet_id,
        sheet=edit.sheet,
        a1=edit.a1,
        ts=edit.ts,
        user_email=(edit.user or "").lower(),
        value=edit.value,
        old_value=edit.old_value,
    )
    if notified.needs_look:
        context.syncs.submit(edit.spreadsheet_id)
    return dump(Accepted(accepted=True)), 202


@bp.post("/drive")
def drive() -> Any:
    """A Drive push notification for a MAP's file (headers only)."""
    channel_id = request.headers.get("X-Goog-Channel-ID", "")
    token = request.headers.get("X-Goog-Channel-Token", "")
    if not channel_id:
        raise Unauthenticated("Drive's X-Goog-Channel-ID and X-Goog-Channel-Token are required")
    context = web()
    store = context.backend.store
    # The channel and its token in one read: 404 without the channel, 403 on a wrong token.
    found = store.check_channel(channel_id, token) if plausible_id(channel_id) else None
    if found is None:
        raise NotFound("no such channel")
    spreadsheet_id, token_matches = found
    if not token_matches:
        log.warning("Drive notification with a wrong token for channel %s", channel_id)
        raise Forbidden("the channel token does not match")
    state = request.headers.get("X-Goog-Resource-State", "")
    if state != SYNC_STATE:
        notified = store.request_sync(spreadsheet_id)
        if notified.needs_look:
            context.syncs.submit_later(spreadsheet_id, DRIVE_SYNC_DELAY_S)
    return dump(Accepted(accepted=True))
