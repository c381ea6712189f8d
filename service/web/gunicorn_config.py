"""gunicorn's settings for the backend: ``gunicorn -c python:service.web.gunicorn_config``.

The command line (app.yaml's entrypoint, the Dockerfile's command) keeps the bind address,
workers, threads and timeouts; this module holds only the hooks.
"""

from __future__ import annotations

from typing import Any

from service.runtime.start_up import settle


def post_worker_init(worker: Any) -> None:
    """A worker has loaded the app: what it built stays out of the garbage collector's
    full collections (:func:`service.runtime.start_up.settle`)."""
    settle()
