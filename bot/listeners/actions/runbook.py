"""Clicks on the ranked runbook: remind, edit, remove, add, paste, page, show, and what the
runbook covers (``runbook.show:<team>:scope_all|scope_some``: recorded, then shown)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    db_id,
    ephemeral,
    later,
    response_url_of,
    target,
    trigger_of,
    where_of,
)
from bot.slack.ids import RunbookScopeAction
from bot.usecases.runbook import coverage, editing, importing, listing, reminders


def handle_remind(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """ "Remind me to script this": next Monday, in 2 weeks, or pick a date."""
    ack()
    deps, where, op_id = deps_of(context), where_of(context, body), target(action)
    when = str((action.get("selected_option") or {}).get("value", ""))
    response_url = response_url_of(body)
    later(
        context,
        lambda: reminders.choose(deps, client, where, op_id, when, response_url=response_url),
        ephemeral(respond, client, trigger_of(body)),
        what="a runbook reminder",
    )


def handle_remind_top(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """ "Remind me about these": the top three, next Monday."""
    ack()
    deps, where = deps_of(context), where_of(context, body)
    typed = (db_id(x) for x in str(action.get("value", "")).split(",")[:3])
    ids = [x for x in typed if x is not None]
    later(
        context,
        lambda: reminders.remind(deps, client, where, ids, reminders.WHEN_MONDAY),
        ephemeral(respond),
        what="runbook reminders",
    )


def handle_edit(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """Edit: the form, filled in, for someone who may change the operation."""
    ack()
    deps, where, op_id = deps_of(context), where_of(context, body), target(action)
    response_url = response_url_of(body)
    later(
        context,
        lambda: editing.open_form(
            deps, client, where, response_url=response_url, operation_id=op_id
        ),
        ephemeral(respond, client, trigger_of(body)),
        what="editing a runbook operation",
    )


def handle_add(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """Add an operation: the empty form."""
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    response_url = response_url_of(body)
    later(
        context,
        lambda: editing.open_form(deps, client, where, response_url=response_url, team_id=team_id),
        ephemeral(respond, client, trigger_of(body)),
        what="adding a runbook operation",
    )


def handle_remove(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where, op_id = deps_of(context), where_of(context, body), target(action)
    later(
        context,
        lambda: editing.remove(deps, client, where, op_id),
        ephemeral(respond),
        what="removing a runbook operation",
    )


def handle_paste(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """Paste a runbook: the modal to paste it in."""
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    response_url = response_url_of(body)
    later(
        context,
        lambda: importing.open_paste(deps, where, team_id=team_id, response_url=response_url),
        ephemeral(respond, client, trigger_of(body)),
        what="pasting a runbook",
    )


def handle_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """‹ Previous / Next ›: the page asked for, in place of this one."""
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    page = db_id(str(action.get("value", ""))) or 0
    later(
        context,
        lambda: listing.show_team(deps, where, team_id, page),
        ephemeral(respond),
        what="turning a runbook page",
    )


def handle_show(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    """Show the runbook (under an operation just added): the list, in its place. A button
    saying what the runbook covers records that first."""
    ack()
    deps, where, team_id = deps_of(context), where_of(context, body), target(action)
    scope = _scope(action)
    if scope is None:
        later(
            context,
            lambda: listing.show_team(deps, where, team_id),
            ephemeral(respond),
            what="showing a runbook",
        )
        return
    later(
        context,
        lambda: coverage.declare(deps, client, where, team_id, scope),
        ephemeral(respond),
        what="saying what a runbook covers",
    )


def _scope(action: dict[str, Any]) -> RunbookScopeAction | None:
    """``runbook.show:<team>:scope_all`` → what the runbook covers; None for a plain show."""
    parts = str(action.get("action_id", "")).split(":")
    try:
        return RunbookScopeAction(parts[2]) if len(parts) == 3 else None
    except ValueError:
        return None
