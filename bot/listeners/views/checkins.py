"""The form that settles a disagreement, submitted: "why" missing goes back in the
acknowledgement (the form stays open); a settled one is said to the person, and the
channel's message says who settled it. And the note with a check-in answer: an empty one
goes back the same way; a saved one shows in the check-in and in any split."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import dm_or_response_url, modal_answer, text_field, where_of
from bot.slack.ids import BlockId
from bot.slack.metadata import CalibrationMeta, CheckInNoteMeta
from bot.usecases import checkins


def handle_settle(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    meta = CalibrationMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    why = text_field(view, BlockId.CALIBRATION_WHY)
    modal_answer(
        ack,
        context,
        body,
        lambda: checkins.settle(deps, client, where, meta, why),
        dm_or_response_url(client, where.user_id, meta.response_url),
        what="settling a disagreement",
    )


def handle_note(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    meta = CheckInNoteMeta.decode(view.get("private_metadata"))
    deps, where = deps_of(context), where_of(context, body, channel=meta.channel)
    note = text_field(view, BlockId.CHECKIN_NOTE)
    modal_answer(
        ack,
        context,
        body,
        lambda: checkins.save_note(deps, client, where, meta, note),
        dm_or_response_url(client, where.user_id, ""),
        what="a note with a check-in answer",
    )
