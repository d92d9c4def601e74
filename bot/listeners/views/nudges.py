"""*Not relevant for us*, then why (optional): the reason is kept with the nudge."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import db_id, dm_or_response_url, modal_answer, text_field, where_of
from bot.slack.ids import BlockId
from bot.usecases import nudges


def handle_reason(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps, where = deps_of(context), where_of(context, body)
    record_id = db_id(view.get("private_metadata")) or 0
    reason = text_field(view, BlockId.NUDGE_REASON)
    modal_answer(
        ack,
        context,
        body,
        lambda: nudges.save_reason(deps, where, record_id=record_id, reason=reason),
        dm_or_response_url(client, where.user_id, ""),
        what="keeping why a nudge is not relevant",
    )
