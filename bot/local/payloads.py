"""Build and sign the requests Slack sends to the app, in Slack's own formats.

The shell and the tests use these to drive the real Bolt app exactly as Slack would:
form-encoded slash commands and interactivity (``payload=<json>``), JSON Events API
envelopes, each signed with ``v0=HMAC-SHA256(secret, "v0:" + ts + ":" + body)``.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.slack.ids import COMMAND

_counter = itertools.count(1)


@dataclass(frozen=True)
class Actor:
    """Who is acting, where: the identity fields every payload carries."""

    user_id: str = "U0LOCAL"
    user_name: str = "you"
    team_id: str = "T0STANDIN"
    team_domain: str = "local"
    enterprise_id: str | None = None
    channel_id: str = "C0GENERAL"
    channel_name: str = "general"
    api_app_id: str = "A0MATURITY"


@dataclass(frozen=True)
class SignedRequest:
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def sign(body: str, signing_secret: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature or ""}


def _form(fields: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in fields.items() if v is not None})


def slash_command(
    actor: Actor,
    text: str,
    *,
    response_url: str,
    command: str = COMMAND,
    trigger_id: str | None = None,
) -> tuple[str, str]:
    """(body, content type) of a slash command invocation."""
    n = next(_counter)
    fields = {
        "token": "unused-verification-token",
        "team_id": actor.team_id,
        "team_domain": actor.team_domain,
        "enterprise_id": actor.enterprise_id,
        "channel_id": actor.channel_id,
        "channel_name": actor.channel_name,
        "user_id": actor.user_id,
        "user_name": actor.user_name,
        "command": command,
        "text": text,
        "api_app_id": actor.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"{n}.{int(time.time())}.local",
    }
    return _form(fields), "application/x-www-form-urlencoded"


def _team(actor: Actor) -> dict[str, Any]:
    team: dict[str, Any] = {"id": actor.team_id, "domain": actor.team_domain}
    if actor.enterprise_id:
        team["enterprise_id"] = actor.enterprise_id
    return team


def _user(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.user_id,
        "username": actor.user_name,
        "name": actor.user_name,
        "team_id": actor.team_id,
    }


def block_action(
    actor: Actor,
    *,
    action: dict[str, Any],
    response_url: str,
    channel_id: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    trigger_id: str | None = None,
) -> tuple[str, str]:
    """(body, content type) of a click on an interactive element.

    ``action`` is the element as posted (a button dict with action_id, block_id, value…);
    ``message`` the message it sits in, or ``view`` the modal/home tab.
    """
    n = next(_counter)
    clicked = {
        "type": action.get("type", "button"),
        "action_id": action["action_id"],
        "block_id": action.get("block_id", ""),
        "action_ts": f"{time.time():.6f}",
    }
    if "text" in action:
        clicked["text"] = action["text"]
    for key in ("value", "selected_option", "selected_date", "selected_options", "url"):
        if key in action:
            clicked[key] = action[key]
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(actor),
        "api_app_id": actor.api_app_id,
        "token": "unused-verification-token",
        "trigger_id": trigger_id or f"{n}.{int(time.time())}.local",
        "team": _team(actor),
        "enterprise": {"id": actor.enterprise_id} if actor.enterprise_id else None,
        "is_enterprise_install": False,
        "response_url": response_url,
        "actions": [clicked],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        payload["view"] = view
    else:
        channel = channel_id or actor.channel_id
        ts = (message or {}).get("ts", "")
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": bool((message or {}).get("is_ephemeral")),
        }
        payload["channel"] = {"id": channel, "name": actor.channel_name}
        if message is not None:
            payload["message"] = {k: v for k, v in message.items() if k != "is_ephemeral"}
    return _form({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def view_submission(
    actor: Actor, *, view: dict[str, Any], values: dict[str, dict[str, Any]]
) -> tuple[str, str]:
    """(body, content type) of a modal submission; ``values`` is ``state.values``."""
    submitted = dict(view)
    submitted["state"] = {"values": values}
    payload = {
        "type": "view_submission",
        "team": _team(actor),
        "user": _user(actor),
        "api_app_id": actor.api_app_id,
        "token": "unused-verification-token",
        "trigger_id": f"{next(_counter)}.{int(time.time())}.local",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return _form({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def message_shortcut(
    actor: Actor,
    *,
    callback_id: str,
    message: dict[str, Any],
    response_url: str,
    trigger_id: str | None = None,
) -> tuple[str, str]:
    """(body, content type) of a message shortcut (``message_action``) on ``message``."""
    n = next(_counter)
    payload = {
        "type": "message_action",
        "token": "unused-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": _team(actor),
        "user": {"id": actor.user_id, "name": actor.user_name},
        "channel": {"id": actor.channel_id, "name": actor.channel_name},
        "is_enterprise_install": False,
        "enterprise": {"id": actor.enterprise_id} if actor.enterprise_id else None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or f"{n}.{int(time.time())}.local",
        "message_ts": message.get("ts", ""),
        "message": message,
        "response_url": response_url,
    }
    return _form({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def new_event_id() -> str:
    """An Events API ``event_id`` no other delivery ever had — across runs of the shell and
    shells sharing one database — as Slack's are (the bot drops a repeated id as a retry)."""
    return "Ev" + secrets.token_hex(8).upper()


def _event_callback(actor: Actor, event: dict[str, Any], bot_user_id: str) -> tuple[str, str]:
    envelope = {
        "token": "unused-verification-token",
        "team_id": actor.team_id,
        "enterprise_id": actor.enterprise_id,
        "api_app_id": actor.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": actor.enterprise_id,
                "team_id": actor.team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope), "application/json"


def message_event(actor: Actor, text: str, *, channel_id: str, bot_user_id: str) -> tuple[str, str]:
    """(body, content type) of an Events API ``message`` in a DM with the bot."""
    ts = f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel_type": "im",
        "user": actor.user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": channel_id,
    }
    return _event_callback(actor, event, bot_user_id)


def app_home_opened(actor: Actor, *, channel_id: str, bot_user_id: str) -> tuple[str, str]:
    """(body, content type) of the person opening the app's Home tab."""
    ts = f"{time.time():.6f}"
    event = {
        "type": "app_home_opened",
        "user": actor.user_id,
        "channel": channel_id,
        "tab": "home",
        "event_ts": ts,
    }
    return _event_callback(actor, event, bot_user_id)


def app_uninstalled(actor: Actor, *, bot_user_id: str) -> tuple[str, str]:
    """(body, content type) of the app being uninstalled from the actor's workspace."""
    return _event_callback(
        actor, {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"}, bot_user_id
    )


def tokens_revoked(
    actor: Actor, *, bot_user_id: str, bot: bool = True, users: tuple[str, ...] = ()
) -> tuple[str, str]:
    """(body, content type) of tokens revoked in the actor's workspace."""
    tokens: dict[str, list[str]] = {"oauth": list(users)}
    if bot:
        tokens["bot"] = [bot_user_id]
    event = {"type": "tokens_revoked", "tokens": tokens, "event_ts": f"{time.time():.6f}"}
    return _event_callback(actor, event, bot_user_id)
