"""The app factory: one Bolt app, whatever runs it (Socket Mode, HTTP, the shell, tests).

``build_app`` makes no network call: Bolt verifies the token lazily, on the first request.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.deps import Deps
from bot.listeners import register_listeners
from bot.settings import Settings
from bot.slack.answer import Answer, tell
from bot.slack.client import build_client
from bot.slack.errors import register_error_handler
from bot.slack.oauth import oauth_settings
from bot.slack.verify import RequestVerification
from bot.slack.work import Work
from storage.db import make_engine

logger = logging.getLogger("maturity_bot")


class _QuietTokenWarning(logging.Filter):
    """Bolt falls back to SLACK_BOT_TOKEN when no token is passed, then warns that the
    client we give it wins. That is by design here; the warning only confuses operators."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logger.addFilter(_QuietTokenWarning())

LISTENER_THREADS = 16
WORK_THREADS = 16


def build_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    process_before_response: bool = False,
) -> App:
    """Build the Bolt app with every listener and the global error handler.

    ``process_before_response`` is for FaaS-like hosts, the shell and in-process tests:
    each request's work then runs before its response. Normal serving acknowledges first
    and does the work on a pool of its own (:mod:`bot.slack.work`).
    """
    engine = engine or make_engine(settings.database_url)
    work = Work(threads=0 if process_before_response else WORK_THREADS)
    deps = Deps(settings=settings, engine=engine, work=work)
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
        # Ours instead of Bolt's: it cannot raise on odd headers, it logs a bounded prefix
        # of a refused body, and it marks verified requests for the error handler.
        request_verification_enabled=False,
        before_authorize=RequestVerification(signing_secret),
        process_before_response=process_before_response,
        # Listeners only acknowledge and hand their work to ``work``: this pool never
        # waits on Slack or the database, so it is never too busy to acknowledge.
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="listener"
        ),
        # An unknown button or a stray event is answered 200 by the error handler, not 404.
        raise_error_for_unhandled_request=True,
        **oauth,
    )

    @app.middleware
    def attach_deps(context: BoltContext, next: Any) -> None:
        context["deps"] = deps
        next()

    def tell_later(body: dict[str, Any], client: WebClient, reply: Answer) -> None:
        """Answer off the request thread: the response_url, or a DM for a modal."""
        user = str((body.get("user") or {}).get("id") or body.get("user_id") or "")
        urls = body.get("response_urls") or []
        url = str(body.get("response_url") or (urls[0].get("response_url") if urls else ""))
        if user and (url or body.get("type") == "view_submission"):
            work.submit(lambda: tell(client, user, url, reply, replace=False))

    register_listeners(app)
    register_error_handler(app, tell_later)
    return app
