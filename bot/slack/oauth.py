"""Multi-workspace installs through Slack OAuth (``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``).

slack_sdk's SQLAlchemy installation and state stores keep each workspace's bot token and
the short-lived OAuth states in our own database (their tables are created by our Alembic
migrations). Bolt serves ``/slack/install`` and ``/slack/oauth_redirect`` and, for every
request, authorises with the installing workspace's token.
"""

from __future__ import annotations

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from bot.settings import Settings
from storage.slack_stores import STATE_EXPIRY_S

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


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    assert settings.slack_client_id is not None
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


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
