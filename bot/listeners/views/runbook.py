"""Runbook modal submissions: the add/edit form, pasted runbooks, the import preview, the
reminder date, the script link and the reason to keep an operation manual.

Input problems go back in the acknowledgement (``response_action: errors``) so the form
stays open with the message beside the field.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.runbook import PreviewState
from bot.deps import deps_of
from bot.listeners.edge import (
    db_id,
    dm_or_response_url,
    field,
    later,
    modal_answer,
    text_field,
    values_of,
    where_of,
)
from bot.slack.answer import Answer
from bot.slack.ids import BlockId
from bot.usecases import runbook, runbook_import, runbook_reminders
from bot.usecases.runbook import URL, form_request, parse_form, read_metadata
from conversations.runbook import RunbookParseError


def _errors(ack: Ack, errors: dict[str, str]) -> None:
    ack(response_action="errors", errors=errors)


def _ids(meta: dict[str, Any]) -> list[int]:
    raw = meta.get("o", [])
    typed = (db_id(str(x)) for x in (raw if isinstance(raw, list) else []))
    return [x for x in typed if x is not None]


def handle_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    request = form_request(view.get("private_metadata", ""))
    changes, errors = parse_form(values_of(view), new=not request.operation_id)
    if errors:
        _errors(ack, errors)
        return
    deps, where = deps_of(context), where_of(context, body, channel=request.channel_id)

    def decide() -> Answer:
        # Saving is a database write (and, for someone who is neither owner nor team
        # creator, one users.info call to see whether they administer the workspace): its
        # refusals go back in the acknowledgement, beside the field.
        saved = runbook.save_form(deps, client, where, request, changes)
        if saved.errors:
            return Answer(errors=saved.errors)
        if saved.reply is None:
            return None
        return Answer(text=saved.reply.text, blocks=saved.reply.blocks, replace=True)

    modal_answer(
        ack,
        context,
        decide,
        dm_or_response_url(client, where.user_id, request.response_url),
        what="saving a runbook operation",
    )


def handle_paste(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    try:
        prepared = runbook_import.paste_preview(
            view.get("private_metadata", ""), text_field(view, BlockId.RUNBOOK_TEXT)
        )
    except RunbookParseError as exc:
        _errors(ack, {BlockId.RUNBOOK_TEXT: str(exc)})
        return
    ack(response_action="update", view=prepared.view)
    deps = deps_of(context)
    meta = read_metadata(view.get("private_metadata"))
    where = where_of(context, body, channel=str(meta.get("c", "")))

    def job() -> None:
        runbook_import.save_preview(
            deps,
            where,
            prepared.team_id,
            prepared.key,
            source="paste",
            label=runbook_import.PASTED,
            steps=prepared.steps,
        )

    later(
        context,
        job,
        dm_or_response_url(client, where.user_id, str(meta.get("r", ""))),
        what="saving a pasted runbook",
    )


def handle_preview(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    state = PreviewState.loads(view.get("private_metadata", ""))
    state.codes = runbook_import.page_choices(state, values_of(view))
    deps, where = deps_of(context), where_of(context, body, channel=state.channel_id)
    tell = dm_or_response_url(client, where.user_id, state.response_url)
    if not runbook_import.is_last_page(state):
        modal_answer(
            ack,
            context,
            lambda: Answer(view=runbook_import.next_page(deps, where, state)),
            tell,
            what="turning an import preview's page",
        )
        return
    ack()
    later(
        context,
        lambda: runbook_import.confirm(deps, where, state.key, state.codes),
        tell,
        what="importing a runbook",
        replace=state.replace,
    )


def handle_remind_date(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    picked = str((field(view, BlockId.RUNBOOK_DATE) or {}).get("selected_date") or "")
    try:
        day = date.fromisoformat(picked)
    except ValueError:
        _errors(ack, {BlockId.RUNBOOK_DATE: "Pick a day (YYYY-MM-DD)."})
        return
    if day < date.today() - timedelta(days=1):  # the exact check needs their time zone
        _errors(ack, {BlockId.RUNBOOK_DATE: "That day has passed. Pick a later one."})
        return
    ack()
    meta = read_metadata(view.get("private_metadata"))
    deps, ids = deps_of(context), _ids(meta)
    where = where_of(context, body, channel=str(meta.get("c", "")))
    later(
        context,
        lambda: runbook_reminders.remind(
            deps, client, where, ids, runbook_reminders.WHEN_DATE, day=day
        ),
        dm_or_response_url(client, where.user_id, str(meta.get("r", ""))),
        what="a runbook reminder",
        replace=True,
    )


def handle_scripted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    url = text_field(view, BlockId.RUNBOOK_SCRIPT_URL).strip()
    if not URL.match(url) or len(url) > 2000:
        _errors(ack, {BlockId.RUNBOOK_SCRIPT_URL: "A web address starting with https://, please."})
        return
    ack()
    raw = str(view.get("private_metadata", ""))
    meta = read_metadata(raw)
    deps, where = deps_of(context), where_of(context, body, channel=str(meta.get("c", "")))

    def job() -> Answer | None:
        runbook_reminders.mark_scripted(deps, client, where, raw, url)
        return None

    later(
        context,
        job,
        dm_or_response_url(client, where.user_id, str(meta.get("r", ""))),
        what="marking an operation scripted",
    )


def handle_keep_manual(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    reason = " ".join(text_field(view, BlockId.RUNBOOK_REASON).split())
    if not reason:
        _errors(ack, {BlockId.RUNBOOK_REASON: "A few words on why, so the team knows later."})
        return
    ack()
    raw = str(view.get("private_metadata", ""))
    meta = read_metadata(raw)
    deps, where = deps_of(context), where_of(context, body, channel=str(meta.get("c", "")))

    def job() -> Answer | None:
        runbook_reminders.keep_manual(deps, client, where, raw, reason)
        return None

    later(
        context,
        job,
        dm_or_response_url(client, where.user_id, str(meta.get("r", ""))),
        what="keeping an operation manual",
    )
