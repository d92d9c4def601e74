"""The command line as an operator meets it: one clear line for every bad setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.settings import Settings, SettingsError, load_settings

SLACK_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "DATABASE_URL",
    "SLACK_API_URL",
)


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SLACK_VARS}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    out = _cli(tmp_path, "--help")
    assert out.returncode == 0
    for command in ("run", "serve", "shell", "db"):
        assert f"    {command} " in out.stdout


def test_version(tmp_path: Path) -> None:
    out = _cli(tmp_path, "--version")
    assert out.returncode == 0
    assert out.stdout.startswith("maturity-bot ")


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["serve"], {}, "SLACK_APP_TOKEN"),
        (["serve"], {"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        (["serve", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        (["db", "upgrade"], {"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        (["db", "upgrade"], {"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        (["serve"], {"SLACK_BOT_TOKEN": "xapp-wrong-kind"}, "SLACK_BOT_TOKEN"),
        (["db", "upgrade"], {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}, "DATABASE_URL"),
    ],
)
def test_bad_settings_stop_with_one_line_naming_the_variable(
    tmp_path: Path, args: list[str], env: dict[str, str], named: str
) -> None:
    out = _cli(tmp_path, *args, **env)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert named in lines[0]
    assert "Traceback" not in out.stderr


def test_db_upgrade_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    out = _cli(tmp_path, "db", "upgrade")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "maturity-bot.db").exists()


def test_settings_defaults_and_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in SLACK_VARS:
        monkeypatch.delenv(var, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///maturity-bot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert not settings.slack_configured
    pg = load_settings(database_url="postgresql://u:p@db/x", slack_api_url="http://127.0.0.1:1/api")
    assert pg.database_url.startswith("postgresql+psycopg://")
    assert pg.slack_api_url.endswith("/api/")


def test_secrets_do_not_leak_into_reprs() -> None:
    settings = load_settings(slack_bot_token="xoxb-very-secret")
    assert "very-secret" not in repr(settings)


def test_oauth_needs_both_halves() -> None:
    settings = load_settings(slack_client_id="123.456", slack_signing_secret="s")
    with pytest.raises(SettingsError, match="SLACK_CLIENT_SECRET"):
        settings.require("http")


def test_the_fetch_allow_list_is_refused_for_multi_workspace_installs() -> None:
    settings = load_settings(
        slack_client_id="1.2",
        slack_client_secret="s",
        slack_signing_secret="x",
        runbook_fetch_allow_hosts="git.internal",
        token_encryption_key=Fernet.generate_key().decode(),
    )
    with pytest.raises(SettingsError, match="RUNBOOK_FETCH_ALLOW_HOSTS"):
        settings.require("http")


def test_people_lookups_are_cached_per_token_and_user() -> None:
    from slack_sdk import WebClient

    from bot.local.standin import SlackStandIn
    from bot.slack import people

    with SlackStandIn() as standin:
        standin.add_user("U0CACHE", name="c", tz="Europe/Berlin", is_admin=True)
        client = WebClient(token=standin.bot_token, base_url=standin.api_url)
        first = people.lookup(client, "U0CACHE")
        second = people.lookup(client, "U0CACHE")
        assert first == second == people.Person("U0CACHE", "Europe/Berlin", True)
        assert len(standin.calls_to("users.info")) == 1
