"""The backend's settings in local mode: the emulator for Google, SQLite under the data
directory, the local OAuth client id, and the URLs of this machine."""

from __future__ import annotations

import os
from pathlib import Path

from service.config import Settings

# The OAuth client id the preview's add-on stand-in puts in its ID tokens (the
# audience the backend accepts in local mode).
LOCAL_CLIENT_ID = "map-addon-local"
# The service account the local cron jobs call the backend as.
CRON_ACCOUNT = "map-cron@map-local.iam.gserviceaccount.com"


def local_settings(
    data_dir: Path, *, backend_url: str, emulator_url: str, smtp_port: int = 0, smtp_host: str = ""
) -> Settings:
    """Settings for the backend of ``serve``. Everything that makes it local is fixed
    here; the rest (log level, sync workers...) still comes from ``MAP_*`` variables."""
    overrides: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": "",
        "google_mode": "local",
        "emulator_url": emulator_url,
        "public_url": backend_url,
        "oauth_audiences": [LOCAL_CLIENT_ID],
        "token_issuers": [emulator_url],
        "certs_url": f"{emulator_url}/oauth2/v1/certs",
        "sheet_url_template": "",
        "cron_service_account": CRON_ACCOUNT,
        "cron_audiences": [backend_url],
        "trust_cron_header": False,
        "sync_processes": 0,
    }
    if smtp_port:
        # The SMTP server serve embeds: plain SMTP on this machine, no login.
        overrides.update(smtp_host=smtp_host or "127.0.0.1", smtp_port=smtp_port)
        overrides.update(smtp_starttls=False, smtp_user="")
    if "MAP_LOG_FORMAT" not in os.environ:
        overrides["log_format"] = "text"
    if "MAP_LOG_LEVEL" not in os.environ:
        # A person runs this in a terminal: problems only (MAP_LOG_LEVEL=INFO for each request).
        overrides["log_level"] = "WARNING"
    return Settings(**overrides)  # type: ignore[arg-type]
