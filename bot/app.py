"""The app factory: one Bolt app, whatever runs it (Socket Mode, HTTP, the shell, tests).

``build_app`` makes no network call: Bolt verifies the token lazily, on the first request.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.deps import Deps
from bot.errors import register_error_handler
from bot.listeners import register_listeners
from bot.oauth import oauth_settings
from bot.settings import Settings
from bot.slack_client import build_client
from storage.db import make_engine, session_scope
from storage.events import first_delivery

logger = logging.getLogger("maturity_bot")


class _QuietTokenWarning(logging.Filter):
    """Bolt falls back to SLACK_BOT_TOKEN when no token is passed, then warns that the
    client we give it wins. That is by design here; the warning only confuses operators."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logger.addFilter(_QuietTokenWarning())


def build_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    process_before_response: bool = False,
) -> App:
    """Build the Bolt app with every listener and the global error handler.

    ``process_before_response`` is for FaaS-like hosts; normal serving acks first and
    finishes the listener on Bolt's thread pool.
    """
    engine = engine or make_engine(settings.database_url)
    deps = Deps(settings=settings, engine=engine)
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    oauth: dict[str, Any] = {}
    if settings.uses_oauth:
        # Each request is authorised with its own workspace's token from the store.
        oauth["oauth_settings"] = oauth_settings(settings, engine)
        client = client or build_client(settings, token="")
    app = App(
        name="maturity-bot",
        logger=logger,
        signing_secret=signing_secret,
        client=client or build_client(settings),
        token_verification_enabled=False,
        request_verification_enabled=signing_secret is not None,
        process_before_response=process_before_response,
        **oauth,
    )

    @app.middleware
    def attach_deps(context: BoltContext, next: Any) -> None:
        context["deps"] = deps
        next()

    @app.middleware
    def drop_event_retries(body: dict[str, Any], next: Any) -> Any:
        """Slack redelivers an event it thinks we missed; act on each ``event_id`` once."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with session_scope(engine) as session:
                if not first_delivery(session=session, event_id=str(event_id)):
                    logger.info("dropping redelivered event %s", event_id)
                    return BoltResponse(status=200, body="")
        return next()

    register_listeners(app)
    register_error_handler(app)
    return app
