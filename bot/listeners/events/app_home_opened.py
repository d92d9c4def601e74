"""``app_home_opened``: publish the Home tab with the workspace's teams."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from bot.listeners.edge import later, nobody, where_of
from bot.slack.answer import Answer
from bot.usecases import home
from bot.usecases.events import first_delivery


def handle_app_home_opened(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("tab") != "home":
        return
    deps, where, event_id = deps_of(context), where_of(context, body), str(body.get("event_id", ""))

    def job() -> Answer | None:
        if first_delivery(deps, event_id):
            home.publish(deps, client, where)
        return None

    # Nobody to tell if this fails: the Home tab keeps what it showed before (logged).
    later(context, job, nobody, what="the Home tab")
