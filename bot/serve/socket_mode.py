"""``serve``: the Bolt app over Socket Mode (no public URL needed)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.settings import Settings
from storage.db import make_engine
from storage.migrate import upgrade

logger = logging.getLogger("maturity_bot.socket_mode")


def serve_socket_mode(settings: Settings, *, scheduler: bool = True) -> int:
    assert settings.slack_app_token is not None  # settings.require("socket") checked it
    upgrade(settings.database_url, token_keys=settings.token_encryption_keys)
    app = build_app(settings)
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: closing the Socket Mode connection", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    background = None
    if scheduler:
        from bot.serve.runtime import start_background

        background = start_background(settings, make_engine(settings.database_url))
    from bot.serve.http import settle_heap

    settle_heap()
    handler.connect()
    print("maturity-bot: connected to Slack over Socket Mode", flush=True)
    stop.wait()
    handler.close()
    if background is not None:
        background.shutdown(wait=True)
    return 0
