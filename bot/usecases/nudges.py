"""Nudge dismissal: recorded (so its cooldown holds) and removed from the message — or,
dismissed on the App Home, from the Homes of the people concerned, published again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import NUDGE_WORDS
from bot.blocks.nudges import (
    REASON_MAX,
    SNOOZE_DAYS,
    SUPPRESS_DAYS,
    answered_blocks,
    list_blocks,
    reason_view,
)
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases import home, nudge_delivery
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import resolve_team
from conversations.nudges import COOLDOWNS, NudgeId
from conversations.nudges import NudgeAnswer as Outcome
from storage.db import read_scope, session_scope
from storage.nudges import answer_nudge, dismiss_nudge
from storage.types import utcnow


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


# ------------------------------------------------------------------ issue 14: the channel


QUIET_FOR: dict[Outcome, timedelta | None] = {
    Outcome.GOT_IT: None,  # the cooldown holds from when it was shown
    Outcome.NOT_RELEVANT: timedelta(days=SUPPRESS_DAYS),
    Outcome.SNOOZED: timedelta(days=SNOOZE_DAYS),
}


def answer(
    deps: Deps,
    client: WebClient,
    where: Where,
    *,
    record_id: int,
    outcome: Outcome,
    message_ts: str,
    blocks: list[dict[str, Any]],
    text: str,
) -> Answer:
    """*Got it*, *Not relevant for us* or *Remind me later* on a nudge in the team's
    channel: recorded (with until when it stays quiet), and the nudge's place in the
    message says who answered what. *Not relevant* then asks why (optional)."""
    now = utcnow()
    quiet = QUIET_FOR[outcome]
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = answer_nudge(
            session=session,
            workspace_id=ws,
            nudge_id=record_id,
            user_id=where.user_id,
            outcome=outcome,
            quiet_until=now + quiet if quiet is not None else None,
            now=now,
        )
        if row is None:
            raise UserFacingError("I can't find that nudge any more.")
        rule, team_id = row.rule_id, row.team_id
    title = NUDGE_WORDS.get(rule, (rule.replace("_", " "), ""))[0]
    if message_ts and where.channel_id:
        updated = answered_blocks(blocks, record_id, outcome.value, where.user_id, title)
        if updated != blocks:
            client.chat_update(channel=where.channel_id, ts=message_ts, text=text, blocks=updated)
    home.refresh(deps, client, where, [team_id])
    if outcome is Outcome.NOT_RELEVANT:
        return Answer(modal=reason_view(record_id, title).to_dict())
    if outcome is Outcome.SNOOZED:
        return Answer(
            text=f"I'll bring “{title}” up again in {SNOOZE_DAYS} days if it still applies."
        )
    return Answer()


def save_reason(deps: Deps, where: Where, *, record_id: int, reason: str) -> Answer:
    """The reason given for *Not relevant for us* (it stays quiet either way)."""
    reason = " ".join(reason.split())[:REASON_MAX]
    if not reason:
        return Answer()
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = answer_nudge(
            session=session,
            workspace_id=ws,
            nudge_id=record_id,
            user_id=where.user_id,
            outcome=Outcome.NOT_RELEVANT,
            quiet_until=utcnow() + timedelta(days=SUPPRESS_DAYS),
            reason=reason,
        )
    if row is None:
        raise UserFacingError("I can't find that nudge any more.")
    return Answer()


def listing(deps: Deps, where: Where, team_name: str | None) -> Answer:
    """``/maturity nudges [team]``: the team's active nudges."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} nudges Payments Platform",
            unknown_hint=f"`{COMMAND} assess` puts one there.",
        )
        nudges = nudge_delivery.active_nudges(session, ws, team)
        name = team.name
    blocks = list_blocks(name, nudges)
    return Answer(
        text=f"Active nudges for {escape_mrkdwn(name)}: {len(nudges)}",
        blocks=[b.to_dict() for b in blocks],
    )
