"""Migration 0007 encrypts tokens that a database made by the previous schema holds in
plaintext, and refuses (changing nothing) when it has no key to encrypt them with."""

from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from storage.crypto import TokenCipher
from storage.db import make_engine
from storage.migrate import upgrade
from storage.slack_stores import store_metadata

TOKEN = "xoxb-1234-plaintext-token-from-before-encryption"


def _seed_plaintext(db_url: str) -> None:
    upgrade(db_url, "0006")  # the schema before tokens were encrypted
    engine = make_engine(db_url, bounded=False)
    bots = store_metadata()[0].tables["slack_bots"]
    with engine.begin() as conn:
        conn.execute(
            bots.insert().values(
                client_id="1111.2222",
                app_id="A0APP",
                team_id="T0AAA",
                bot_token=TOKEN,
                bot_id="B0BOT",
                bot_user_id="U0BOT",
                installed_at=datetime.datetime(2026, 11, 1),
            )
        )
    engine.dispose()


def _tokens(db_url: str) -> list[str]:
    engine = make_engine(db_url, bounded=False)
    with engine.connect() as conn:
        found = [r[0] for r in conn.execute(text("SELECT bot_token FROM slack_bots"))]
    engine.dispose()
    return found


def test_plaintext_tokens_are_encrypted_by_the_upgrade(db_url: str) -> None:
    _seed_plaintext(db_url)
    key = Fernet.generate_key().decode()
    upgrade(db_url, token_keys=[key])
    (stored,) = _tokens(db_url)
    assert stored != TOKEN and stored.startswith("gAAAAA")
    assert TokenCipher([key]).decrypt(stored) == TOKEN


def test_without_a_key_the_upgrade_stops_and_changes_nothing(db_url: str, monkeypatch) -> None:
    monkeypatch.delenv("TOKEN_ENCRYPTION_KEY", raising=False)
    _seed_plaintext(db_url)
    with pytest.raises(RuntimeError, match="TOKEN_ENCRYPTION_KEY"):
        upgrade(db_url)
    assert _tokens(db_url) == [TOKEN]
    engine = make_engine(db_url, bounded=False)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == "0006"


def test_a_database_with_no_installs_needs_no_key(db_url: str, monkeypatch) -> None:
    monkeypatch.delenv("TOKEN_ENCRYPTION_KEY", raising=False)
    upgrade(db_url)
    engine = make_engine(db_url, bounded=False)
    with engine.connect() as conn:
        assert conn.execute(select(store_metadata()[0].tables["slack_bots"])).all() == []
    engine.dispose()
