"""What goes wrong, said to the person it happened to, and one global handler.

- A :class:`UserFacingError` is a refusal or a bad input: its message is written for the
  person and told as it is.
- The database or Slack being unreachable is not the person's fault: "try again".
- Anything else is logged with its traceback and a short reference id the person can
  quote to whoever runs the bot.

Bolt's ``@app.error`` handler sees only what fails before a listener acknowledged (work
after the acknowledgement is answered by :func:`bot.slack.work.after_ack`). It answers
only requests whose signature verified, and every request it sees gets HTTP 200 — or 401
when unverified — never Bolt's 500 or 404.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.slack.answer import Answer
from bot.slack.ids import COMMAND, ActionId
from bot.slack.verify import VERIFIED

logger = logging.getLogger("maturity_bot.errors")

DATABASE_DOWN = (
    ":hourglass_flowing_sand: I can't reach my database just now, so I couldn't do that. "
    "Please try again in a minute; everything saved before is safe."
)
SLACK_BUSY = (
    ":hourglass_flowing_sand: Slack asked me to slow down for a moment. Please try again in "
    "a minute; everything saved before is safe."
)
SLACK_DOWN = (
    ":hourglass_flowing_sand: I couldn't reach Slack to finish that. Please try again in a "
    "minute; everything saved before is safe."
)
TRIGGER_EXPIRED = (
    "That took me too long to open, sorry: Slack only lets a form open within a few seconds "
    "of the click. Please click again."
)
TRIGGER_ERRORS = frozenset({"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"})
STALE_BUTTON = (
    f"That button belongs to an older message of mine and does nothing now. "
    f"`{COMMAND} help` shows what I can do."
)


class UserFacingError(Exception):
    """An error whose message is written for the person who caused it; ``blocks`` (Block
    Kit dicts) may offer a way on, e.g. a button that does what was probably meant."""

    def __init__(self, message: str, *, blocks: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.blocks = list(blocks or [])


def oops(ref: str) -> str:
    return (
        f":warning: Something went wrong on our side. Nothing you entered was lost — try "
        f"again in a moment. If it keeps happening, quote `{ref}` to whoever runs maturity-bot."
    )


def database_down(exc: BaseException) -> bool:
    """The database did not answer (unreachable, timed out, locked too long)."""
    if isinstance(exc, OperationalError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def reply_for_error(exc: BaseException, *, what: str) -> Answer:
    """What to tell the person about ``exc`` (logged here, once, at the right level)."""
    if isinstance(exc, UserFacingError):
        logger.info("user-facing answer to %s: %s", what, exc)
        return Answer(text=str(exc), blocks=exc.blocks)
    if database_down(exc):
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        logger.warning("database unavailable while handling %s: %s", what, reason[:1])
        return Answer(text=DATABASE_DOWN)
    if isinstance(exc, SlackApiError) and exc.response.get("error") in TRIGGER_ERRORS:
        logger.info("a modal for %s could not open: %s", what, exc.response.get("error"))
        return Answer(text=TRIGGER_EXPIRED)
    if isinstance(exc, SlackApiError) and (
        exc.response.status_code == 429 or exc.response.get("error") == "ratelimited"
    ):
        logger.warning("Slack rate-limited %s beyond what a request may wait", what)
        return Answer(text=SLACK_BUSY)
    if isinstance(exc, SlackClientError | TimeoutError | ConnectionError) and not isinstance(
        exc, SlackApiError
    ):
        logger.warning("Slack unreachable while handling %s: %s", what, exc)
        return Answer(text=SLACK_DOWN)
    ref = secrets.token_hex(4)
    logger.error("unexpected error (ref %s) handling %s", ref, what, exc_info=exc)
    return Answer(text=oops(ref))


def _ours(body: dict[str, Any]) -> bool:
    """A click on a button of a kind we still have (its action id one of ours)."""
    actions = body.get("actions") or []
    action_id = str(actions[0].get("action_id", "")) if actions else ""
    return any(action_id.split(":", 1)[0] == kind.value for kind in ActionId)


def kind_of(body: dict[str, Any]) -> str:
    return str(body.get("command") or body.get("type") or "request")


def register_error_handler(app: App, tell_later: Any) -> None:
    """``tell_later(body, client, reply)`` answers the person off the request thread."""

    @app.error
    def handle_error(
        error: Exception,
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        response: BoltResponse | None,
    ) -> None:
        if not context.get(VERIFIED):
            # Failed before verification finished: nobody to answer, nothing to trust.
            logger.warning("error before request verification: %s", type(error).__name__)
            if response is not None:
                response.status, response.body = 401, json.dumps({"error": "invalid request"})
            return
        if isinstance(error, BoltUnhandledRequestError):
            reply = None
            if _ours(body):  # a listener matched but did not acknowledge in time
                logger.warning("a listener did not acknowledge %s in time", kind_of(body))
            else:
                logger.info("no listener for %s", kind_of(body))
                if body.get("type") == "block_actions":
                    reply = Answer(text=STALE_BUTTON)
        else:
            reply = reply_for_error(error, what=kind_of(body))
        if response is not None:  # not acknowledged yet: this is the acknowledgement
            response.status, response.headers = 200, {}
            response.body = ""
            if body.get("command") and reply is not None:
                # A slash command's acknowledgement can carry the answer itself.
                response.body = json.dumps({"response_type": "ephemeral", "text": reply.text})
                response.headers = {"content-type": ["application/json;charset=utf-8"]}
                return
        if reply is not None:
            tell_later(body, client, reply)
