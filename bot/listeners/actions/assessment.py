"""Clicks in a check-in: answers, resume/restart, share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps, deps_of
from bot.listeners.edge import (
    ephemeral,
    later,
    message_ts,
    target,
    where_of,
)
from bot.slack.answer import Answer
from bot.usecases import assessment
from bot.usecases.context import Where


def handle_answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    deps, where = deps_of(context), where_of(context, body)
    assessment_id, qid = target(action), str(action.get("block_id", ""))
    value, clicked = str(action.get("value", "")), message_ts(body)
    later(
        context,
        lambda: assessment.answer(
            deps, client, where, assessment_id, qid, value, clicked_ts=clicked, button=True
        ),
        ephemeral(respond),
        what="a check-in answer",
    )


Service = Callable[[Deps, WebClient, Where, int], Answer]


def _on_checkin(service: Service, *, replace: bool) -> Callable[..., None]:
    """A listener for a button that acts on one check-in (its id is in the action id)."""

    def listener(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        deps, where = deps_of(context), where_of(context, body)
        assessment_id = target(action)
        later(
            context,
            lambda: service(deps, client, where, assessment_id),
            ephemeral(respond),
            what=f"check-in {service.__name__}",
            replace=replace,
        )

    listener.__name__ = f"handle_{service.__name__}"
    return listener


# Resume/restart replace the ephemeral offer they were clicked in; share answers beside it.
handle_resume = _on_checkin(assessment.resume, replace=True)
handle_restart = _on_checkin(assessment.restart, replace=True)
handle_share = _on_checkin(assessment.share, replace=False)
