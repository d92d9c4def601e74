"""A criterion's Update form, submitted: field problems (and a polite no for someone who
may not change the team) go back in the acknowledgement, the form staying open; a saved
change shows the board again, up to date, in place of the one the form came from."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import dm_or_response_url, modal_answer, values_of, where_of
from bot.slack.metadata import CriterionMeta
from bot.usecases import criteria


def handle_update(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    meta = CriterionMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    values = values_of(view)
    modal_answer(
        ack,
        context,
        body,
        lambda: criteria.save_update(deps, client, where, meta, values),
        dm_or_response_url(client, where.user_id, meta.response_url),
        what="updating a criterion",
    )
