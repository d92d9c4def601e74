"""Clicks in a check-in: answers, resume/restart, share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps, deps_of
from bot.listeners.where import from_action, id_suffix, tell
from bot.services import assessment
from bot.services.context import Reply, Where


def handle_answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
) -> None:
    ack()
    reply = assessment.answer(
        deps_of(context),
        client,
        from_action(body, context),
        id_suffix(action["action_id"]),
        action["block_id"],
        action.get("value", ""),
    )
    tell(respond, reply)


Service = Callable[[Deps, WebClient, Where, int], Reply]


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
        reply = service(
            deps_of(context), client, from_action(body, context), id_suffix(action["action_id"])
        )
        tell(respond, reply, replace_original=replace)

    listener.__name__ = f"handle_{service.__name__}"
    return listener


# Resume/restart replace the ephemeral offer they were clicked in; share answers beside it.
handle_resume = _on_checkin(assessment.resume, replace=True)
handle_restart = _on_checkin(assessment.restart, replace=True)
handle_share = _on_checkin(assessment.share, replace=False)
