"""Clicks on the ranked runbook: remind, edit, remove, add, paste, page."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    db_id,
    ephemeral,
    later,
    target,
    where_of,
)
from bot.slack.answer import Answer
from bot.usecases import runbook, runbook_import, runbook_reminders


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
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))

    def job() -> Answer | None:
        if when == runbook_reminders.WHEN_DATE:
            runbook_reminders.open_date_picker(
                deps, client, where, [op_id], trigger_id=trigger_id, response_url=response_url
            )
            return None
        return runbook_reminders.remind(deps, client, where, [op_id], when)

    later(context, job, ephemeral(respond), what="a runbook reminder", replace=True)


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
        lambda: runbook_reminders.remind(deps, client, where, ids, runbook_reminders.WHEN_MONDAY),
        ephemeral(respond),
        what="runbook reminders",
        replace=True,
    )


def handle_edit(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    operation_id = target(action)

    def job() -> None:
        runbook.open_form(
            deps,
            client,
            where,
            trigger_id=trigger_id,
            response_url=response_url,
            operation_id=operation_id,
        )

    later(context, job, ephemeral(respond), what="editing a runbook operation")


def handle_add(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    team_id = target(action)

    def job() -> None:
        runbook.open_form(
            deps, client, where, trigger_id=trigger_id, response_url=response_url, team_id=team_id
        )

    later(context, job, ephemeral(respond), what="adding a runbook operation")


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

    def job() -> Answer:
        reply, replaces = runbook.remove(deps, client, where, op_id)
        reply.replace = replaces
        return reply

    later(context, job, ephemeral(respond), what="removing a runbook operation")


def handle_paste(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    trigger_id, response_url = str(body.get("trigger_id", "")), str(body.get("response_url", ""))
    team_id = target(action)

    def job() -> None:
        runbook_import.open_paste(
            deps, client, where, team_id=team_id, trigger_id=trigger_id, response_url=response_url
        )

    later(context, job, ephemeral(respond), what="pasting a runbook")


def handle_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    page = db_id(str(action.get("value", ""))) or 0
    team_id = target(action)
    later(
        context,
        lambda: runbook.show_team(deps, where, team_id, page),
        ephemeral(respond),
        what="turning a runbook page",
        replace=True,
    )


def handle_show(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    team_id = target(action)
    later(
        context,
        lambda: runbook.show_team(deps, where, team_id),
        ephemeral(respond),
        what="showing a runbook",
        replace=True,
    )
