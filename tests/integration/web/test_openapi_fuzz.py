"""The API against its own OpenAPI description, with schemathesis: generated requests
(valid and invalid, a bounded and reproducible number per operation) with valid
credentials never get a 5xx, and every response conforms to the description."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from service.clock import Clock
from service.config import Settings
from service.web.app import create_app
from service.web.openapi import openapi_document
from tests.clock import make_clock
from tests.db_fixtures import BACKENDS, backend_database_url
from tests.integration.web.conftest import UNREACHABLE_URL, context
from tests.integration.web.flows import create_map
from tests.integration.web.tokens import AUDIENCE, CRON_ACCOUNT, access_token, id_token

MAX_EXAMPLES = 30
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, emulator_server: Any
) -> Iterator[Flask]:
    directory: Path = tmp_path_factory.mktemp("fuzz")
    # The app and the emulator share the test clock, so the MAP made below is dated by
    # it (the run a year ahead must find its go-live still in the future).
    clock = make_clock()
    emulator_server.state.clock.follow(clock)
    try:
        with backend_database_url(request.param, directory) as database_url:
            yield from _app(directory, database_url, emulator_server.url, clock)
    finally:
        emulator_server.state.clock.reset()


def _app(directory: Path, database_url: str, emulator_url: str, clock: Clock) -> Iterator[Flask]:
    settings = Settings(
        data_dir=directory,
        database_url=database_url,
        google_mode="local",
        emulator_url=emulator_url,
        oauth_audiences=[AUDIENCE],
        public_url=UNREACHABLE_URL,
        trust_cron_header=True,
        cron_service_account=CRON_ACCOUNT,
        google_max_retries=1,
        log_format="none",
    )
    app = create_app(settings, clock=clock)
    yield app
    context(app).close()


@pytest.fixture(scope="module")
def real_map(fuzzed_app: Flask, emulator_server: Any) -> dict[str, str]:
    """A MAP with a spreadsheet behind it, so generated requests can reach past 404."""
    created = create_map(fuzzed_app.test_client(), emulator_server.url)
    record = context(fuzzed_app).backend.store.get_map(created["spreadsheet_id"])
    assert record is not None
    return {"spreadsheet_id": record.spreadsheet_id, "key": record.calendar_key}


@pytest.fixture(scope="module")
def credentials(emulator_server: Any) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {id_token(emulator_server.url)}",
        "X-Goog-Access-Token": access_token(emulator_server.url),
        "X-Appengine-Cron": "true",
    }


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: Flask) -> Any:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzzed_app)
    schema.config.generation.update(
        max_examples=MAX_EXAMPLES,
        deterministic=True,
        database="none",
        allow_x00=True,
        # Credentials come from the test (valid ones); invalid ones have their own tests.
        with_security_parameters=False,
    )
    return schema


def cases() -> list[tuple[str, str, GenerationMode]]:
    """Every (method, path) of the description (built from the schemas; no app needed),
    with valid inputs; and, where the operation takes any input, with invalid ones."""
    paths = openapi_document("http://backend")["paths"]
    found = []
    for path, item in paths.items():
        for method, operation in item.items():
            found.append((method.upper(), path, GenerationMode.POSITIVE))
            if operation.get("parameters") or operation.get("requestBody"):
                found.append((method.upper(), path, GenerationMode.NEGATIVE))
    return found


@pytest.mark.parametrize(("method", "path", "mode"), cases())
def test_generated_requests_get_no_server_error_and_answers_that_match_the_description(
    api_schema: Any,
    credentials: dict[str, str],
    real_map: dict[str, str],
    fuzzed_app: Flask,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            aim_at_the_real_map(case, real_map)
        headers = {**credentials, **(case.headers or {})}
        case.call_and_validate(headers=headers, checks=CHECKS)
        context(fuzzed_app).syncs.wait_idle(120)

    run()


def aim_at_the_real_map(case: Any, real_map: dict[str, str]) -> None:
    """Half the generated MAP ids (chosen by the id itself, so runs repeat) become the
    real MAP's, with its calendar key, so the cases reach past "no such MAP"."""
    path = case.path_parameters or {}
    if "spreadsheet_id" in path and len(str(path["spreadsheet_id"])) % 2 == 0:
        path["spreadsheet_id"] = real_map["spreadsheet_id"]
        if isinstance(case.query, dict) and "key" in case.query:
            case.query["key"] = real_map["key"]
    if isinstance(case.body, dict) and "a1" in case.body and len(case.body) % 2 == 0:
        case.body["spreadsheet_id"] = real_map["spreadsheet_id"]
