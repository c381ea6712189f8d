"""``/r/...``: the pages the links in a reminder open (no login: the link is the key).

``GET /r/<token>`` shows what will change and asks to confirm (mail scanners follow
links with GET, so GET never changes anything); ``POST`` applies it and shows the
plan's new go-live. ``/r/unsubscribe/<token>``: GET asks, POST (also RFC 8058's
one-click POST from the mail client) opts the person out of every reminder.

A link that cannot be used gets a page saying why, with the status that fits: 403
tampered or someone else's step, 404 a step or plan that is gone, 410 expired or used,
422 a proposed date that will not do, 503 when the sheet could not be changed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from service.domain.wording import day_text
from service.services import one_click
from service.services.action_links import Action, ActionClaim, ActionLinks, LinkRefused
from service.sheets.errors import NotAMap, SheetsError
from service.web.context import web
from service.web.pages import page

bp = Blueprint("one_click", __name__, url_prefix="/r")

CONFIRM = """
<p class="muted">{{ p.account }} plan</p>
<p><strong>{{ p.title }}</strong><br>Status now: {{ p.status }}{% if p.due %},
due {{ due }}{% endif %}.</p>
<form method="post">
{% if more_time %}
<label for="date">Date you propose</label>
<input id="date" name="date" type="date" min="{{ min_date }}" value="{{ date }}" required>
<label for="reason">Why (goes into the plan's Notes)</label>
<textarea id="reason" name="reason" rows="3" maxlength="500">{{ reason }}</textarea>
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
{% endif %}
<p><button type="submit">{{ p.action_label }}: confirm</button></p>
</form>
"""

APPLIED = """
<p>{{ a.account }} plan: <strong>{{ a.title }}</strong> updated ({{ a.action_label }}).</p>
<p>Go-live now projected for <strong id="projected">{{ projected }}</strong>
(committed: {{ committed }}){% if a.slip_bd > 0 %}, {{ a.slip_bd }} business days late
{% endif %}.</p>
<p><a href="{{ a.sheet_url }}">Open the plan</a></p>
"""

REFUSED = """<p class="error" role="alert">{{ reason }}</p>"""

UNSUBSCRIBE = """
<p>Stop the reminders sent to <strong>{{ email }}</strong> about plans you own steps in?</p>
<form method="post"><button type="submit">Stop reminders</button></form>
"""

UNSUBSCRIBED = """<p>{{ email }} will get no more reminders.</p>"""


def _links() -> ActionLinks:
    links = web().links
    if links is None:
        raise LinkRefused("Links are not set up on this server.", status=503)
    return links


def _refused(exc: LinkRefused) -> Response:
    return page("This link cannot be used", REFUSED, status=exc.status, reason=exc.reason)


def _claim(token: str) -> ActionClaim:
    return _links().check_action(token)


@bp.get("/<token>")
def confirm(token: str) -> Any:
    try:
        claim = _claim(token)
        shown = one_click.preview(web().backend, claim)
    except LinkRefused as exc:
        return _refused(exc)
    return _confirm_page(claim, shown)


def _confirm_page(
    claim: ActionClaim,
    shown: one_click.Preview,
    *,
    error: str = "",
    status: int = 200,
    date: str = "",
    reason: str = "",
) -> Response:
    return page(
        f"{shown.action_label}?",
        CONFIRM,
        status=status,
        p=shown,
        due=day_text(shown.due) if shown.due else "",
        more_time=claim.action is Action.MORE_TIME,
        min_date=shown.today.isoformat(),
        error=error,
        date=date,
        reason=reason,
    )


@bp.post("/<token>")
def apply(token: str) -> Any:
    backend = web().backend
    proposed = request.form.get("date", "")[:40]
    reason = request.form.get("reason", "")[:2000]
    try:
        claim = _claim(token)
        applied = one_click.apply(backend, claim, proposed=proposed, reason=reason)
    except LinkRefused as exc:
        return _refused(exc)
    except one_click.ProposalInvalid as exc:
        shown = one_click.preview(backend, claim)
        return _confirm_page(claim, shown, error=str(exc), status=422, date=proposed, reason=reason)
    except NotAMap:
        return _refused(LinkRefused("This step is no longer in the plan.", status=404))
    except SheetsError:
        return _refused(
            LinkRefused(
                "The plan could not be changed just now; nothing was changed. Try the "
                "link again in a few minutes.",
                status=503,
            )
        )
    web().syncs.submit(claim.spreadsheet_id)
    return page(
        "Thank you: the plan is updated",
        APPLIED,
        a=applied,
        projected=day_text(applied.projected_go_live) if applied.projected_go_live else "-",
        committed=day_text(applied.committed_go_live),
    )


@bp.get("/unsubscribe/<token>")
def unsubscribe_confirm(token: str) -> Any:
    try:
        who = _links().check_unsubscribe(token)
    except LinkRefused as exc:
        return _refused(exc)
    return page("Stop reminders", UNSUBSCRIBE, email=who.email)


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> Any:
    try:
        who = _links().check_unsubscribe(token)
    except LinkRefused as exc:
        return _refused(exc)
    web().backend.store.opt_out(who.email)
    return page("Reminders stopped", UNSUBSCRIBED, email=who.email)
