"""How an answer reaches the person who acted: their ``response_url``, else our DM.

A ``response_url`` is only ever used when it points at Slack (``https://hooks.slack.com``)
or at the Web API the client talks to (the local stand-in in tests and the shell): a
value that came back to us from a modal's metadata, or from a request that failed
verification, can never make the bot post somewhere else.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.usecases.context import Reply

logger = logging.getLogger("maturity_bot.answer")

SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
RESPONSE_URL_TIMEOUT_S = 5


def slack_response_url(url: str, api_base: str) -> bool:
    """True for a response_url Slack hands out (``https://hooks.slack.com/…``), or one on
    the same origin as the Web API the client uses (the local stand-in)."""
    try:
        parts, api = urlsplit(url), urlsplit(api_base)
    except ValueError:
        return False
    if parts.username or parts.password:
        return False
    if parts.scheme == "https" and (parts.hostname or "") in SLACK_HOOK_HOSTS:
        return True
    return bool(api.netloc) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)


def respond(response_url: str, reply: Reply, *, api_base: str, replace: bool = False) -> bool:
    """Post ``reply`` ephemerally to ``response_url``; False when it is not Slack's or
    Slack did not take it (expired, used up, unreachable)."""
    if not response_url or not slack_response_url(response_url, api_base):
        if response_url:
            logger.warning("ignoring a response_url that is not Slack's")
        return False
    try:
        answer = WebhookClient(response_url, timeout=RESPONSE_URL_TIMEOUT_S).send(
            text=reply.text,
            blocks=reply.blocks or None,
            response_type="ephemeral",
            replace_original=replace,
        )
    except Exception:  # an unreachable response_url: the caller falls back
        logger.info("response_url failed", exc_info=True)
        return False
    if answer.status_code != 200:
        logger.info("response_url answered %s", answer.status_code)
    return answer.status_code == 200


def tell(
    client: WebClient, user_id: str, response_url: str, reply: Reply, *, replace: bool
) -> None:
    """Answer where the person acted (their response_url), else in our DM."""
    if respond(response_url, reply, api_base=client.base_url, replace=replace):
        return
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=dm, text=reply.text, blocks=reply.blocks or None)
