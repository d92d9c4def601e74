"""*Check in* / *Resume check-in* on the App Home (``home.checkin:<team id>``): the team's
check-in starts, or resumes, in the person's DM. The Home has no response_url: anything to
tell goes to the DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import dm_or_response_url, later, target, where_of
from bot.usecases import home_actions


def handle_checkin(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: home_actions.check_in(deps, client, where, team_id),
        dm_or_response_url(client, where.user_id, ""),
        what="starting a check-in from the Home tab",
    )
