"""Clicks on the ranked runbook: remind, edit, remove, add, paste, page."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.runbook_payloads import first_id, row_id
from bot.listeners.where import from_action, tell
from bot.services import runbook, runbook_import, runbook_reminders
from bot.services.context import Reply


def _replace(respond: Respond, reply: Reply) -> None:
    respond(text=reply.text, blocks=reply.blocks or None, replace_original=True)


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
    where, op_id = from_action(body, context), first_id(action["action_id"])
    when = (action.get("selected_option") or {}).get("value", "")
    if when == runbook_reminders.WHEN_DATE:
        runbook_reminders.open_date_picker(
            deps_of(context),
            client,
            where,
            [op_id],
            trigger_id=body["trigger_id"],
            response_url=body.get("response_url", ""),
        )
        return
    _replace(respond, runbook_reminders.remind(deps_of(context), client, where, [op_id], when))


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
    typed = (row_id(x) for x in str(action.get("value", "")).split(",")[:3])
    ids = [x for x in typed if x is not None]
    reply = runbook_reminders.remind(
        deps_of(context), client, from_action(body, context), ids, runbook_reminders.WHEN_MONDAY
    )
    _replace(respond, reply)


def handle_edit(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runbook.open_form(
        deps_of(context),
        client,
        from_action(body, context),
        trigger_id=body["trigger_id"],
        response_url=body.get("response_url", ""),
        operation_id=first_id(action["action_id"]),
    )


def handle_add(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runbook.open_form(
        deps_of(context),
        client,
        from_action(body, context),
        trigger_id=body["trigger_id"],
        response_url=body.get("response_url", ""),
        team_id=first_id(action["action_id"]),
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
    reply, replaces = runbook.remove(
        deps_of(context), client, from_action(body, context), first_id(action["action_id"])
    )
    if replaces:
        _replace(respond, reply)
    else:
        tell(respond, reply)


def handle_paste(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    runbook_import.open_paste(
        deps_of(context),
        client,
        from_action(body, context),
        team_id=first_id(action["action_id"]),
        trigger_id=body["trigger_id"],
        response_url=body.get("response_url", ""),
    )


def handle_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    page = int(action.get("value", "0")) if str(action.get("value", "")).isdigit() else 0
    reply = runbook.show_team(
        deps_of(context), from_action(body, context), first_id(action["action_id"]), page
    )
    _replace(respond, reply)


def handle_show(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    reply = runbook.show_team(
        deps_of(context), from_action(body, context), first_id(action["action_id"])
    )
    _replace(respond, reply)
