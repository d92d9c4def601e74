"""Drive the app as a Slack user would, against the stand-in: type commands, click the
buttons the bot posted, type into the DM. Used by end-to-end tests and benchmarks.

The driver sends real signed Slack payloads, either in-process through
``App.dispatch`` or over HTTP to a running ``serve --http``; it finds the buttons to click
in the messages the stand-in holds, exactly where a person would see them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bot.blocks.assessment import ANSWERED, ASKING
from bot.local.payloads import (
    Actor,
    app_home_opened,
    block_action,
    message_event,
    message_shortcut,
    sign,
    slash_command,
    view_submission,
)
from bot.local.standin.server import SlackStandIn


@dataclass
class Answer:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Transport = Callable[[str, dict[str, str]], Answer]


def in_process(app: Any) -> Transport:
    from slack_bolt.request import BoltRequest

    def send(body: str, headers: dict[str, str]) -> Answer:
        response = app.dispatch(BoltRequest(body=body, headers=dict[str, Any](headers)))
        return Answer(response.status, response.body)

    return send


def over_http(base_url: str, timeout: float = 10.0) -> Transport:
    client = httpx.Client(timeout=timeout)

    def send(body: str, headers: dict[str, str]) -> Answer:
        r = client.post(f"{base_url}/slack/events", content=body.encode(), headers=headers)
        return Answer(r.status_code, r.text)

    return send


class SlackUser:
    """One person in one channel of the stand-in's workspace."""

    def __init__(
        self, standin: SlackStandIn, transport: Transport, secret: str, actor: Actor
    ) -> None:
        self.standin = standin
        self.transport = transport
        self.secret = secret
        self.actor = actor

    @property
    def dm(self) -> str:
        return self.standin.dm_channel_id(self.actor.user_id)

    def _send(self, body: str, ctype: str) -> Answer:
        return self.transport(body, {"Content-Type": ctype, **sign(body, self.secret)})

    def command(self, text: str) -> Answer:
        body, ctype = slash_command(
            self.actor,
            text,
            response_url=self.standin.response_url(
                channel=self.actor.channel_id, user=self.actor.user_id
            ),
            trigger_id=self.standin.new_trigger_id(self.actor.user_id),
        )
        return self._send(body, ctype)

    def say(self, text: str) -> Answer:
        body, ctype = message_event(
            self.actor, text, channel_id=self.dm, bot_user_id=self.standin.bot_user_id
        )
        return self._send(body, ctype)

    def submit(self, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> Answer:
        """Submit a modal (as shown by ``standin.views``) with ``state.values``."""
        body, ctype = view_submission(self.actor, view=view, values=values)
        return self._send(body, ctype)

    def message_shortcut(self, callback_id: str, message: dict[str, Any]) -> Answer:
        """Run a message shortcut on ``message`` (in this user's channel)."""
        body, ctype = message_shortcut(
            self.actor,
            callback_id=callback_id,
            message=message,
            response_url=self.standin.response_url(
                channel=self.actor.channel_id, user=self.actor.user_id
            ),
            trigger_id=self.standin.new_trigger_id(self.actor.user_id),
        )
        return self._send(body, ctype)

    def open_home(self) -> Answer:
        body, ctype = app_home_opened(
            self.actor, channel_id=self.dm, bot_user_id=self.standin.bot_user_id
        )
        return self._send(body, ctype)

    def dm_messages(self) -> list[dict[str, Any]]:
        return self.standin.messages(self.dm)

    def find_button(
        self, block_id: str, value: str | None = None, channel: str | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The newest message in ``channel`` (default: the DM) with a button in block
        ``block_id`` (with ``value``), and that button."""

        def button_in(message: dict[str, Any]) -> dict[str, Any] | None:
            for block in message.get("blocks") or []:
                if block.get("block_id") != block_id:
                    continue
                elements = block.get("elements") or [block.get("accessory") or {}]
                for el in elements:
                    if el.get("type") == "button" and (value is None or el.get("value") == value):
                        return {**el, "block_id": block_id}
            return None

        message = self.standin.newest_message(
            channel or self.dm, lambda m: button_in(m) is not None
        )
        button = button_in(message) if message is not None else None
        if message is None or button is None:
            raise AssertionError(f"no button {block_id}={value!r} in {channel or self.dm}")
        return message, button

    def click(self, block_id: str, value: str | None = None, channel: str | None = None) -> Answer:
        message, button = self.find_button(block_id, value, channel)
        return self.click_button(message, button)

    def click_button(self, message: dict[str, Any], button: dict[str, Any]) -> Answer:
        channel = message.get("channel") or self.dm
        body, ctype = block_action(
            self.actor,
            action=button,
            response_url=self.standin.response_url(
                channel=channel, user=self.actor.user_id, message_ts=message.get("ts")
            ),
            channel_id=channel,
            message=message,
            trigger_id=self.standin.new_trigger_id(self.actor.user_id),
        )
        return self._send(body, ctype)

    def current_question(self) -> str | None:
        """The id of the question waiting for an answer in the DM, if any: the newest
        check-in message, when it is a question (``ask.<id>``) rather than an answered
        record (``answered.<id>``) or the result."""

        def checkin(message: dict[str, Any]) -> bool:
            blocks = message.get("blocks") or []
            return any(
                str(b.get("block_id", "")).startswith((ASKING, ANSWERED))
                or b.get("type") == "header"
                for b in blocks
            )

        newest = self.standin.newest_message(self.dm, checkin)
        for block in (newest or {}).get("blocks") or []:
            block_id = str(block.get("block_id", ""))
            if block_id.startswith(ASKING):
                return block_id.removeprefix(ASKING)
        return None
