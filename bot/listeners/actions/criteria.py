"""*Update* beside a criterion on the board (or the App Home): its form, for someone who
may change the team (``criterion.update:<team id>``, the criterion id in the value)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    dm_or_response_url,
    ephemeral,
    later,
    on_home,
    response_url_of,
    target,
    trigger_of,
    where_of,
)
from bot.usecases import criteria


def handle_update(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    criterion_id, home, trigger = str(action.get("value") or ""), on_home(body), trigger_of(body)
    response_url = "" if home else response_url_of(body)
    tell = (
        dm_or_response_url(client, where.user_id, "", trigger)
        if home
        else ephemeral(respond, client, trigger)
    )
    later(
        context,
        lambda: criteria.open_update(
            deps,
            client,
            where,
            team_id=team_id,
            criterion_id=criterion_id,
            response_url=response_url,
            from_home=home,
        ),
        tell,
        what="opening a criterion's form",
    )
