"""One global error handler: known domain errors become a friendly ephemeral line,
unexpected ones a short id the user can quote to whoever runs the bot."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt import App, BoltResponse

logger = logging.getLogger("maturity_bot.errors")


class UserFacingError(Exception):
    """An error whose message is written for the person who caused it."""


def register_error_handler(app: App) -> None:
    @app.error
    def handle_error(
        error: Exception, body: dict[str, Any], respond: Any, response: BoltResponse | None
    ) -> None:
        if isinstance(error, UserFacingError):
            text = str(error)
            logger.info("user-facing error: %s", text)
            if response is not None:
                # Handled: the person is told below. (Only matters when the listener runs
                # before the response, as in the shell; otherwise Slack already has its ack.)
                response.status, response.body = 200, ""
        else:
            ref = secrets.token_hex(4)
            logger.exception(
                "unexpected error (ref %s) handling %s", ref, _kind(body), exc_info=error
            )
            text = (
                f":warning: Something went wrong on our side. Nothing you entered was lost — "
                f"try again in a moment. If it keeps happening, quote `{ref}` to whoever runs "
                "maturity-bot."
            )
        if respond is not None and _has_response_url(body):
            try:
                respond(text=text, response_type="ephemeral", replace_original=False)
            except Exception:  # the response_url may have expired; the log has the story
                logger.warning("could not tell the user")


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("type") or body.get("command") or "request")


def _has_response_url(body: dict[str, Any]) -> bool:
    return bool(body.get("response_url") or body.get("response_urls"))
