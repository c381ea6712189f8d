"""Local mode only: the Outbox page (every message the local SMTP server received, as
its recipient sees it, links working) and the capture endpoint chat webhooks post to."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from service.runtime.mailbox import MAILBOX_DIR, Mailbox
from service.web.context import web
from service.web.pages import page

bp = Blueprint("local_outbox", __name__, url_prefix="/local")

LIST = """
<p class="muted">Every message sent in local mode, newest first. Reminders go out within
the recipient's working hours (the sheet's time zone); the cron job runs them hourly.</p>
<table><tr><th>To</th><th>Subject</th><th>Received</th></tr>
{% for m in messages %}<tr><td>{{ m.message["To"] }}</td>
<td><a href="{{ url_prefix }}/{{ m.name }}">{{ m.message["Subject"] }}</a></td>
<td>{{ m.received_at.strftime("%Y-%m-%d %H:%M") }} UTC</td></tr>
{% else %}<tr><td colspan="3">No messages yet.</td></tr>{% endfor %}
</table>
<h2>Chat</h2>
<table><tr><th>Webhook</th><th>Message</th></tr>
{% for c in chats %}<tr><td>{{ c.webhook }}</td><td><pre>{{ c.body.text }}</pre></td></tr>
{% else %}<tr><td colspan="2">No chat messages yet.</td></tr>{% endfor %}
</table>
"""

MESSAGE = """
<p><a href="{{ back }}">Outbox</a></p>
<table>
<tr><th>From</th><td>{{ m["From"] }}</td></tr>
<tr><th>To</th><td>{{ m["To"] }}</td></tr>
<tr><th>Subject</th><td>{{ m["Subject"] }}</td></tr>
<tr><th>List-Unsubscribe</th><td>{{ m["List-Unsubscribe"] }}</td></tr>
</table>
<div class="message">{{ html|safe }}</div>
"""


def _mailbox() -> Mailbox:
    return Mailbox(web().settings.data_dir / MAILBOX_DIR)


@bp.get("/outbox")
def outbox() -> Any:
    box = _mailbox()
    return page(
        "Outbox", LIST, messages=box.messages(), chats=box.chats(), url_prefix="/local/outbox"
    )


@bp.get("/outbox/<name>")
def message(name: str) -> Any:
    found = _mailbox().message(name)
    if found is None:
        return page("No such message", "<p>It is not in the outbox.</p>", status=404)
    body = found.get_body(("html", "plain"))
    content = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/plain":
        from html import escape

        content = f"<pre>{escape(content)}</pre>"
    # Our own message, from our own server: shown as its recipient would see it.
    return page(str(found["Subject"]), MESSAGE, m=found, html=content, back="/local/outbox")


@bp.post("/chat/<hook>")
def capture_chat(hook: str) -> Any:
    """Where chat webhooks point in local mode: the post is kept for the Outbox page."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return Response(
            '{"error": "a JSON object with text is needed"}', 400, mimetype="application/json"
        )
    _mailbox().keep_chat(hook[:100], {"text": body["text"][:20_000]}, web().backend.now())
    return {"ok": True}
