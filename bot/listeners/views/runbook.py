"""Runbook modal submissions: the add/edit form, pasted runbooks, the import preview, the
reminder date, the script link and the reason to keep an operation manual.

Each is answered by :func:`~bot.listeners.edge.modal_answer`: input problems go back in the
acknowledgement (the form stays open with the message beside the field), a next view takes
the modal's place, and anything else is told afterwards through the response_url the modal
remembers (else in the person's DM).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import (
    dm_or_response_url,
    field,
    modal_answer,
    text_field,
    values_of,
    where_of,
)
from bot.slack.ids import BlockId
from bot.slack.metadata import FormMeta, PasteMeta, PreviewMeta, RemindMeta, SettleMeta
from bot.slack.work import Tell
from bot.usecases.runbook import editing, importing, reminders


def handle_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The add/edit form: saved, and the list refreshed in place of the one it came from."""
    meta = FormMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    values = values_of(view)
    modal_answer(
        ack,
        context,
        body,
        lambda: editing.save_form(deps, client, where, meta, values),
        dm_or_response_url(client, where.user_id, meta.response_url),
        what="saving a runbook operation",
    )


def handle_paste(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """A pasted runbook: its preview takes the paste modal's place."""
    meta = PasteMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    text = text_field(view, BlockId.RUNBOOK_TEXT)
    modal_answer(
        ack,
        context,
        body,
        lambda: importing.paste(deps, where, meta, text),
        dm_or_response_url(client, where.user_id, meta.response_url),
        what="previewing a pasted runbook",
    )


def handle_preview(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """A page of the import preview: the next page, or (on the last) the import."""
    meta = PreviewMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    values = values_of(view)
    modal_answer(
        ack,
        context,
        body,
        lambda: importing.submit_preview(deps, where, meta, values),
        dm_or_response_url(client, where.user_id, meta.response_url),
        what="importing a runbook",
    )


def handle_remind_date(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The day picked for a reminder: set, and the list refreshed in place."""
    meta = RemindMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    picked = str((field(view, BlockId.RUNBOOK_DATE) or {}).get("selected_date") or "")
    modal_answer(
        ack,
        context,
        body,
        lambda: reminders.remind_on(deps, client, where, meta, picked),
        dm_or_response_url(client, where.user_id, meta.response_url),
        what="a runbook reminder",
    )


def handle_scripted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The script's link: the operation is scripted, and the reminder settled in place."""
    meta = SettleMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    url = text_field(view, BlockId.RUNBOOK_SCRIPT_URL)
    modal_answer(
        ack,
        context,
        body,
        lambda: reminders.mark_scripted(deps, client, where, meta, url),
        _settling(client, where.user_id, meta),
        what="marking an operation scripted",
    )


def handle_keep_manual(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Why it stays manual: recorded, and the reminder settled in place."""
    meta = SettleMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    reason = text_field(view, BlockId.RUNBOOK_REASON)
    modal_answer(
        ack,
        context,
        body,
        lambda: reminders.keep_manual(deps, client, where, meta, reason),
        _settling(client, where.user_id, meta),
        what="keeping an operation manual",
    )


def _settling(client: WebClient, user_id: str, meta: SettleMeta) -> Tell:
    """Tell in place of the reminder message the modal was opened from."""
    return dm_or_response_url(
        client, user_id, meta.response_url, dm_message=(meta.channel, meta.message_ts)
    )
