"""The app factory: ``create_app(settings=None)`` builds everything the backend needs
from the settings (the store, the Google clients, the queue of background syncs and
logging through :mod:`service.runtime`; the token verifier here), so nothing happens at
import time. Run it under gunicorn::

    gunicorn -b :8080 -w 2 --threads 8 'service.web.app:create_app()'
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import google.auth.transport.requests
import requests
from flask import Flask, Response, g, has_request_context, request

from service.clock import Clock
from service.config import Settings
from service.runtime import logs
from service.runtime.gateways import ServiceSheets
from service.runtime.recovery import resume_pending
from service.runtime.reminders import build_links
from service.runtime.sync_queue import build_sweep_pool, build_sync_queue
from service.runtime.wiring import build_backend, build_store
from service.services.map_sheets import MapSheets
from service.templates import list_templates
from service.web import api, hooks, local_outbox, meta, one_click_pages, reminders_api, tasks
from service.web.auth import IdTokenVerifier
from service.web.certs_cache import CachingCertsRequest
from service.web.context import EXTENSION, WebContext
from service.web.errors import register_error_handlers

if TYPE_CHECKING:  # Google's Cloud Tasks library is loaded only when it is used
    from service.runtime.background_tasks import BackgroundTasks

log = logging.getLogger(__name__)
access_log = logging.getLogger("service.web.access")

MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """The backend. ``clock`` is real time unless a test brings its own."""
    settings = settings if settings is not None else Settings()
    logs.configure_logging(settings.log_format, settings.log_level)
    context = build_context(settings, clock or Clock())

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = context
    _request_hooks(app, settings)
    register_error_handlers(app)
    for blueprint in (api.bp, reminders_api.bp, hooks.bp, tasks.bp, meta.bp, one_click_pages.bp):
        app.register_blueprint(blueprint)
    if settings.google_mode == "local":
        app.register_blueprint(local_outbox.bp)
    log.info(
        "backend ready: mode=%s store=%s",
        settings.google_mode,
        context.backend.store.engine.dialect.name,
    )
    return app


def build_context(settings: Settings, clock: Clock) -> WebContext:
    """The store (migrated), the use cases' Backend, the token verifier and the queue of
    background syncs."""
    store = build_store(settings, migrate=True, clock=clock)
    service_sheets = ServiceSheets(settings, store)
    backend = build_backend(
        settings, store, service_sheets, keep_seller_sheets=_closed_after_request, clock=clock
    )
    session = requests.Session()
    verifier = IdTokenVerifier(
        audiences=settings.oauth_audiences,
        issuers=settings.resolved_token_issuers(),
        certs_url=settings.resolved_certs_url(),
        transport=CachingCertsRequest(google.auth.transport.requests.Request(session)),
    )
    syncs = build_sync_queue(settings, backend, clock)
    if settings.resume_syncs_at_start:
        resume_pending(store, syncs, clock())
    templates = {t.name: t for t in list_templates()}
    return WebContext(
        settings,
        backend,
        verifier,
        syncs,
        templates,
        service_sheets,
        session,
        links=build_links(settings, backend),
        background=_background_tasks(settings, clock),
        sweeps=build_sweep_pool(backend, clock),
    )


def _background_tasks(settings: Settings, clock: Clock) -> BackgroundTasks | None:
    """The cron jobs' fan-out, with the Cloud Tasks dispatcher only."""
    if settings.sync_dispatcher != "cloud_tasks":
        return None
    from service.runtime.background_tasks import build_background_tasks

    return build_background_tasks(settings, clock)


def _closed_after_request(sheets: MapSheets) -> MapSheets:
    """A seller's MapSheets lives for one request: its connections close at the end."""
    if has_request_context():
        g.setdefault("seller_sheets", []).append(sheets)
    return sheets


def _request_hooks(app: Flask, settings: Settings) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        context = logs.request_context(
            request.headers.get("X-Request-Id"),
            request.headers.get("X-Cloud-Trace-Context"),
            settings.google_cloud_project,
        )
        g.log_context = context
        g.log_token = logs.current.set(context)
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            from werkzeug.exceptions import RequestEntityTooLarge

            raise RequestEntityTooLarge()

    @app.after_request
    def _finish(response: Response) -> Response:
        context = g.get("log_context")
        if context is not None:
            response.headers["X-Request-Id"] = context.request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "application/json":
            response.headers.setdefault("Cache-Control", "no-store")
        if not access_log.isEnabledFor(logging.INFO):  # the entry is not built for nothing
            return response
        started = g.get("started")
        latency = time.perf_counter() - started if started is not None else 0.0
        access_log.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            latency * 1000,
            extra={
                "http_request": {
                    "requestMethod": request.method,
                    "requestUrl": request.path,
                    "status": response.status_code,
                    "latency": f"{latency:.6f}s",
                    "responseSize": str(response.calculate_content_length() or 0),
                }
            },
        )
        return response

    @app.teardown_request
    def _forget(_: BaseException | None) -> None:
        for sheets in g.pop("seller_sheets", []):
            sheets.close()
        token = g.pop("log_token", None)
        if token is not None:
            try:
                logs.current.reset(token)
            except ValueError:  # set in another context; just clear it here
                logs.current.set(None)
