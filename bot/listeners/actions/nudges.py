"""Dismissing a nudge: it leaves the message (or the App Home) and stays quiet for its
cooldown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    dm_or_response_url,
    ephemeral,
    later,
    on_home,
    target,
    trigger_of,
    where_of,
)
from bot.usecases import nudges
from conversations.nudges import NudgeAnswer as Outcome


def handle_dismiss(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, home = deps_of(context), where_of(context, body), on_home(body)
    message = body.get("message") or {}
    record_id, block_id = target(action), str(action.get("block_id", ""))
    message_ts = (body.get("container") or {}).get("message_ts") or message.get("ts", "")
    later(
        context,
        lambda: nudges.dismiss(
            deps,
            client,
            where,
            record_id=record_id,
            block_id=block_id,
            message_ts=message_ts,
            blocks=message.get("blocks") or [],
            text=message.get("text", ""),
            from_home=home,
        ),
        dm_or_response_url(client, where.user_id, "") if home else ephemeral(respond),
        what="dismissing a nudge",
    )


def _answer(outcome: Outcome, what: str) -> Callable[..., None]:
    """*Got it*, *Not relevant for us*, *Remind me later* on a nudge in a team channel."""

    def handle(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        deps, where = deps_of(context), where_of(context, body)
        message = body.get("message") or {}
        record_id = target(action)
        ts = (body.get("container") or {}).get("message_ts") or message.get("ts", "")
        later(
            context,
            lambda: nudges.answer(
                deps,
                client,
                where,
                record_id=record_id,
                outcome=outcome,
                message_ts=ts,
                blocks=message.get("blocks") or [],
                text=message.get("text", ""),
            ),
            ephemeral(respond, client, trigger_of(body)),
            what=what,
        )

    return handle


handle_got_it = _answer(Outcome.GOT_IT, "noting a nudge")
handle_not_relevant = _answer(Outcome.NOT_RELEVANT, "setting a nudge aside")
handle_snooze = _answer(Outcome.SNOOZED, "snoozing a nudge")
