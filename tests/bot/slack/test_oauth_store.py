"""Installed tokens at rest: encrypted, readable back, re-encrypted under a new key, and a
rotating token refreshed once however many replicas read it at the same moment."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select

from bot.local.standin import SlackStandIn
from bot.settings import SettingsError, load_settings
from bot.slack.oauth import installation_store
from storage.crypto import TokenCipher
from storage.db import make_engine
from storage.migrate import upgrade
from storage.slack_stores import reencrypt_tokens, store_metadata

TOKEN = "xoxb-1234567890-secret-bot-token-of-workspace-a"
REFRESH = "xoxe-1-refresh-secret-of-workspace-a"


def _settings(db_url: str, api_url: str = "http://127.0.0.1:9/api/", keys: str | None = None):
    return load_settings(
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        slack_signing_secret="signing",
        slack_api_url=api_url,
        database_url=db_url,
        token_encryption_key=keys or Fernet.generate_key().decode(),
    )


def _install(store, token: str = TOKEN, refresh: str | None = None, expires_in: int | None = None):
    store.save(
        Installation(
            app_id="A0APP",
            enterprise_id=None,
            team_id="T0AAA",
            user_id="U0INSTALLER",
            bot_token=token,
            bot_id="B0BOT",
            bot_user_id="U0BOT",
            bot_scopes="chat:write,commands",
            bot_refresh_token=refresh,
            bot_token_expires_in=expires_in,
            installed_at=time.time(),
        )
    )


def _stored_values(engine) -> list[str]:
    values = []
    with engine.connect() as conn:
        for table in store_metadata()[0].tables.values():
            for row in conn.execute(select(table)).mappings():
                values += [str(v) for v in row.values() if v is not None]
    return values


def test_tokens_are_stored_encrypted_and_read_back_plain(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    store = installation_store(_settings(db_url), engine)
    _install(store, refresh=REFRESH)
    stored = _stored_values(engine)
    assert not any(TOKEN in v or REFRESH in v for v in stored)
    assert any(v.startswith("gAAAAA") for v in stored)  # Fernet tokens
    bot = store.find_bot(enterprise_id=None, team_id="T0AAA")
    assert bot is not None and bot.bot_token == TOKEN and bot.bot_refresh_token == REFRESH
    found = store.find_installation(enterprise_id=None, team_id="T0AAA")
    assert found is not None and found.bot_token == TOKEN
    engine.dispose()


def test_the_database_file_holds_no_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    upgrade(url)
    engine = make_engine(url)
    _install(installation_store(_settings(url), engine))
    engine.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("tokens.db"))
    assert TOKEN.encode() not in raw


def test_a_new_key_reads_old_rows_and_reencrypt_moves_them_to_it(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _install(installation_store(_settings(db_url, keys=old), engine))
    rotated = installation_store(_settings(db_url, keys=f"{new},{old}"), engine)
    assert rotated.find_bot(enterprise_id=None, team_id="T0AAA").bot_token == TOKEN
    assert reencrypt_tokens(engine, TokenCipher([new, old])) >= 2  # the installation and bot
    only_new = installation_store(_settings(db_url, keys=new), engine)
    assert only_new.find_bot(enterprise_id=None, team_id="T0AAA").bot_token == TOKEN
    engine.dispose()


def test_oauth_without_a_key_does_not_start(db_url: str) -> None:
    settings = load_settings(
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        slack_signing_secret="signing",
        database_url=db_url,
    )
    with pytest.raises(SettingsError, match="TOKEN_ENCRYPTION_KEY"):
        settings.require("http")


def test_a_malformed_key_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="TOKEN_ENCRYPTION_KEY"):
        load_settings(token_encryption_key="not-a-fernet-key")


def test_two_replicas_reading_an_expiring_token_refresh_it_once(db_url: str) -> None:
    """Each "replica" has its own engine and store; both read the bot at the same moment
    while its token is about to expire: Slack is asked for one refresh, and both use it."""
    upgrade(db_url)
    with SlackStandIn() as slack:
        slack.workspace.rotating_install()
        key = Fernet.generate_key().decode()
        first = slack.workspace._m_oauth_v2_access({"code": "c0de"})  # an install's answer
        engines = [make_engine(db_url) for _ in range(2)]
        stores = [installation_store(_settings(db_url, slack.api_url, key), e) for e in engines]
        # Installed 12 hours ago: the token expires within the refresh window.
        _install(
            stores[0], token=first["access_token"], refresh=first["refresh_token"], expires_in=60
        )
        barrier, seen = threading.Barrier(2), []

        def read(store) -> None:
            barrier.wait()
            seen.append(store.find_bot(enterprise_id=None, team_id="T0AAA").bot_token)

        threads = [threading.Thread(target=read, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert slack.workspace.refreshes == 1
        assert len(seen) == 2 and seen[0] == seen[1] != first["access_token"]
        assert stores[1].find_bot(enterprise_id=None, team_id="T0AAA").bot_token == seen[0]
        for e in engines:
            e.dispose()
