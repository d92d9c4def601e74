"""Teams as people manage them: the list's pages and *Open*, a team card's controls
(rename, owners, channel, export, delete) and the delete confirmation (*Delete* or *Keep
it*). Whether the person may change the team is decided by the use case, at the click."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import ephemeral, later, target, where_of
from bot.usecases import export, teams_admin


def handle_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where, page = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: teams_admin.listing(deps, where, page, replace=True),
        ephemeral(respond),
        what="a page of teams",
    )


def handle_show(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: teams_admin.card(deps, client, where, team_id),
        ephemeral(respond),
        what="opening a team",
    )


def handle_owners(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    owners = [str(u) for u in action.get("selected_users") or []]
    later(
        context,
        lambda: teams_admin.owners_picked(deps, client, where, team_id, owners),
        ephemeral(respond),
        what="a team's owners",
    )


def handle_channel(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    channel = str(action.get("selected_conversation") or action.get("selected_channel") or "")
    later(
        context,
        lambda: teams_admin.channel_picked(deps, client, where, team_id, channel),
        ephemeral(respond),
        what="a team's channel",
    )


def handle_rename(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    name = str(action.get("value") or "")
    later(
        context,
        lambda: teams_admin.renamed(deps, client, where, team_id, name),
        ephemeral(respond),
        what="renaming a team",
    )


def handle_export(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    fmt = "json" if str(action.get("value") or "") == "json" else "csv"
    later(
        context,
        lambda: export.export(deps, client, where, None, fmt, team_id=team_id),
        ephemeral(respond),
        what="exporting a team",
    )


def handle_delete(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: teams_admin.delete_clicked(deps, client, where, team_id),
        ephemeral(respond),
        what="deleting a team",
    )


def handle_delete_confirm(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    issued = str(action.get("value") or "")
    later(
        context,
        lambda: teams_admin.delete_confirmed(deps, client, where, team_id, issued),
        ephemeral(respond),
        what="deleting a team",
    )


def handle_keep(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    later(context, teams_admin.keep, ephemeral(respond), what="keeping it")
