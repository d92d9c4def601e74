"""Multi-workspace installs through Slack OAuth (``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``).

slack_sdk's SQLAlchemy installation and state stores keep each workspace's bot token and
the short-lived OAuth states in our own database (their tables are created by our Alembic
migrations). Bolt serves ``/slack/install`` and ``/slack/oauth_redirect`` and, for every
request, authorises with the installing workspace's token.

Tokens are encrypted at rest (:class:`EncryptedInstallationStore`, keys from
``TOKEN_ENCRYPTION_KEY``): the database never holds a bot, user or refresh token in
plaintext.

With Slack's token rotation (expiring bot tokens and a refresh token), a token close to its
expiry is refreshed by the store as it is read, one refresh at a time across replicas (a
PostgreSQL advisory lock; a process lock on SQLite, which serves one process): whoever waited
reads the token the first one stored instead of refreshing again.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.settings import Settings
from storage.crypto import TokenCipher, is_encrypted
from storage.db import session_scope
from storage.slack_stores import STATE_EXPIRY_S, TOKEN_COLUMNS
from storage.workspaces import mark_installed

_Entity = TypeVar("_Entity", Bot | None, Installation | None)
# Refresh a rotating token this long before it expires (Bolt's own default window).
REFRESH_BEFORE_S = 120 * 60
_LOCAL_LOCKS: dict[str, threading.Lock] = {}
_LOCAL_GUARD = threading.Lock()

# The bot scopes an install asks for: exactly those in manifest.yml (a test keeps them equal).
BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "im:history",
    "files:write",
    "users:read",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store, with every token encrypted before it is
    written and decrypted as it is read back."""

    def __init__(
        self,
        client_id: str,
        engine: Engine,
        cipher: TokenCipher,
        rotator: TokenRotator | None = None,
    ) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.cipher = cipher
        self.rotator = rotator

    def _sealed(self, entity: Any) -> Any:
        sealed = copy.copy(entity)
        for name in TOKEN_COLUMNS:
            value = getattr(sealed, name, None)
            if isinstance(value, str) and value and not is_encrypted(value):
                setattr(sealed, name, self.cipher.encrypt(value))
        return sealed

    def _opened(self, entity: _Entity) -> _Entity:
        if entity is not None:
            for name in TOKEN_COLUMNS:
                value = getattr(entity, name, None)
                if isinstance(value, str):
                    setattr(entity, name, self.cipher.decrypt(value))
        return entity

    def save(self, installation: Installation) -> None:
        super().save(self._sealed(installation))
        with session_scope(self.engine) as session:  # installed (again): nothing to delete
            mark_installed(
                session=session,
                slack_team_id=installation.team_id or "",
                enterprise_id=installation.enterprise_id,
            )

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self._sealed(bot))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        bot = self._stored_bot(enterprise_id, team_id, is_enterprise_install)
        if bot is None or not self._expiring(bot):
            return bot
        return self._refreshed(enterprise_id, team_id, is_enterprise_install) or bot

    def _stored_bot(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> Bot | None:
        return self._opened(
            super().find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
        )

    def _expiring(self, bot: Bot) -> bool:
        expires = bot.bot_token_expires_at
        return (
            self.rotator is not None
            and bool(bot.bot_refresh_token)
            and expires is not None
            and expires <= time.time() + REFRESH_BEFORE_S
        )

    def _refreshed(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> Bot | None:
        """Refresh the bot token, unless another replica did while we waited our turn."""
        with self._one_refresh_at_a_time(f"{self.client_id}:{enterprise_id}:{team_id}"):
            latest = self._stored_bot(enterprise_id, team_id, is_enterprise_install)
            if latest is None or not self._expiring(latest):
                return latest
            assert self.rotator is not None
            fresh = self.rotator.perform_bot_token_rotation(
                bot=latest, minutes_before_expiration=REFRESH_BEFORE_S // 60
            )
            if fresh is None:
                return latest
            self.save_bot(fresh)
            return fresh

    @contextmanager
    def _one_refresh_at_a_time(self, key: str) -> Iterator[None]:
        if self.engine.dialect.name == "postgresql":
            lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            with self.engine.begin() as conn:  # the lock lasts as long as this transaction
                conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
                yield
            return
        with _LOCAL_GUARD:
            lock = _LOCAL_LOCKS.setdefault(key, threading.Lock())
        with lock:
            yield

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        installation = self._opened(
            super().find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )
        )
        if installation is not None and self._expiring(installation.to_bot()):
            fresh = self._refreshed(enterprise_id, team_id, is_enterprise_install)
            if fresh is not None:
                installation.bot_token = fresh.bot_token
                installation.bot_refresh_token = fresh.bot_refresh_token
                installation.bot_token_expires_at = fresh.bot_token_expires_at
        return installation


def token_cipher(settings: Settings) -> TokenCipher:
    keys = settings.token_encryption_keys
    if not keys:  # settings.require() refuses OAuth without a key before we get here
        raise RuntimeError("TOKEN_ENCRYPTION_KEY is not set")
    return TokenCipher(keys)


def installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore:
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    from bot.slack.client import build_client

    rotator = TokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=build_client(settings, token=""),
    )
    return EncryptedInstallationStore(
        client_id=settings.slack_client_id,
        engine=engine,
        cipher=token_cipher(settings),
        rotator=rotator,
    )


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        installation_store=installation_store(settings, engine),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRY_S, engine=engine),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
    )
