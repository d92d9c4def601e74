"""Clicks in a weekly check-in DM (an answer, *Add a note*, *Add to runbook*), and
*Settle* under a disagreement in the team's channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    ephemeral,
    later,
    message_ts,
    response_url_of,
    target,
    trigger_of,
    where_of,
)
from bot.usecases import checkins
from bot.usecases.runbook import editing


def handle_answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    checkin_id, criterion_id = target(action), str(action.get("block_id", ""))
    value = str(action.get("value", ""))
    later(
        context,
        lambda: checkins.answer(deps, client, where, checkin_id, criterion_id, value),
        ephemeral(respond),
        what="a weekly check-in answer",
    )


def handle_note(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """*Add a note* beside an answered question: the small form asking why."""
    ack()
    deps, where = deps_of(context), where_of(context, body)
    checkin_id, criterion_id = target(action), str(action.get("value", ""))
    later(
        context,
        lambda: checkins.open_note(deps, where, checkin_id, criterion_id),
        ephemeral(respond, client, trigger_of(body)),
        what="a note with a check-in answer",
    )


def handle_runbook(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """*Add to runbook*: the runbook's own add form (what it saves is said in our DM, so
    the check-in message stays as it is)."""
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: editing.open_form(deps, client, where, response_url="", team_id=team_id),
        ephemeral(respond, client, trigger_of(body)),
        what="adding a runbook operation from a check-in",
    )


def handle_settle(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """*Settle: yes* under a disagreement in the team's channel: the form asking why."""
    ack()
    deps, where, calibration_id = deps_of(context), where_of(context, body), target(action)
    status, clicked = str(action.get("value", "")), message_ts(body)
    response_url = response_url_of(body)
    later(
        context,
        lambda: checkins.open_settle(
            deps,
            client,
            where,
            calibration_id,
            status,
            message_ts=clicked,
            response_url=response_url,
        ),
        ephemeral(respond, client, trigger_of(body)),
        what="settling a disagreement",
    )
