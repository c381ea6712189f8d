"""Health check and the API's own description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from service.web.context import web
from service.web.openapi import openapi_document
from service.web.schemas import HealthStatus, dump

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """The process is up and serving."""
    return dump(HealthStatus(status="ok"))


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 description of this API."""
    return openapi_document(web().settings.public_url)
