"""Settings, read from the environment once by whoever starts the process.

Nothing here runs at import time: build a :class:`Settings` in the app factory or a
command's handler. Every variable is prefixed ``MAP_`` except ``DATABASE_URL``, which
is the name App Engine, Cloud SQL guides and most tools use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAP_", extra="ignore")

    # Where local state lives: the SQLite store and the emulator's files.
    data_dir: Path = Path(".map-data")
    # SQLAlchemy URL of the store; empty means a SQLite file under data_dir.
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    # The store's password, if DATABASE_URL has none: given here (Cloud Run puts a Secret
    # Manager secret in it), or read from Secret Manager at start from the secret version
    # named here (projects/<p>/secrets/<s>/versions/latest; App Engine).
    database_password: str = Field(default="", repr=False)
    database_password_secret: str = ""

    # "local": the embedded emulator of the Google APIs; "google": the real ones.
    google_mode: Literal["local", "google"] = "local"
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

    # Where the link to a MAP points in local mode ("" = the emulator's preview page).
    # Placeholders: {emulator_url}, {spreadsheet_id}.
    sheet_url_template: str = ""
    # Cron: App Engine's X-Appengine-Cron header is trusted only where App Engine strips
    # it from outside requests (app.yaml turns this on); otherwise an ID token of this
    # service account is needed ("" = none).
    trust_cron_header: bool = False
    cron_service_account: str = ""
    # Audiences accepted on the cron service account's ID tokens besides the OAuth
    # client ids ([] = the public URL, the default audience of a scheduler's token).
    cron_audiences: list[str] = []

    # Background syncs after a hook (per process): worker threads and queue bound.
    sync_workers: int = Field(default=4, ge=1, le=64)
    sync_queue_size: int = Field(default=1000, ge=1)
    # Processes that run the syncs (0: the worker threads sync in the web process). In
    # their own, niced processes syncs do not hold up the threads acknowledging hooks.
    sync_processes: int = Field(default=0, ge=0, le=32)
    sync_niceness: int = Field(default=19, ge=0, le=19)
    # A sync Google's quota refused, when the refusal does not say how long to wait, is
    # queued again this many seconds later: Google's quota is counted per minute.
    sync_quota_retry_s: float = Field(default=60.0, gt=0, le=3600)
    # Pacing of the syncs notifications ask for (docs/sync.md, "Pacing"): a MAP is synced
    # once it has had no notification for sync_quiet_s, or when its first unsynced
    # notification is sync_max_wait_s old, whichever comes first. Refresh and the other
    # paths that answer with the result are not paced.
    sync_quiet_s: float = Field(default=1.2, ge=0, le=60)
    sync_max_wait_s: float = Field(default=40.0, ge=0, le=3600)
    # The budget of Sheets calls per minute of the service account, shared by every
    # instance through the store (Google's default quota: 60 per user per minute).
    sheets_reads_per_minute: int = Field(default=55, ge=1, le=100_000)
    sheets_writes_per_minute: int = Field(default=55, ge=1, le=100_000)
    # Who runs the syncs a hook asks for: "pool" (the in-process SyncPool above, the
    # default of `serve`) or "cloud_tasks" (a Cloud Tasks queue calls POST /tasks/sync;
    # docs/deploy.md). The tasks_* settings are read only for "cloud_tasks".
    sync_dispatcher: Literal["pool", "cloud_tasks"] = "pool"
    # The queue: projects/<tasks_project>/locations/<tasks_location>/queues/<tasks_queue>
    # (tasks_project "" = GOOGLE_CLOUD_PROJECT).
    tasks_project: str = ""
    tasks_location: str = "us-central1"
    tasks_queue: str = "map-sync"
    # The queue of the periodic work fanned out by cron (the sweep's MAPs, channel
    # renewals, reminders), in the same project and location ("" = tasks_queue). Its own
    # queue keeps an hourly sweep of every MAP from delaying the syncs of edits.
    tasks_background_queue: str = ""
    # Where Cloud Tasks sends the syncs ("" = public_url) and the service account whose
    # OIDC token it attaches ("" = service_account_email). The route accepts only that
    # account's tokens, for the audience tasks_audience ("" = the target base URL).
    tasks_target_url: str = ""
    tasks_service_account: str = ""
    tasks_audience: str = ""
    # host:port of a local Cloud Tasks emulator (insecure gRPC); "" = Google's.
    tasks_emulator_host: str = ""
    # Whether /tasks/sync demands the OIDC token. Turning it off is refused in
    # google_mode "google": only for a local queue that sends no token.
    tasks_require_oidc: bool = True
    # A MAP's edits within one window of this many seconds share one task (its name holds
    # the MAP and the window); the task runs when the window closes.
    tasks_coalesce_s: float = Field(default=1.0, gt=0, le=60)
    # At start, queue every MAP whose notifications no sync has covered yet (a process
    # that died, a full queue), each once the lease a dead process left has expired.
    resume_syncs_at_start: bool = True
    # Size of the database connection pool of each process (PostgreSQL).
    database_pool_size: int = Field(default=10, ge=1)

    # Logs: "json" (Cloud Logging's structured format on stdout), "text", or "none"
    # (leave logging as the host set it up).
    log_format: Literal["json", "text", "none"] = "json"
    log_level: str = "INFO"
    # The project whose traces the request logs are tied to (App Engine sets it).
    google_cloud_project: str = Field(default="", validation_alias="GOOGLE_CLOUD_PROJECT")

    # Reminders by email. SMTP server of any provider ("" = none: in local mode the
    # server `serve` embeds; elsewhere messages stay in the outbox until one is set).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_s: float = Field(default=20.0, gt=0)
    mail_from: str = "MAP reminders <reminders@map.local>"
    # Signs the one-click links in reminders (at least 16 characters; in local mode a
    # random one is kept under data_dir when unset).
    link_secret: SecretStr = SecretStr("")
    link_max_age_days: int = Field(default=14, ge=1, le=90)
    # Business days before a step's date its owner is reminded.
    reminder_lead_bd: int = Field(default=2, ge=0, le=20)
    # Send within the recipient's working hours only (09:00-17:00 on business days in
    # the sheet's time zone); off: as soon as decided (demos, tests of whole programs).
    reminder_working_hours: bool = True
    # How long a sender holds a message it is delivering before another may retry it.
    reminder_send_lease_s: int = Field(default=600, ge=5, le=86_400)
    # Chat webhook (Google Chat or Slack incoming webhook) per organisation, for MAPs
    # without their own: {"vendor.com": "https://chat.googleapis.com/..."}.
    org_chat_webhooks: dict[str, str] = {}

    @model_validator(mode="after")
    def _tasks_authenticated_in_production(self) -> Settings:
        if self.google_mode == "google" and not self.tasks_require_oidc:
            raise ValueError(
                "MAP_TASKS_REQUIRE_OIDC may be false only in google_mode local: in "
                "production /tasks/sync must check the queue's OIDC token"
            )
        return self

    def resolved_tasks_queue_path(self) -> str:
        project = self.tasks_project or self.google_cloud_project
        return f"projects/{project}/locations/{self.tasks_location}/queues/{self.tasks_queue}"

    def resolved_tasks_background_queue_path(self) -> str:
        project = self.tasks_project or self.google_cloud_project
        queue = self.tasks_background_queue or self.tasks_queue
        return f"projects/{project}/locations/{self.tasks_location}/queues/{queue}"

    def resolved_tasks_target_url(self) -> str:
        """The full URL Cloud Tasks calls for a sync."""
        return f"{(self.tasks_target_url or self.public_url).rstrip('/')}/tasks/sync"

    def resolved_tasks_service_account(self) -> str:
        return self.tasks_service_account or self.service_account_email

    def resolved_tasks_audience(self) -> str:
        return self.tasks_audience or (self.tasks_target_url or self.public_url).rstrip("/")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'map.sqlite3').resolve()}"

    def resolved_link_secret(self) -> str:
        """The secret one-click links are signed with: ``link_secret``; in local mode,
        when unset, a random one kept in ``data_dir/link-secret`` (made on first use);
        otherwise "" (reminders cannot carry links until it is set)."""
        secret = self.link_secret.get_secret_value()
        if secret or self.google_mode != "local":
            return secret
        path = self.data_dir / "link-secret"
        if not path.exists():
            import os
            import secrets

            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{secrets.token_hex(4)}")
            tmp.write_text(secrets.token_urlsafe(32))
            tmp.chmod(0o600)
            try:
                os.link(tmp, path)  # the first process to get here wins
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text().strip()

    def resolved_token_issuers(self) -> list[str]:
        """Issuers accepted on ID tokens: in local mode the emulator's own, unless set."""
        if self.google_mode == "local" and "token_issuers" not in self.model_fields_set:
            return [self.emulator_url.rstrip("/")]
        return list(self.token_issuers)

    def resolved_certs_url(self) -> str:
        """Where the ID tokens' signing certificates are: the emulator's in local mode,
        unless set."""
        if self.google_mode == "local" and "certs_url" not in self.model_fields_set:
            return f"{self.emulator_url.rstrip('/')}/oauth2/v1/certs"
        return self.certs_url

    def resolved_cron_audiences(self) -> list[str]:
        return list(self.cron_audiences) or [self.public_url.rstrip("/")]

    def resolved_sheet_url_template(self) -> str:
        """The link to a MAP, with ``{spreadsheet_id}`` (and ``{emulator_url}``) in it."""
        if self.sheet_url_template:
            return self.sheet_url_template
        if self.google_mode == "local":
            return "{emulator_url}/preview/{spreadsheet_id}"
        return "https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"
