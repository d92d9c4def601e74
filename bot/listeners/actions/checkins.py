"""Clicks in a weekly check-in DM (an answer, a measurement confirmed or overridden,
*Add a note*, *Add to runbook*), and *Settle* under a disagreement in the team's channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    ephemeral,
    later,
    message_ts,
    record_button,
    response_url_of,
    target,
    trigger_of,
    where_of,
)
from bot.usecases import checkins
from bot.usecases.runbook import editing

handle_answer = record_button(
    lambda deps, client, where, checkin_id, action: checkins.answer(
        deps,
        client,
        where,
        checkin_id,
        str(action.get("block_id", "")),  # the criterion: the block's id
        str(action.get("value", "")),
    ),
    what="a weekly check-in answer",
)
# *Use the measurement* / *Keep my answer* where a measurement differs from their value.
handle_measured = record_button(
    lambda deps, client, where, checkin_id, action: checkins.confirm_measurement(
        deps,
        client,
        where,
        checkin_id,
        str(action.get("block_id", "")),  # the criterion: the block's id
        str(action.get("value", "")),
    ),
    what="confirming a measurement in a weekly check-in",
)
# *Add a note* beside an answered question: the small form asking why.
handle_note = record_button(
    lambda deps, _client, where, checkin_id, action: checkins.open_note(
        deps, where, checkin_id, str(action.get("value", ""))
    ),
    what="a note with a check-in answer",
    form=True,
)
# *Add to runbook*: the runbook's own add form (what it saves is said in our DM, so the
# check-in message stays as it is).
handle_runbook = record_button(
    lambda deps, client, where, team_id, _action: editing.open_form(
        deps, client, where, response_url="", team_id=team_id
    ),
    what="adding a runbook operation from a check-in",
    form=True,
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
