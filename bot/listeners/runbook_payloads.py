"""Plain values out of runbook payloads: who acts where, and what a modal submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.ids import ActionId
from bot.usecases.context import Where


def _team(context: BoltContext, body: dict[str, Any]) -> tuple[str, str | None]:
    team = context.team_id or (body.get("team") or {}).get("id") or body.get("team_id") or ""
    return str(team), context.enterprise_id or None


def from_view(body: dict[str, Any], context: BoltContext, channel_id: str = "") -> Where:
    """A modal submission carries no channel: the modal's metadata remembers it."""
    team, enterprise = _team(context, body)
    return Where(
        team_id=team, enterprise_id=enterprise, user_id=body["user"]["id"], channel_id=channel_id
    )


def from_shortcut(body: dict[str, Any], context: BoltContext) -> Where:
    team, enterprise = _team(context, body)
    channel = body.get("channel") or {}
    return Where(
        team_id=team,
        enterprise_id=enterprise,
        user_id=body["user"]["id"],
        channel_id=str(channel.get("id", "")),
        channel_name=str(channel.get("name", "")),
    )


def field(view: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    """The submitted element of form block ``block_id`` (None when not submitted)."""
    values = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element = values.get(ActionId.RUNBOOK_INPUT)
    return element if isinstance(element, dict) else None


def text_field(view: dict[str, Any], block_id: str) -> str:
    element = field(view, block_id) or {}
    return str(element.get("value") or "")


MAX_ID = 2**31 - 1  # the database's integer ids; a longer number is no id of ours


def row_id(text: str) -> int | None:
    """A database id typed into a payload (``"42"``), or None for anything else."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def suffix_ids(action_id: str) -> list[int]:
    """``runbook.edit:42`` → [42]; ``runbook.page:7:next`` → [7]."""
    parts = action_id.split(":")[1:]
    return [value for part in parts if (value := row_id(part)) is not None]


def first_id(action_id: str) -> int:
    ids = suffix_ids(action_id)
    return ids[0] if ids else 0


def values_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = (view.get("state") or {}).get("values") or {}
    return values if isinstance(values, dict) else {}
