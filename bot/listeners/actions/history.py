"""*Newer* / *Older* on a team's history (``history.page:<team id>``): the page, in place."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.deps import deps_of
from bot.listeners.edge import ephemeral, later, target, where_of
from bot.usecases import history


def handle_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    value = str(action.get("value") or "")
    later(
        context,
        lambda: history.turn(deps, where, team_id, value),
        ephemeral(respond),
        what="a page of a team's history",
    )
