"""``maturity-bot shell``: the real Bolt app, driven from a terminal, no Slack needed.

The shell starts the local Slack stand-in and the app in-process (on the configured
database, SQLite by default). Each line becomes a real, signed Slack request dispatched
through the app: ``/maturity …`` a slash command, a number a click on that button, any
other text a DM to the bot. What the app sends to Slack is printed as it would appear.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.request import BoltRequest
from sqlalchemy import Engine

from bot.app import build_app
from bot.local import demo
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
from bot.local.shell_render import Clickable, plain, render_blocks
from bot.local.standin import SlackStandIn
from bot.scheduling.times import ScheduleError, next_weekly, parse_time, parse_weekday, zone
from bot.serve import runtime
from bot.settings import Settings
from bot.slack.ids import COMMAND, CallbackId
from storage.assessments import current_question
from storage.db import make_engine, read_scope
from storage.migrate import upgrade
from storage.schedules import due_schedules
from storage.types import move_clock, reset_clock, set_clock, utcnow

BANNER = (
    "maturity-bot shell: the real bot against a local Slack stand-in.\n"
    f"Type `{COMMAND} help` to start, a button's number to click it, any other text to "
    "DM the bot (start with ' to DM a bare number, e.g. '12). `:help` lists the shell's "
    "own commands (the Home tab, shortcuts, other people, moving the clock). Ctrl-D or "
    "`quit` exits."
)
DEMO_INTRO = (
    "\nThis is the demo workspace: four teams (Payments, Platform, Data, Mobile backend) "
    "with a few weeks of check-ins and runbooks behind them, on a database of their own "
    "that goes when you quit. You co-own Payments with @priya: its criteria have *Update* "
    "buttons on its board and your Home tab. Try:\n"
    f"  {COMMAND} board Payments        where Payments stands, criterion by criterion\n"
    f"  {COMMAND} runbook Data          Data's manual work, ranked by toil\n"
    "  :home                           the app's Home tab\n"
    "  :channel #eng-leads             the leads' channel, then\n"
    f"  {COMMAND} digest preview        this week's digest (it posts on Mondays)\n"
    "  :clock next monday 09:00        …or let a week pass and watch it arrive\n"
    f"  {COMMAND} assess Data           check in on a team yourself"
)
SHELL_HELP = """The shell's own commands (Slack has these as places and gestures, not commands):
  :home                       open the app's Home tab
  :post                       write a message in this channel (several lines; a line with
                              only . ends it) — e.g. runbook steps to import
  :shortcut [N]               run the message shortcut "Add steps to runbook" on message N
                              (the number in a message's header; default: your last :post)
  :channel #name              type in another channel
  :user @name [time zone]     act as someone else, e.g. :user @sam America/New_York
  :clock                      show the bot's clock
  :clock +7d | +3h | +30m     move the clock forward: whatever falls due meanwhile (weekly
                              digests, reminders, check-ins, expiries) happens now, once
  :clock next monday 10:00    move it to a day and time (in your time zone)
  :help                       this list
  quit                        leave (Ctrl-D too)"""
MAX_STOPS = 10_000  # moments something falls due, in one move of the clock
END_OF_TEXT = "."  # a line with only this ends multi-line input
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
        demo: bool = False,
    ) -> None:
        self.demo = demo
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
        # Looking at the Home tab (`:home`, or a button clicked on it): a Home published
        # again for you is shown; otherwise only said to have changed.
        self.at_home = False
        self._seen = 0
        self.app: App | None = None
        self.sender: runtime.Sender | None = None
        self.engine: Engine | None = None
        self.tz = "UTC"
        self.numbered: list[tuple[str, dict[str, Any]]] = []  # (channel, message) by number
        self.last_post: tuple[str, dict[str, Any]] | None = None
        self.files_dir: Path | None = None
        self.colour = _colour_wanted(self.stdout)
        # User and channel ids -> names, as Slack shows mentions of them.
        self.people: dict[str, str] = {user_id: "you", self.actor.channel_id: channel_name}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.standin.start()
        # You installed the app here: a workspace admin (`:user` others are not, unless asked).
        self.standin.add_user(
            self.actor.user_id, name="you", real_name="You (local shell)", is_admin=True
        )
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
        # The scheduler's own jobs, run against the app's clock after every line (and as the
        # clock moves): what falls due happens in front of the person, through the claims.
        self.sender = runtime.build_sender(app_settings, engine)
        self.engine = engine

    def stop(self) -> None:
        self.standin.stop()

    def play_demo(self) -> None:
        """Fill the workspace with the demo's teams and their past (quietly), then put
        everything back where the person starts: themselves, #general, today."""
        start = (self.actor, self.channel_name, self.tz, self.stdout)
        self.stdout = io.StringIO()
        try:
            demo.seed(_DemoDriver(self))
        finally:
            reset_clock()
            self.actor, self.channel_name, self.tz, self.stdout = start
        self._seen = len(self.standin.calls)
        self.clickables.clear()
        self.numbered.clear()
        self.last_post = None

    def run(self) -> int:
        self.start()
        try:
            if self.demo:
                self.say("Setting up the demo workspace (teams, their history, runbooks)…")
                self.play_demo()
            self.say(BANNER)
            if self.demo:
                self.say(DEMO_INTRO)
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
                    self.tick()
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
        if not line.isdigit():
            self.at_home = False
        if line.startswith(":"):
            self.shell_command(line)
        elif line.startswith("/"):
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

    # ------------------------------------------------------------------ shell commands

    def shell_command(self, line: str) -> None:
        word, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        commands: dict[str, Callable[[str], None]] = {
            "help": lambda _r: self.say(SHELL_HELP),
            "home": lambda _r: self.open_home(),
            "post": self.post,
            "shortcut": self.shortcut,
            "channel": self.switch_channel,
            "user": self.switch_user,
            "clock": self.clock,
        }
        handler = commands.get(word.lower())
        if handler is None:
            self.say(f"  `:{word}` is not a shell command. `:help` lists them.")
            return
        handler(rest)

    def open_home(self) -> None:
        self.at_home = True
        body, ctype = app_home_opened(
            self.actor,
            channel_id=self.standin.dm_channel_id(self.actor.user_id),
            bot_user_id=self.standin.bot_user_id,
        )
        self.dispatch(body, ctype, where="Home")

    def post(self, rest: str) -> None:
        text = rest or self.read_lines("  message (a line with only . ends it)")
        if not text.strip():
            self.say("  (nothing posted)")
            return
        message = self.standin.post_user_message(self.actor.channel_id, self.actor.user_id, text)
        self.last_post = (self.actor.channel_id, message)
        self.numbered.append(self.last_post)
        self.say(f"  you · #{self.channel_name} · [m{len(self.numbered)}]")
        for line in text.splitlines():
            self.say(f"    {line}")

    def shortcut(self, rest: str) -> None:
        target = self.last_post
        if rest:
            number = rest.lstrip("m")
            if not number.isdigit() or not 1 <= int(number) <= len(self.numbered):
                self.say(f"  There is no message {rest}. Message numbers are shown as [m3].")
                return
            target = self.numbered[int(number) - 1]
        if target is None:
            self.say("  Post a message first (`:post`), or give a message number: `:shortcut 3`.")
            return
        channel, message = target
        self.say("  (you ran “Add steps to runbook” on it)")
        body, ctype = message_shortcut(
            replace(self.actor, channel_id=channel),
            callback_id=CallbackId.RUNBOOK_ADD_STEPS,
            message=message,
            response_url=self.standin.response_url(channel=channel, user=self.actor.user_id),
            trigger_id=self.standin.new_trigger_id(self.actor.user_id),
        )
        self.dispatch(body, ctype, where="shortcut")

    def switch_channel(self, rest: str) -> None:
        name = rest.lstrip("#").strip()
        if not name or " " in name:
            self.say("  Which channel? `:channel #payments`")
            return
        self.channel_name = name
        self.actor = replace(self.actor, channel_id=_channel_id_for(name), channel_name=name)
        self.standin.add_channel(self.actor.channel_id, name=name)
        self.people[self.actor.channel_id] = name
        self.say(f"  You are now in #{name}.")

    def switch_user(self, rest: str) -> None:
        words = rest.split()
        if not words:
            self.say("  Who? `:user @sam` (and a time zone if you like: `:user @sam Asia/Tokyo`)")
            return
        name = words[0].lstrip("@")
        tz = words[1] if len(words) > 1 else "UTC"
        try:
            zone(tz)
        except ScheduleError as exc:
            self.say(f"  {exc}")
            return
        user_id = user_id_for(name)
        self.standin.add_user(user_id, name=name, real_name=name, tz=tz)
        self.people[user_id] = name
        self.actor = replace(self.actor, user_id=user_id, user_name=name)
        self.tz = tz
        self.say(f"  You are now @{name} ({user_id}, {tz}).")

    def clock(self, rest: str) -> None:
        now = utcnow()
        if not rest:
            self.say(f"  The bot's clock: {self.local(now)}.")
            return
        try:
            target = clock_target(rest, now, self.tz)
        except ValueError as exc:
            self.say(f"  {exc}")
            return
        if target <= now:
            self.say("  The clock only moves forward.")
            return
        self.travel(target)

    def travel(self, target: datetime) -> None:
        """Move the clock to ``target`` the way time passes: stopping at each moment something
        falls due on the way, so it is sent then (on time, once), as the scheduler would."""
        assert self.engine is not None
        for _ in range(MAX_STOPS):
            with read_scope(self.engine) as session:
                due = due_schedules(session=session, now=target)
            stop = min((s.next_due_at for s in due if s.next_due_at is not None), default=None)
            if stop is None or stop <= utcnow():  # nothing ahead (or stuck retrying): go on
                break
            move_clock(stop - utcnow())
            self.tick(housekeeping=True, heading=f"  ⏩ {self.local(stop)}")
        if target > utcnow():
            move_clock(target - utcnow())
        arrived = f"  ⏩ The bot's clock: {self.local(utcnow())}."
        if not self.tick(housekeeping=True, heading=arrived):
            self.say(arrived)

    def local(self, when: datetime) -> str:
        return f"{when.astimezone(zone(self.tz)):%A %d %B %Y, %H:%M} ({self.tz})"

    def tick(self, *, housekeeping: bool = False, heading: str = "") -> bool:
        """Run what the scheduler would run at the app's clock's now, and show what it sent
        (under ``heading``); whether anything was shown."""
        if self.sender is None:
            return False
        self.sender.send_due(now=utcnow())
        if housekeeping:  # hourly in serving: closing idle check-ins, purging departed data
            runtime.housekeeping(self.sender)
        return self.flush(heading=heading)

    def read_lines(self, prompt: str) -> str:
        """Several lines, up to one with only ``.`` (or the end of input)."""
        self.say(prompt)
        lines: list[str] = []
        while (line := self.read("  … ")) is not None and line.strip() != END_OF_TEXT:
            lines.append(line)
        return "\n".join(lines)

    def click(self, number: int) -> None:
        if not 1 <= number <= len(self.clickables):
            self.say(f"  There is no button {number}.")
            return
        target = self.clickables[number - 1]
        action = {**target.element, "block_id": target.block_id}
        self.say(f"  (you clicked “{target.label}”)")
        where = target.where
        self.at_home = (where.get("view") or {}).get("type") == "home"
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

    def flush(self, *, heading: str = "") -> bool:
        """Print what the app sent to Slack since the last look (under ``heading``, if any);
        whether anything was printed."""
        calls = self.standin.calls
        new, self._seen = calls[self._seen :], len(calls)
        shown = False
        for call in new:
            if call.method not in WATCHED:
                continue
            if not shown and heading:
                self.say(heading)
            shown = True
            if not call.ok:
                self.say(f"  (Slack answered {call.method}: {call.error or call.status})")
                continue
            self.show_call(call.method, call.params, call.response)
        return shown

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
            if params.get("user_id") != self.actor.user_id:
                return  # someone else's Home
            if not self.at_home:
                self.say("  (your Home tab changed: `:home` shows it)")
                return
            self.say("  ── Home tab ──")
            self.show_blocks(
                response.get("view", {}).get("blocks"), "", {"view": response.get("view", {})}
            )
        elif method == "files.completeUploadExternal":
            for shared in params.get("files", []) or []:
                path = self.save_file(str(shared.get("id", "")))
                title = plain(str(shared.get("title") or "a file"))
                self.say(f"    ↳ [file: {title}" + (f" — saved to {path}]" if path else "]"))

    def show(
        self,
        message: dict[str, Any],
        *,
        channel: str | None,
        ephemeral: bool = False,
        updated: bool = False,
    ) -> None:
        dm = self.standin.dm_channel_id(self.actor.user_id)
        place = "DM" if channel == dm else self.channel_label(channel)
        notes = [n for n, on in (("only you can see this", ephemeral), ("updated", updated)) if on]
        number = ""
        if not ephemeral and not updated and channel:
            self.numbered.append((channel, message))
            number = f" · [m{len(self.numbered)}]"
        reply = bool(message.get("thread_ts")) and message.get("thread_ts") != message.get("ts")
        header = f"maturity-bot · {place}" + (" · in thread" if reply else "") + number
        header += f" ({', '.join(notes)})" if notes else ""
        self.say("\n" + self.bold(("    ↳ " if reply else "") + header))
        where = {"message": {**message, "is_ephemeral": ephemeral}, "channel": channel}
        self.show_blocks(message.get("blocks"), message.get("text", ""), where, indent=reply)

    def channel_label(self, channel: str | None) -> str:
        if not channel:
            return f"#{self.channel_name}"
        name = self.standin.workspace.channel_name(channel)
        return f"#{name or channel}"

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.colour else text

    def save_file(self, file_id: str) -> str:
        """Where an uploaded file (a digest's chart) was saved, so it can be opened."""
        found = self.standin.workspace.file_content(file_id)
        if found is None:
            return ""
        if self.files_dir is None:
            self.files_dir = Path(tempfile.mkdtemp(prefix="maturity-bot-files-"))
        filename, content = found
        path = self.files_dir / (Path(filename).name or f"{file_id}.bin")
        path.write_bytes(content)
        return str(path)

    def show_blocks(
        self, blocks: Any, fallback: str, where: dict[str, Any], *, indent: bool = False
    ) -> None:
        rendered = render_blocks(
            blocks, fallback, where, start=len(self.clickables) + 1, people=self.people
        )
        self.clickables.extend(rendered.clickables)
        for line in rendered.lines:
            self.say(("    " + line) if indent else line)

    # ------------------------------------------------------------------ modals

    def fill_modal(self, view: dict[str, Any]) -> None:
        title = plain(str((view.get("title") or {}).get("text", "Form")))
        if not view.get("submit"):  # a modal that only tells something: nothing to submit
            self.say(f"\n┌─ {title}")
            rendered = render_blocks(
                view.get("blocks"), "", {"view": view}, len(self.clickables) + 1, self.people
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
                rendered = render_blocks(
                    [block], "", {"view": view}, len(self.clickables) + 1, self.people
                )
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
        if element.get("multiline") and not options:
            self.say(
                f"│ {label}{optional} (several lines; a line with only . ends them; "
                "an empty first line leaves the field empty):"
            )
            lines: list[str] = []
            while (typed := self.read("│ … ")) is not None and typed.strip() != END_OF_TEXT:
                if not lines and typed.strip() in ("", "cancel"):
                    return _CANCEL if typed.strip() else None
                lines.append(typed)
            text = "\n".join(lines)
            return {"type": kind or "plain_text_input", "value": text} if text.strip() else None
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


def _colour_wanted(stream: TextIO) -> bool:
    """Bold headers on a terminal, unless NO_COLOR says otherwise (no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


_STEP = re.compile(r"^\+(\d+)\s*([dhmw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def clock_target(text: str, now: datetime, tz: str) -> datetime:
    """Where ``:clock <text>`` moves the clock: ``+7d``, ``+3h``, ``+30m``, ``+2w``, or a day
    and time in ``tz`` (``next monday 10:00``, ``monday 10:00``, ``2026-12-07 09:00``)."""
    text = " ".join(text.lower().split())
    step = _STEP.match(text.replace(" ", ""))
    if step:
        return now + timedelta(**{_UNITS[step.group(2)]: int(step.group(1))})
    words = text.removeprefix("next ").split()
    if len(words) == 2:
        day, time_of_day = words
        try:
            hour, minute = parse_time(time_of_day)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                on = date.fromisoformat(day)
                local = datetime(on.year, on.month, on.day, hour, minute, tzinfo=zone(tz))
                return local.astimezone(UTC)
            return next_weekly(parse_weekday(day), f"{hour:02d}:{minute:02d}", tz, now)
        except (ScheduleError, ValueError) as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(
        "Move the clock by `+7d`, `+3h`, `+30m`, or to a day and time: `next monday 10:00`."
    )


def user_id_for(name: str) -> str:
    """The Slack user id the shell gives a person it is told to be (``:user @sam``)."""
    return "U0" + "".join(ch for ch in name.upper() if ch.isalnum())[:9]


class _DemoDriver:
    """The shell, as the demo plays its past in (see :mod:`bot.local.demo`)."""

    def __init__(self, shell: LocalShell) -> None:
        self.shell = shell
        self.you = shell.actor.user_id  # the person at the keyboard
        self.base = utcnow()
        self.mark = 0  # buttons shown since the last line typed

    def be(self, handle: str, tz: str, channel: str) -> None:
        self.shell.switch_user(f"@{handle} {tz}")
        self.shell.switch_channel(f"#{channel}")

    def at(self, days_ago: float) -> None:
        when = self.base - timedelta(days=days_ago)
        if when > utcnow():  # time passes as it would: level changes announced on the way
            self.shell.travel(when)
        else:
            set_clock(when)

    def type(self, line: str) -> None:
        self.mark = len(self.shell.clickables)
        self.shell.handle(line)

    def click(self, label: str) -> bool:
        for number, target in enumerate(self.shell.clickables[self.mark :], self.mark + 1):
            if target.label.startswith(label):
                self.mark = len(self.shell.clickables)
                self.shell.click(number)
                return True
        return False

    def user_id(self, handle: str | None) -> str:
        return self.you if handle is None else user_id_for(handle)

    def current_question(self) -> str | None:
        assert self.shell.engine is not None
        actor = self.shell.actor
        with read_scope(self.shell.engine) as session:
            return current_question(
                session=session, slack_team_id=actor.team_id, user_id=actor.user_id
            )


def run_shell(
    settings: Settings,
    *,
    user_id: str,
    channel_name: str,
    demo: bool = False,
    factory: Callable[..., LocalShell] = LocalShell,
) -> int:
    if demo:  # the demo's teams never mix with your own: a database of its own, thrown away
        with tempfile.TemporaryDirectory(prefix="maturity-bot-demo-") as folder:
            url = f"sqlite:///{Path(folder) / 'demo.db'}"
            shell = factory(
                settings.model_copy(update={"database_url": url}),
                user_id=user_id,
                channel_name=channel_name,
                demo=True,
            )
            return shell.run()
    return factory(settings, user_id=user_id, channel_name=channel_name).run()
