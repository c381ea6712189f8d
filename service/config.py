"""Settings, read from the environment once by whoever starts the process.

Nothing here runs at import time: build a :class:`Settings` in the app factory or a
command's handler. Every variable is prefixed ``MAP_`` except ``DATABASE_URL``, which
is the name App Engine, Cloud SQL guides and most tools use.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAP_", extra="ignore")

    # Where local state lives: the SQLite store and the emulator's files.
    data_dir: Path = Path(".map-data")
    # SQLAlchemy URL of the store; empty means a SQLite file under data_dir.
    database_url: str = Field(default="", validation_alias="DATABASE_URL")

    # "local": the embedded emulator of the Google APIs; "google": the real ones.
    google_mode: str = "local"
    # Base URL of the emulator when google_mode is "local".
    emulator_url: str = "http://127.0.0.1:8765"
    # Service-account key file for google_mode "google"; empty = Application Default Credentials.
    service_account_file: str = ""
    # The backend's service-account email (MAPs are shared with it).
    service_account_email: str = "map-backend@map-local.iam.gserviceaccount.com"

    # Identity tokens: accepted audiences (OAuth client ids) and issuers.
    oauth_audiences: list[str] = ["map-addon-local"]
    token_issuers: list[str] = ["https://accounts.google.com", "accounts.google.com"]
    # Where the issuer's signing certificates are published.
    certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"

    # Public base URL of this backend (Drive push notifications are delivered to it).
    public_url: str = "http://127.0.0.1:8080"
    # Timeouts and retries for calls to Google.
    google_timeout_s: float = 20.0
    google_max_retries: int = 5

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'map.sqlite3').resolve()}"
