"""Nudge dismissal: recorded (so its cooldown holds) and removed from the message — or,
dismissed on the App Home, from the Homes of the people concerned, published again."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.usecases import home
from bot.usecases.context import Where, workspace_id_for
from conversations.nudges import COOLDOWNS, NudgeId
from storage.db import session_scope
from storage.nudges import dismiss_nudge


def dismiss(
    deps: Deps,
    client: WebClient,
    where: Where,
    *,
    record_id: int,
    block_id: str,
    message_ts: str,
    blocks: list[dict[str, Any]],
    text: str,
    from_home: bool = False,
) -> Answer:
    if not from_home and not where.channel_id.startswith("D"):
        raise UserFacingError("Nudges can be dismissed from your DM with me.")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = dismiss_nudge(
            session=session, workspace_id=ws, nudge_id=record_id, user_id=where.user_id
        )
        if row is None:
            raise UserFacingError("I can't find that nudge any more.")
        rule, team_id = row.rule_id, row.team_id
    home.refresh(deps, client, where, [team_id])
    if from_home:  # the Home, published again without it, says it is gone
        return Answer()
    remaining = [b for b in blocks if b.get("block_id") != block_id]
    if message_ts and remaining != blocks:
        client.chat_update(channel=where.channel_id, ts=message_ts, text=text, blocks=remaining)
    try:
        days = COOLDOWNS[NudgeId(rule)].days
    except (KeyError, ValueError):
        days = 7
    return Answer(text=f"Dismissed. I won't raise that one for this team for {days} days.")
