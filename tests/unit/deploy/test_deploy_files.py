"""The deployment files say what docs/deploy.md says: App Engine standard keys only, as
many concurrent requests as gunicorn serves, warmup on, no password in them, and every
variable they set is a setting the backend reads."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from service.config import Settings

ROOT = Path(__file__).resolve().parents[3]
# Keys of App Engine's flexible environment, which the standard environment refuses.
FLEXIBLE_KEYS = {
    "env",
    "beta_settings",
    "resources",
    "network",
    "liveness_check",
    "readiness_check",
    "health_check",
    "runtime_config",
}


def load(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def gunicorn_concurrency(command: str) -> int:
    """workers x threads of a gunicorn command line."""
    words = shlex.split(command)
    workers = int(words[words.index("-w") + 1])
    threads = int(words[words.index("--threads") + 1])
    return workers * threads


def setting_names() -> set[str]:
    names = {f"MAP_{name.upper()}" for name in Settings.model_fields}
    return names | {"DATABASE_URL", "GOOGLE_CLOUD_PROJECT", "MALLOC_ARENA_MAX"}


def test_app_yaml_is_standard_environment_with_warmup_and_matching_concurrency() -> None:
    app = load("app.yaml")

    assert app["runtime"] == "python312"
    assert not FLEXIBLE_KEYS & set(app)
    assert "warmup" in app["inbound_services"]
    assert app["automatic_scaling"]["max_concurrent_requests"] == gunicorn_concurrency(
        app["entrypoint"]
    )


def test_app_yaml_sets_only_known_settings_and_no_password() -> None:
    variables: dict[str, str] = load("app.yaml")["env_variables"]

    assert set(variables) <= setting_names(), set(variables) - setting_names()
    assert "MAP_DATABASE_PASSWORD" not in variables
    assert make_url(variables["DATABASE_URL"]).password is None
    assert variables["MAP_DATABASE_PASSWORD_SECRET"].startswith("projects/")
    assert variables["MAP_SYNC_DISPATCHER"] == "cloud_tasks"


def test_the_cloud_run_service_matches_the_dockerfile() -> None:
    service = load("service.yaml")
    template = service["spec"]["template"]
    container = template["spec"]["containers"][0]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    command = re.search(r"exec (gunicorn [^\"]+)", dockerfile)

    assert service["kind"] == "Service" and service["apiVersion"] == "serving.knative.dev/v1"
    assert command is not None
    assert template["spec"]["containerConcurrency"] == gunicorn_concurrency(command.group(1))
    assert "run.googleapis.com/cloudsql-instances" in template["metadata"]["annotations"]
    env = {e["name"]: e for e in container["env"]}
    assert set(env) <= setting_names(), set(env) - setting_names()
    assert "secretKeyRef" in env["MAP_DATABASE_PASSWORD"]["valueFrom"]
    assert "--require-hashes -r requirements.txt" in dockerfile
    assert "COPY service " in dockerfile and "COPY sheets_templates " in dockerfile


def test_the_entrypoints_name_the_app_factory_and_the_gunicorn_hooks() -> None:
    entrypoint = load("app.yaml")["entrypoint"]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "'service.web.app:create_app()'" in entrypoint
    assert "service.web.app:create_app()" in dockerfile
    assert "-c python:service.web.gunicorn_config " in entrypoint
    assert "-c python:service.web.gunicorn_config " in dockerfile
