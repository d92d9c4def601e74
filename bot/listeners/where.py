"""Turn a Slack payload into the plain :class:`Where` the services take."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.services.context import Reply, Where


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


def id_suffix(action_id: str) -> int:
    """``assess.answer:42:3`` → 42: the record an action belongs to."""
    parts = action_id.split(":")
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return 0


def tell(respond: Any, reply: Reply | None, *, replace_original: bool = False) -> None:
    """Say ``reply`` ephemerally where the person acted (nothing when there is nothing)."""
    if reply is not None and reply.text:
        respond(
            text=reply.text,
            blocks=reply.blocks or None,
            response_type="ephemeral",
            replace_original=replace_original,
        )
