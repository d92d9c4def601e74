"""Turn a Slack payload into the plain :class:`Where` the services take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.slack.answer import tell
from bot.slack.work import Tell, after_ack
from bot.usecases.context import Reply, Where


def _team(context: BoltContext, body: dict[str, Any]) -> tuple[str, str | None]:
    team = context.team_id or (body.get("team") or {}).get("id") or body.get("team_id") or ""
    enterprise = context.enterprise_id or None
    return str(team), enterprise


def from_command(command: dict[str, Any], context: BoltContext) -> Where:
    team, enterprise = _team(context, command)
    return Where(
        team_id=team,
        enterprise_id=enterprise,
        user_id=command["user_id"],
        channel_id=command.get("channel_id", ""),
        channel_name=command.get("channel_name", ""),
    )


def from_action(body: dict[str, Any], context: BoltContext) -> Where:
    team, enterprise = _team(context, body)
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id", ""
    )
    return Where(
        team_id=team,
        enterprise_id=enterprise,
        user_id=body["user"]["id"],
        channel_id=channel,
        channel_name=(body.get("channel") or {}).get("name", ""),
    )


def from_event(event: dict[str, Any], context: BoltContext) -> Where:
    team, enterprise = _team(context, event)
    return Where(
        team_id=team,
        enterprise_id=enterprise,
        user_id=event.get("user", ""),
        channel_id=event.get("channel", ""),
    )


MAX_ID = 2**31 - 1  # the database's integer ids; a longer number is no id of ours


def id_suffix(action_id: str) -> int:
    """``assess.answer:42:3`` → 42: the record an action belongs to (0 for no valid id)."""
    parts = action_id.split(":")
    text = parts[1] if len(parts) > 1 else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return 0
    value = int(text)
    return value if value <= MAX_ID else 0


def later(
    context: BoltContext,
    job: Callable[[], Reply | None],
    tell: Tell,
    *,
    what: str,
    replace: bool = False,
) -> None:
    """Run ``job`` after the acknowledgement (``bot.slack.work``) and tell its answer."""
    after_ack(deps_of(context).work, job, tell, what=what, replace=replace)


def ephemeral(respond: Any) -> Tell:
    """Tell through the request's response_url, just to the person who acted."""

    def say(reply: Reply, replace: bool) -> None:
        respond(
            text=reply.text,
            blocks=reply.blocks or None,
            response_type="ephemeral",
            replace_original=replace,
        )

    return say


def dm_or_response_url(client: WebClient, user_id: str, response_url: str) -> Tell:
    """Tell through a response_url kept in a modal's metadata (if Slack's), else in DM."""

    def say(reply: Reply, replace: bool) -> None:
        tell(client, user_id, response_url, reply, replace=replace)

    return say


def in_channel(client: WebClient, channel: str) -> Tell:
    """Tell with a plain message in ``channel`` (a DM the person wrote in)."""

    def say(reply: Reply, _replace: bool) -> None:
        client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks or None)

    return say
