"""What the bot says to the person who acted, and how it reaches them: their
``response_url``, else our DM.

:class:`Answer` is the one result type of the application layer (``bot/usecases``): a use
case never answers the person who acted in any other way; the listener sends its answer,
in one place.

A ``response_url`` is only ever used when it points at Slack (``https://hooks.slack.com``)
or at the Web API the client talks to (the local stand-in in tests and the shell): a
value that came back to us from a modal's metadata, or from a request that failed
verification, can never make the bot post somewhere else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

logger = logging.getLogger("maturity_bot.answer")


@dataclass
class Answer:
    """What a use case says to the person who acted.

    - ``text``/``blocks``: a message just for them where they acted (ephemeral, or in our
      DM when there is no ``response_url``); ``replace`` puts it in place of the message
      they acted on (a page turned, a preview confirmed, a reminder settled).
    - ``modal``: a view to open for them (with the interaction's ``trigger_id``).
    - ``errors``: for a modal submission, messages beside its fields (it stays open);
      ``view``: for a modal submission, the view that takes its place.
    An empty answer says nothing.
    """

    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    replace: bool = False
    modal: dict[str, Any] | None = None
    errors: dict[str, str] | None = None
    view: dict[str, Any] | None = None

    def __bool__(self) -> bool:
        return bool(self.text or self.modal or self.errors or self.view)


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


def respond(response_url: str, reply: Answer, *, api_base: str, replace: bool = False) -> bool:
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
    client: WebClient, user_id: str, response_url: str, reply: Answer, *, replace: bool
) -> None:
    """Answer where the person acted (their response_url), else in our DM."""
    if respond(response_url, reply, api_base=client.base_url, replace=replace):
        return
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=dm, text=reply.text, blocks=reply.blocks or None)
