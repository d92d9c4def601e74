"""Runbook modal submissions: the add/edit form, pasted runbooks, the import preview, the
reminder date, the script link and the reason to keep an operation manual.

Input problems go back in the acknowledgement (``response_action: errors``) so the form
stays open with the message beside the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.runbook import PreviewState
from bot.deps import deps_of
from bot.errors import UserFacingError
from bot.ids import BlockId
from bot.listeners.runbook_payloads import field, from_view, text_field, values_of
from bot.services import runbook, runbook_import, runbook_reminders
from bot.services.context import Reply, Where
from bot.services.runbook import URL, form_request, parse_form, read_metadata, tell
from conversations.runbook import RunbookParseError


def _errors(ack: Ack, errors: dict[str, str]) -> None:
    ack(response_action="errors", errors=errors)


@contextmanager
def _telling(client: WebClient, where: Where, response_url: str) -> Iterator[None]:
    """Once the modal has closed, a friendly no can't go back in it: say it where they
    acted (the response_url the modal came from, else our DM)."""
    try:
        yield
    except UserFacingError as exc:
        tell(client, where, response_url, Reply(text=str(exc)), replace=False)


def handle_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    request = form_request(view.get("private_metadata", ""))
    changes, errors = parse_form(values_of(view), new=not request.operation_id)
    if errors:
        _errors(ack, errors)
        return
    where = from_view(body, context, request.channel_id)
    # Saving is a database write (and, for someone who is neither owner nor team creator,
    # one users.info call to see whether they administer the workspace): its refusals go
    # back in the acknowledgement, beside the field. Telling the channel waits until after.
    saved = runbook.save_form(deps_of(context), client, where, request, changes)
    if saved.errors:
        _errors(ack, saved.errors)
        return
    ack()
    if saved.reply is not None:
        tell(client, where, request.response_url, saved.reply, replace=True)


def handle_paste(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    try:
        prepared = runbook_import.paste_preview(
            view.get("private_metadata", ""), text_field(view, BlockId.RUNBOOK_TEXT)
        )
    except RunbookParseError as exc:
        _errors(ack, {BlockId.RUNBOOK_TEXT: str(exc)})
        return
    ack(response_action="update", view=prepared.view)
    meta = read_metadata(view.get("private_metadata"))
    runbook_import.save_preview(
        deps_of(context),
        from_view(body, context, str(meta.get("c", ""))),
        prepared.team_id,
        prepared.key,
        source="paste",
        label=runbook_import.PASTED,
        steps=prepared.steps,
    )


def handle_preview(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    state = PreviewState.loads(view.get("private_metadata", ""))
    state.codes = runbook_import.page_choices(state, values_of(view))
    where = from_view(body, context, state.channel_id)
    if not runbook_import.is_last_page(state):
        ack(response_action="update", view=runbook_import.next_page(deps_of(context), where, state))
        return
    ack()
    with _telling(client, where, state.response_url):
        reply = runbook_import.confirm(deps_of(context), where, state.key, state.codes)
        tell(client, where, state.response_url, reply, replace=state.replace)


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
    ids = [int(x) for x in meta.get("o", []) if isinstance(x, int)]
    where = from_view(body, context, str(meta.get("c", "")))
    response_url = str(meta.get("r", ""))
    with _telling(client, where, response_url):
        reply = runbook_reminders.remind(
            deps_of(context), client, where, ids, runbook_reminders.WHEN_DATE, day=day
        )
        tell(client, where, response_url, reply, replace=True)


def handle_scripted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    url = text_field(view, BlockId.RUNBOOK_SCRIPT_URL).strip()
    if not URL.match(url) or len(url) > 2000:
        _errors(ack, {BlockId.RUNBOOK_SCRIPT_URL: "A web address starting with https://, please."})
        return
    ack()
    meta = read_metadata(view.get("private_metadata"))
    where = from_view(body, context, str(meta.get("c", "")))
    with _telling(client, where, str(meta.get("r", ""))):
        runbook_reminders.mark_scripted(
            deps_of(context), client, where, view.get("private_metadata", ""), url
        )


def handle_keep_manual(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    reason = " ".join(text_field(view, BlockId.RUNBOOK_REASON).split())
    if not reason:
        _errors(ack, {BlockId.RUNBOOK_REASON: "A few words on why, so the team knows later."})
        return
    ack()
    meta = read_metadata(view.get("private_metadata"))
    where = from_view(body, context, str(meta.get("c", "")))
    with _telling(client, where, str(meta.get("r", ""))):
        runbook_reminders.keep_manual(
            deps_of(context), client, where, view.get("private_metadata", ""), reason
        )
