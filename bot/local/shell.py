"""``maturity-bot shell``: the real Bolt app, driven from a terminal, no Slack needed.

The shell starts the local Slack stand-in and the app in-process (on the configured
database, SQLite by default). Each line becomes a real, signed Slack request dispatched
through the app: ``/maturity …`` a slash command, a number a click on that button, any
other text a DM to the bot. What the app sends to Slack is printed as it would appear.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Callable
from typing import Any, TextIO

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.app import build_app
from bot.local.payloads import (
    Actor,
    block_action,
    message_event,
    sign,
    slash_command,
    view_submission,
)
from bot.local.shell_render import Clickable, plain, render_blocks
from bot.local.standin import SlackStandIn
from bot.settings import Settings
from bot.slack.ids import COMMAND
from storage.db import make_engine
from storage.migrate import upgrade

BANNER = (
    "maturity-bot shell: the real bot against a local Slack stand-in.\n"
    f"Type `{COMMAND} help` to start, a button's number to click it, any other text to "
    "DM the bot (start with ' to DM a bare number, e.g. '12). Ctrl-D or `quit` exits."
)
WATCHED = {
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "chat.delete",
    "views.open",
    "views.push",
    "views.update",
    "views.publish",
    "response_url",
    "files.completeUploadExternal",
}


def _channel_id_for(name: str) -> str:
    safe = "".join(ch for ch in name.upper() if ch.isalnum())[:9] or "GENERAL"
    return f"C0{safe}"


class LocalShell:
    def __init__(
        self,
        settings: Settings,
        *,
        user_id: str,
        channel_name: str,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.standin = SlackStandIn()
        self.secret = secrets.token_hex(16)
        self.settings = settings
        self.channel_name = channel_name.lstrip("#") or "general"
        self.actor = Actor(
            user_id=user_id,
            user_name="you",
            team_id="T0STANDIN",
            channel_id=_channel_id_for(self.channel_name),
            channel_name=self.channel_name,
        )
        self.clickables: list[Clickable] = []
        self._seen = 0
        self.app: App | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.standin.start()
        self.standin.add_user(self.actor.user_id, name="you", real_name="You (local shell)")
        self.standin.add_channel(self.actor.channel_id, name=self.channel_name)
        app_settings = self.settings.model_copy(
            update={
                "slack_bot_token": SecretStr(self.standin.bot_token),
                "slack_signing_secret": SecretStr(self.secret),
                "slack_app_token": None,
                "slack_api_url": self.standin.api_url,
            }
        )
        upgrade(app_settings.database_url)
        engine = make_engine(app_settings.database_url)
        # The listener finishes before dispatch returns, so its output prints in order.
        self.app = build_app(app_settings, engine=engine, process_before_response=True)

    def stop(self) -> None:
        self.standin.stop()

    def run(self) -> int:
        self.start()
        try:
            self.say(BANNER)
            self.say(f"You are {self.actor.user_id} in #{self.channel_name}.\n")
            while True:
                line = self.read("› ")
                if line is None:
                    self.say("")
                    break
                line = line.strip()
                if line in ("quit", "exit", ":q"):
                    break
                if line:
                    self.handle(line)
        finally:
            self.stop()
        self.say("Bye.")
        return 0

    # ------------------------------------------------------------------ input

    def read(self, prompt: str) -> str | None:
        if self.stdin.isatty():
            self.stdout.write(prompt)
            self.stdout.flush()
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\n")

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def handle(self, line: str) -> None:
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            if command != COMMAND:
                self.say(f"  Only {COMMAND} is installed here. Try `{COMMAND} help`.")
                return
            body, ctype = slash_command(
                self.actor,
                text,
                response_url=self.standin.response_url(
                    channel=self.actor.channel_id, user=self.actor.user_id
                ),
                trigger_id=self.standin.new_trigger_id(self.actor.user_id),
            )
            self.dispatch(body, ctype, where=f"#{self.channel_name}")
        elif line.isdigit():
            self.click(int(line))
        else:
            # A leading ' sends the rest verbatim, so a bare number can be typed as an answer.
            text = line[1:].strip() if line.startswith("'") else line
            dm = self.standin.dm_channel_id(self.actor.user_id)
            body, ctype = message_event(
                self.actor, text, channel_id=dm, bot_user_id=self.standin.bot_user_id
            )
            self.dispatch(body, ctype, where="DM")

    def click(self, number: int) -> None:
        if not 1 <= number <= len(self.clickables):
            self.say(f"  There is no button {number}.")
            return
        target = self.clickables[number - 1]
        action = {**target.element, "block_id": target.block_id}
        self.say(f"  (you clicked “{target.label}”)")
        where = target.where
        if "view" in where:
            body, ctype = block_action(
                self.actor,
                action=action,
                response_url=self.standin.response_url(user=self.actor.user_id),
                view=where["view"],
                trigger_id=self.standin.new_trigger_id(self.actor.user_id),
            )
        else:
            message, channel = where["message"], where["channel"]
            body, ctype = block_action(
                self.actor,
                action=action,
                response_url=self.standin.response_url(
                    channel=channel, user=self.actor.user_id, message_ts=message.get("ts")
                ),
                channel_id=channel,
                message=message,
                trigger_id=self.standin.new_trigger_id(self.actor.user_id),
            )
        self.dispatch(body, ctype, where="click")

    # ------------------------------------------------------------------ dispatch

    def dispatch(self, body: str, ctype: str, *, where: str) -> dict[str, Any] | None:
        assert self.app is not None
        headers: dict[str, Any] = {"Content-Type": ctype, **sign(body, self.secret)}
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        answer: dict[str, Any] | None = None
        if response.status != 200:
            self.say(f"  (the app answered HTTP {response.status}: {response.body[:200]})")
        elif response.body:
            try:
                answer = json.loads(response.body)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
                self.show(answer, channel=self.actor.channel_id, ephemeral=True)
        self.flush()
        return answer

    def flush(self) -> None:
        """Print what the app sent to Slack since the last look."""
        calls = self.standin.calls
        new, self._seen = calls[self._seen :], len(calls)
        for call in new:
            if call.method not in WATCHED:
                continue
            if not call.ok:
                self.say(f"  (Slack answered {call.method}: {call.error or call.status})")
                continue
            self.show_call(call.method, call.params, call.response)

    def show_call(self, method: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        if method in ("chat.postMessage", "chat.update"):
            message = dict(response.get("message") or {})
            message.setdefault("ts", response.get("ts"))
            message.setdefault("blocks", params.get("blocks"))
            message.setdefault("text", params.get("text", ""))
            self.show(
                message,
                channel=response.get("channel") or params.get("channel"),
                updated=method == "chat.update",
            )
        elif method == "chat.postEphemeral":
            self.show(
                {
                    "text": params.get("text", ""),
                    "blocks": params.get("blocks"),
                    "ts": response.get("message_ts"),
                },
                channel=params.get("channel"),
                ephemeral=True,
            )
        elif method == "response_url":
            if params.get("delete_original"):
                return
            ephemeral = params.get("response_type") != "in_channel"
            self.show(
                {
                    "text": params.get("text", ""),
                    "blocks": params.get("blocks"),
                    "ts": response.get("ts"),
                },
                channel=self.actor.channel_id,
                ephemeral=ephemeral,
                updated=bool(params.get("replace_original")),
            )
        elif method in ("views.open", "views.push", "views.update"):
            view = response.get("view") or {}
            self.fill_modal(view)
        elif method == "views.publish":
            self.say("  ── Home tab ──")
            self.show_blocks(
                response.get("view", {}).get("blocks"), "", {"view": response.get("view", {})}
            )
        elif method == "files.completeUploadExternal":
            titles = ", ".join(f.get("title", "file") for f in params.get("files", []) or [])
            self.say(f"  [file uploaded: {titles}]")

    def show(
        self,
        message: dict[str, Any],
        *,
        channel: str | None,
        ephemeral: bool = False,
        updated: bool = False,
    ) -> None:
        dm = self.standin.dm_channel_id(self.actor.user_id)
        place = "DM" if channel == dm else f"#{self.channel_name}"
        notes = [n for n, on in (("only you can see this", ephemeral), ("updated", updated)) if on]
        self.say(f"\nmaturity-bot · {place}" + (f" ({', '.join(notes)})" if notes else ""))
        where = {"message": {**message, "is_ephemeral": ephemeral}, "channel": channel}
        self.show_blocks(message.get("blocks"), message.get("text", ""), where)

    def show_blocks(self, blocks: Any, fallback: str, where: dict[str, Any]) -> None:
        rendered = render_blocks(blocks, fallback, where, start=len(self.clickables) + 1)
        self.clickables.extend(rendered.clickables)
        for line in rendered.lines:
            self.say(line)

    # ------------------------------------------------------------------ modals

    def fill_modal(self, view: dict[str, Any]) -> None:
        title = plain(str((view.get("title") or {}).get("text", "Form")))
        if not view.get("submit"):  # a modal that only tells something: nothing to submit
            self.say(f"\n┌─ {title}")
            rendered = render_blocks(
                view.get("blocks"), "", {"view": view}, len(self.clickables) + 1
            )
            for line in rendered.lines:
                self.say("│" + line)
            self.say("└─")
            return
        self.say(
            f"\n┌─ {title} (a form: answer each field; empty skips an optional one; "
            "`cancel` closes it)"
        )
        values: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                rendered = render_blocks([block], "", {"view": view}, len(self.clickables) + 1)
                for line in rendered.lines:
                    self.say("│" + line)
                continue
            answer = self._ask_input(block)
            if answer is _CANCEL:
                self.say("└─ (form closed)")
                return
            if answer is not None:
                values.setdefault(block["block_id"], {})[block["element"]["action_id"]] = answer
        self.say("└─ (submitted)")
        body, ctype = view_submission(self.actor, view=view, values=values)
        result = self.dispatch(body, ctype, where="modal")
        if isinstance(result, dict) and result.get("response_action") == "errors":
            for field_id, message in (result.get("errors") or {}).items():
                self.say(f"  ! {field_id}: {plain(str(message))}")
            self.fill_modal(view)
        elif (
            isinstance(result, dict)
            and isinstance(result.get("view"), dict)
            and result.get("response_action") in ("update", "push")
        ):  # the form's next page
            self.fill_modal({**result["view"], "id": view.get("id", "")})

    def _ask_input(self, block: dict[str, Any]) -> Any:
        element = block.get("element", {})
        kind = element.get("type")
        label = plain(str((block.get("label") or {}).get("text", "")))
        optional = " (optional)" if block.get("optional") else ""
        options = element.get("options") or []
        if options:
            self.say(f"│ {label}{optional}:")
            for i, opt in enumerate(options, 1):
                self.say(f"│   {i}. {plain(str(opt['text']['text']))}")
        line = self.read(f"│ {label}{optional} › " if not options else "│ choose a number › ")
        if line is None or line.strip() == "cancel":
            return _CANCEL
        line = line.strip()
        if not line:
            return None
        return _input_value(kind, line, options)


_CANCEL = object()


def _input_value(kind: str | None, line: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    if kind in ("static_select", "radio_buttons") and line.isdigit():
        index = int(line) - 1
        if 0 <= index < len(options):
            return {"type": kind, "selected_option": options[index]}
    if kind == "checkboxes":
        chosen = [
            options[int(i) - 1]
            for i in line.replace(",", " ").split()
            if i.isdigit() and 0 < int(i) <= len(options)
        ]
        return {"type": kind, "selected_options": chosen}
    if kind == "datepicker":
        return {"type": kind, "selected_date": line}
    if kind == "number_input":
        return {"type": kind, "value": line}
    return {"type": kind or "plain_text_input", "value": line}


def run_shell(
    settings: Settings,
    *,
    user_id: str,
    channel_name: str,
    factory: Callable[..., LocalShell] = LocalShell,
) -> int:
    return factory(settings, user_id=user_id, channel_name=channel_name).run()
