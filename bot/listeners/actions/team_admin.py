"""Teams as people manage them: the list's pages and *Open*, a team card's controls
(rename, owners, channel, export, delete) and the delete confirmation (*Delete* or *Keep
it*). Whether the person may change the team is decided by the use case, at the click.

Each is a :func:`~bot.listeners.edge.record_button`: the number after the action id's
colon is the team (for the list's pages: the page).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.edge import ephemeral, later, record_button
from bot.usecases import export, teams_admin


def _value(action: dict[str, Any]) -> str:
    return str(action.get("value") or "")


handle_page = record_button(
    lambda deps, _client, where, page, _action: teams_admin.listing(
        deps, where, page, replace=True
    ),
    what="a page of teams",
)
handle_show = record_button(
    lambda deps, client, where, team_id, _action: teams_admin.card(deps, client, where, team_id),
    what="opening a team",
)
handle_owners = record_button(
    lambda deps, client, where, team_id, action: teams_admin.owners_picked(
        deps, client, where, team_id, [str(u) for u in action.get("selected_users") or []]
    ),
    what="a team's owners",
)
handle_channel = record_button(
    lambda deps, client, where, team_id, action: teams_admin.channel_picked(
        deps,
        client,
        where,
        team_id,
        str(action.get("selected_conversation") or action.get("selected_channel") or ""),
    ),
    what="a team's channel",
)
handle_rename = record_button(
    lambda deps, client, where, team_id, action: teams_admin.renamed(
        deps, client, where, team_id, _value(action)
    ),
    what="renaming a team",
)
handle_export = record_button(
    lambda deps, client, where, team_id, action: export.export(
        deps, client, where, None, "json" if _value(action) == "json" else "csv", team_id=team_id
    ),
    what="exporting a team",
)
handle_delete = record_button(
    lambda deps, client, where, team_id, _action: teams_admin.delete_clicked(
        deps, client, where, team_id
    ),
    what="deleting a team",
)
handle_delete_confirm = record_button(
    lambda deps, client, where, team_id, action: teams_admin.delete_confirmed(
        deps, client, where, team_id, _value(action)
    ),
    what="deleting a team",
)


def handle_keep(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    later(context, teams_admin.keep, ephemeral(respond), what="keeping it")
