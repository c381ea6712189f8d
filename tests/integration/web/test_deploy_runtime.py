"""What the deployment relies on at run time: App Engine's warmup request, and the
database password read from Secret Manager (the emulator's, over HTTP, with the
backend's own credentials) or given directly."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from service.config import Settings
from service.runtime.secrets import SecretUnavailable, database_url

CLOUD_SQL_URL = "postgresql+psycopg://map@/map?host=/cloudsql/p:r:map-db"
SECRET = "projects/map-local/secrets/map-db-password"


def test_the_warmup_request_answers_200(client: FlaskClient) -> None:
    response = client.get("/_ah/warmup")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def put_secret(emulator_url: str, name: str, value: str) -> None:
    reply = requests.put(
        f"{emulator_url}/__emulator/secrets", json={"name": name, "value": value}, timeout=10
    )
    reply.raise_for_status()


def settings(emulator: Any, **values: Any) -> Settings:
    return Settings(google_mode="local", emulator_url=emulator.url, **values)


def test_the_password_is_read_from_secret_manager_into_the_url(emulator: Any) -> None:
    put_secret(emulator.url, SECRET, "p@ss/w:rd")

    url = database_url(
        settings(
            emulator,
            database_url=CLOUD_SQL_URL,
            database_password_secret=f"{SECRET}/versions/latest",
        )
    )

    parsed = make_url(url)
    assert parsed.password == "p@ss/w:rd"
    assert (parsed.username, parsed.database) == ("map", "map")
    assert parsed.query["host"] == "/cloudsql/p:r:map-db"


def test_a_password_given_directly_needs_no_secret_manager(emulator: Any) -> None:
    url = database_url(settings(emulator, database_url=CLOUD_SQL_URL, database_password="pw"))
    assert make_url(url).password == "pw"


def test_a_missing_secret_is_an_error_naming_it_not_its_value(emulator: Any) -> None:
    name = "projects/map-local/secrets/nothing-here/versions/latest"
    with pytest.raises(SecretUnavailable, match=r"nothing-here.*HTTP 404"):
        database_url(settings(emulator, database_url=CLOUD_SQL_URL, database_password_secret=name))


def test_without_a_password_setting_the_url_is_kept(emulator: Any) -> None:
    assert database_url(settings(emulator, database_url=CLOUD_SQL_URL)) == CLOUD_SQL_URL
