"""Health check, App Engine's warmup request and the API's own description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from service.domain.calendar import supported_countries
from service.web.context import web
from service.web.openapi import openapi_document
from service.web.schemas import HealthStatus, dump

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """The process is up and serving."""
    return dump(HealthStatus(status="ok"))


@bp.get("/_ah/warmup")
def warmup() -> Any:
    """App Engine's warmup request: open a connection to the store before the instance
    takes traffic (the app itself was built when the worker started)."""
    web().backend.store.get_map("warmup")
    return dump(HealthStatus(status="ok"))


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 description of this API."""
    context = web()
    countries = [c for c in supported_countries() if len(c) == 2 and c.isupper()]
    return openapi_document(
        context.settings.public_url,
        templates=list(context.templates),
        countries=countries,
        local=context.settings.google_mode == "local",
    )
