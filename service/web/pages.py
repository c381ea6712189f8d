"""Small HTML pages people open from a message: one layout, escaped by Jinja."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template_string

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;
color:#202124;line-height:1.5}
h1{font-size:1.4rem}.muted{color:#5f6368}.error{color:#b3261e}
button{font-size:1rem;padding:.5rem 1.2rem;border-radius:6px;border:0;background:#1a73e8;
color:#fff;cursor:pointer}
input,textarea{font-size:1rem;padding:.3rem;width:100%;box-sizing:border-box}
label{display:block;margin:.8rem 0 .2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;
text-align:left;vertical-align:top}
</style></head><body>
<h1>{{ title }}</h1>
{{ body|safe }}
</body></html>"""


def page(title: str, body_template: str, *, status: int = 200, **values: Any) -> Response:
    """A page: ``body_template`` is a Jinja template (autoescaped) rendered with
    ``values``, inside the layout."""
    body = render_template_string(body_template, **values)
    html = render_template_string(LAYOUT, title=title, body=body)
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response
