"""Settings: read once from the environment (and an optional ``.env``), passed down.

Listeners and jobs never read ``os.environ``; they get a :class:`Settings`. A missing or
malformed value raises :class:`SettingsError` whose message is one line naming the variable,
which the CLI prints before exiting with status 2.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///maturity-bot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_GITHUB_API_URL = "https://api.github.com"
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.:-]{1,253})$")
_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"}

Mode = Literal["socket", "http", "shell", "db", "post"]


class SettingsError(Exception):
    """A setting is missing or malformed; ``str(err)`` is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO")
    # Hosts `/maturity runbook import` may fetch from although they resolve to private
    # addresses (comma-separated names, e.g. an internal Git server).
    runbook_fetch_allow_hosts: str = ""
    # Fernet keys that encrypt installed tokens at rest (comma-separated: the first
    # encrypts, all decrypt). Required with OAuth.
    token_encryption_key: SecretStr | None = None
    # Days a workspace's data is kept after the app is uninstalled (a reinstall finds it).
    data_retention_days: int = Field(default=30, ge=1, le=3650)
    # Evidence hooks: events a minute each hook token may send (a burst of as many, per
    # process), and the days of events that measure the criteria.
    hook_rate_per_minute: int = Field(default=600, ge=1, le=1_000_000)
    evidence_window_days: int = Field(default=14, ge=1, le=365)
    # Nudges (issue 14): days the same nudge (same fingerprint) is not raised again.
    nudge_cooldown_days: int = Field(default=14, ge=1, le=365)
    # GitHub Actions evidence: the REST API's base URL (GitHub Enterprise, or a stand-in in
    # tests) and the token that reads workflow runs for teams that gave none of their own.
    github_api_url: str = DEFAULT_GITHUB_API_URL
    github_token: SecretStr | None = None

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("is not a database URL") from exc
        if url.drivername not in _DRIVERS:
            if url.drivername == "postgresql+psycopg2":
                raise ValueError("use postgresql+psycopg:// (psycopg 3), not psycopg2")
            raise ValueError(
                f"scheme {url.drivername!r} is not supported; use sqlite or postgresql"
            )
        if url.drivername.startswith("postgresql"):
            # Pin the driver we ship, whichever spelling the operator used.
            value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("github_api_url")
    @classmethod
    def _check_github_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("github_token")
    @classmethod
    def _check_github_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(
            r"^(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}$", value.get_secret_value()
        ):
            raise ValueError("must be a GitHub token (ghp_…, github_pat_…, ghs_…)")
        return value

    @field_validator("runbook_fetch_allow_hosts")
    @classmethod
    def _check_allow_hosts(cls, value: str) -> str:
        for part in (p.strip() for p in value.split(",")):
            if part and not _HOST.match(part):
                raise ValueError(f"{part!r} is not a host name (use names like git.internal)")
        return value

    @field_validator("token_encryption_key")
    @classmethod
    def _check_encryption_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from storage.crypto import TokenCipherError, parse_keys

            try:
                if not parse_keys(value.get_secret_value()):
                    return None
            except TokenCipherError as exc:
                raise ValueError(str(exc)) from None
        return value

    @property
    def token_encryption_keys(self) -> list[str]:
        if self.token_encryption_key is None:
            return []
        from storage.crypto import parse_keys

        return parse_keys(self.token_encryption_key.get_secret_value())

    @property
    def runbook_allow_hosts(self) -> frozenset[str]:
        return frozenset(
            p.strip().rstrip(".").strip("[]").lower()
            for p in self.runbook_fetch_allow_hosts.split(",")
            if p.strip()
        )

    @field_validator("slack_bot_token")
    @classmethod
    def _check_bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _check_app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    # ---- what each way of running needs -------------------------------------------------

    @property
    def uses_oauth(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def slack_configured(self) -> bool:
        """True when there is enough to talk to a real Slack workspace."""
        return bool(
            (self.slack_bot_token or self.uses_oauth)
            and (self.slack_app_token or self.slack_signing_secret)
        )

    def require(self, mode: Mode) -> None:
        """Raise :class:`SettingsError` naming the first setting ``mode`` needs but lacks."""
        if mode == "socket":
            if self.slack_app_token is None:
                raise SettingsError("SLACK_APP_TOKEN is not set: Socket Mode needs an xapp- token")
            if self.slack_bot_token is None:
                raise SettingsError("SLACK_BOT_TOKEN is not set: Socket Mode needs an xoxb- token")
        elif mode == "post" and self.slack_bot_token is None and not self.uses_oauth:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: posting to Slack needs an xoxb- token (or "
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for multi-workspace OAuth)"
            )
        elif mode == "http":
            if self.slack_signing_secret is None:
                raise SettingsError(
                    "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it"
                )
            if self.slack_bot_token is None and not self.uses_oauth:
                raise SettingsError(
                    "SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                    "for multi-workspace OAuth)"
                )
        if (
            self.uses_oauth
            and mode in ("socket", "http", "post")
            and not self.token_encryption_keys
        ):
            raise SettingsError(
                "TOKEN_ENCRYPTION_KEY is not set: with SLACK_CLIENT_ID (OAuth) installed tokens "
                'are stored encrypted (make a key: python -c "from cryptography.fernet import '
                'Fernet; print(Fernet.generate_key().decode())")'
            )
        if self.uses_oauth and self.runbook_fetch_allow_hosts.strip():
            raise SettingsError(
                "RUNBOOK_FETCH_ALLOW_HOSTS cannot be used with SLACK_CLIENT_ID (multi-workspace "
                "OAuth): every installed workspace could read files from those internal hosts"
            )
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = (
                "SLACK_CLIENT_SECRET" if self.slack_client_secret is None else "SLACK_CLIENT_ID"
            )
            raise SettingsError(f"{missing} is not set: OAuth needs both client id and secret")


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning pydantic's report into one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "settings"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{field.upper()} is invalid: {message}") from None
