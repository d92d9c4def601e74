"""manifest.yml against the app it describes: what you paste into Slack must be what the code
needs, no less (a command Slack never sends, an event it never delivers, a call refused with
``missing_scope``) and no more (an install screen asking for access the bot never uses).

Everything is discovered from the code, so listeners added later are checked without editing
this file: registrations are recorded while ``build_app`` builds the real app, and Web API
calls are found by reading ``bot/`` with ``ast``.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import slack_sdk.web.client
import yaml
from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.request import BoltRequest
from sqlalchemy.engine import Engine

from bot.app import build_app
from bot.local.payloads import Actor, message_event, sign
from bot.local.standin import METHOD_SCOPES, SlackStandIn
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "manifest.yml"
BOT_DIR = ROOT / "bot"
NOT_APP_CODE = {BOT_DIR / "standin"}  # the stand-in plays Slack; it is not the app
SECRET = "manifest-test-secret"
TOKEN = "xoxb-manifest-test"

# Scopes an Events API subscription needs (Slack's event reference). An event missing here
# fails the test with a message asking for its scope, rather than passing unchecked.
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "app_mention": "app_mentions:read",
    "app_uninstalled": None,
    "tokens_revoked": None,
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.mpim": "mpim:history",
    "member_joined_channel": "channels:read",
    "channel_created": "channels:read",
    "channel_rename": "channels:read",
    "reaction_added": "reactions:read",
    "reaction_removed": "reactions:read",
    "team_join": "users:read",
    "user_change": "users:read",
}

# Scopes granted for a Slack feature that no Web API method name expresses. Each needs a
# reason; everything else the manifest asks for must be needed by a call, an event or a
# command the code actually has.
ALLOWED_WITHOUT_A_CALL: dict[str, str] = {
    # chat.postMessage needs only chat:write, but without chat:write.public it fails with
    # not_in_channel wherever the bot has not been invited: the weekly digest and nudges
    # post to a team's channel that nobody invited the bot to.
    "chat:write.public": "post in channels the bot has not joined",
}

# Where a plain user message of each conversation type arrives, and its subscription.
MESSAGE_CHANNEL_TYPES = {"im": "D", "channel": "C", "group": "G", "mpim": "G"}

# App methods that register listeners, by the Slack surface they serve.
COMMAND_METHODS = ("command",)
EVENT_METHODS = ("event", "message")
SHORTCUT_METHODS = ("shortcut", "global_shortcut", "message_shortcut")
INTERACTIVE_METHODS = (
    *SHORTCUT_METHODS,
    "action",
    "block_action",
    "attachment_action",
    "dialog_submission",
    "dialog_cancellation",
    "view",
    "view_submission",
    "view_closed",
    "options",
    "block_suggestion",
    "dialog_suggestion",
)


# ------------------------------------------------------------------ what the app registers


@dataclass(frozen=True)
class Registration:
    method: str  # the App method used: "command", "event", "message", "action", ...
    key: Any  # its first argument: "/maturity", "app_home_opened", {"type": ...}, ...


def _spy(method: str, original: Any, seen: list[Registration]) -> Any:
    first = next(iter(list(inspect.signature(original).parameters)[1:]), None)

    @functools.wraps(original)
    def register(self: App, *args: Any, **kwargs: Any) -> Any:
        key = args[0] if args else kwargs.get(first, "") if first else ""
        seen.append(Registration(method, key))
        return original(self, *args, **kwargs)

    return register


def _settings(database_url: str, api_url: str | None = None) -> Settings:
    extra = {"slack_api_url": api_url} if api_url else {}
    return Settings(
        slack_bot_token=SecretStr(TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_app_token=None,
        database_url=database_url,
        **extra,
    )


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text())


@pytest.fixture
def registrations(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, sqlite_engine: Engine
) -> list[Registration]:
    """Every listener ``build_app`` registers, however it registers it."""
    seen: list[Registration] = []
    for method in (*COMMAND_METHODS, *EVENT_METHODS, *INTERACTIVE_METHODS, "function"):
        monkeypatch.setattr(App, method, _spy(method, getattr(App, method), seen))
    build_app(_settings(sqlite_url), engine=sqlite_engine)
    assert seen, "build_app registered no listener at all: the spy is not seeing them"
    return seen


def _keys(regs: list[Registration], methods: tuple[str, ...], field: str) -> set[Any]:
    out: set[Any] = set()
    for reg in regs:
        if reg.method not in methods:
            continue
        key = reg.key
        if isinstance(key, dict):
            key = key.get(field, key.get("type"))
        if isinstance(key, re.Pattern):
            pytest.fail(
                f"app.{reg.method}({key.pattern!r}) is a regex: list what it matches as "
                "plain strings so the manifest can be checked against them"
            )
        out.add(key)
    return out


def registered_commands(regs: list[Registration]) -> set[str]:
    return _keys(regs, COMMAND_METHODS, "command")


def registered_events(regs: list[Registration]) -> set[str]:
    events = _keys(regs, ("event",), "type")
    if any(r.method == "message" for r in regs):
        events.add("message")
    return events


# ------------------------------------------------------------------ what the code calls


@functools.cache
def _webclient_methods() -> dict[str, frozenset[str]]:
    """WebClient method name -> the Web API methods it calls, read from slack_sdk itself
    (``chat_postMessage`` -> chat.postMessage; ``files_upload_v2`` -> its two calls)."""
    tree = ast.parse(Path(inspect.getfile(slack_sdk.web.client)).read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "WebClient")
    direct: dict[str, set[str]] = {}
    delegates: dict[str, set[str]] = {}
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
            continue
        direct[fn.name], delegates[fn.name] = set(), set()
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
                continue
            if node.func.attr == "api_call":
                if node.args and isinstance(node.args[0], ast.Constant):
                    direct[fn.name].add(str(node.args[0].value))
            else:
                delegates[fn.name].add(node.func.attr)

    def resolve(name: str, trail: frozenset[str]) -> set[str]:
        found = set(direct.get(name, ()))
        for other in delegates.get(name, ()):
            if other in direct and other not in trail:
                found |= resolve(other, trail | {other})
        return found

    return {name: frozenset(resolve(name, frozenset({name}))) for name in direct}


@dataclass(frozen=True)
class ApiCall:
    method: str  # Slack Web API method, e.g. "chat.postMessage"
    where: str  # file:line


def calls_in_source(source: str, filename: str) -> list[ApiCall]:
    """Web API calls in ``source``: ``<anything>.chat_postMessage(...)``,
    ``<anything>.api_call("team.info")`` and Bolt's ``say(...)`` (chat.postMessage)."""
    methods = _webclient_methods()
    found: list[ApiCall] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        where = f"{filename}:{node.lineno}"
        func = node.func
        if isinstance(func, ast.Name) and func.id == "say":
            found.append(ApiCall("chat.postMessage", where))
        elif isinstance(func, ast.Attribute) and func.attr == "api_call":
            arg = node.args[0] if node.args else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                pytest.fail(f"{where}: api_call() with a computed method name cannot be checked")
            found.append(ApiCall(arg.value, where))
        elif isinstance(func, ast.Attribute) and methods.get(func.attr):
            found.extend(ApiCall(m, where) for m in sorted(methods[func.attr]))
    return found


def app_source_files() -> Iterator[Path]:
    for path in sorted(BOT_DIR.rglob("*.py")):
        if not any(path.is_relative_to(skip) for skip in NOT_APP_CODE):
            yield path


def web_api_calls() -> list[ApiCall]:
    calls: list[ApiCall] = []
    for path in app_source_files():
        calls += calls_in_source(path.read_text(), str(path.relative_to(ROOT)))
    return calls


# ------------------------------------------------------------------ which DMs / channels


def message_channel_types_acted_on(database_url: str, engine: Engine) -> set[str]:
    """Conversation types ("im", "channel", ...) where a plain user message makes the real
    app call Slack: those are the ``message.<type>`` subscriptions it needs."""
    acted: set[str] = set()
    with SlackStandIn(bot_token=TOKEN) as slack:
        app = build_app(
            _settings(database_url, slack.api_url), engine=engine, process_before_response=True
        )
        for kind, prefix in MESSAGE_CHANNEL_TYPES.items():
            channel = slack.dm_channel_id("U0PROBE") if kind == "im" else f"{prefix}0PROBE{kind}"
            if kind != "im":
                slack.add_channel(channel, name=f"probe-{kind}", private=kind != "channel")
            body, ctype = message_event(
                Actor(user_id="U0PROBE"), "hello", channel_id=channel, bot_user_id=slack.bot_user_id
            )
            envelope = json.loads(body)
            envelope["event"]["channel_type"] = kind
            body = json.dumps(envelope)
            slack.clear()
            headers = {"Content-Type": ctype, **sign(body, SECRET)}
            app.dispatch(BoltRequest(body=body, headers=headers))
            if any(call.method != "auth.test" for call in slack.calls):
                acted.add(kind)
    return acted


# ------------------------------------------------------------------ the tests


def test_manifest_is_valid_by_slacks_own_schema(manifest: dict[str, Any], shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "slack-fixtures" / "manifest.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    assert not errors, "manifest.yml breaks Slack's manifest schema:\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors
    )


def test_every_slash_command_the_app_handles_is_declared(
    manifest: dict[str, Any], registrations: list[Registration]
) -> None:
    commands = registered_commands(registrations)
    assert commands, "the app registers no slash command (the spy should see /maturity)"
    declared = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    missing = sorted(commands - declared)
    assert not missing, (
        f"the app handles {missing} but manifest.yml does not declare them under "
        "features.slash_commands, so Slack would never send them"
    )
    unhandled = sorted(declared - commands)
    assert not unhandled, (
        f"manifest.yml declares {unhandled} but no listener handles them: users would get "
        "Slack's 'dispatch_failed' error"
    )


def test_every_event_the_app_handles_is_subscribed(
    manifest: dict[str, Any],
    registrations: list[Registration],
    sqlite_url: str,
    sqlite_engine: Engine,
) -> None:
    subscribed = set(manifest["settings"].get("event_subscriptions", {}).get("bot_events", []))
    events = registered_events(registrations)
    needed = {e for e in events if e != "message"}
    acted: set[str] = set()
    if "message" in events:
        acted = message_channel_types_acted_on(sqlite_url, sqlite_engine)
        if acted:
            needed |= {f"message.{kind}" for kind in acted}
        else:
            assert any(s.startswith("message.") for s in subscribed), (
                "a message listener is registered but manifest.yml subscribes to no "
                "message.* event, so it can never run"
            )
    missing = sorted(needed - subscribed)
    assert not missing, (
        f"the app acts on {missing} but manifest.yml lacks them under "
        "settings.event_subscriptions.bot_events: Slack would never deliver them"
    )
    unused = sorted(
        s
        for s in subscribed
        if s not in needed and not (s.startswith("message.") and "message" in events and not acted)
    )
    assert not unused, (
        f"manifest.yml subscribes to {unused} but the app does nothing with them: "
        "drop them (Slack would send the bot every one of those events)"
    )


def test_the_app_home_tabs_the_listeners_rely_on_are_enabled(
    manifest: dict[str, Any], registrations: list[Registration]
) -> None:
    subscribed = set(manifest["settings"].get("event_subscriptions", {}).get("bot_events", []))
    app_home = manifest["features"].get("app_home", {})
    if "app_home_opened" in registered_events(registrations):
        assert app_home.get("home_tab_enabled") is True, (
            "an app_home_opened listener publishes the Home tab, but "
            "features.app_home.home_tab_enabled is not true"
        )
    if "message.im" in subscribed:
        assert app_home.get("messages_tab_enabled") is True, (
            "the bot answers DMs (message.im) but features.app_home.messages_tab_enabled is "
            "not true: users could not write to it"
        )
        assert app_home.get("messages_tab_read_only_enabled") is not True, (
            "the bot answers DMs (message.im) but the Messages tab is read-only"
        )
        assert "bot_user" in manifest["features"], "DMs need features.bot_user"


def test_interactive_listeners_have_interactivity_and_declared_shortcuts(
    manifest: dict[str, Any], registrations: list[Registration]
) -> None:
    interactive = [r for r in registrations if r.method in INTERACTIVE_METHODS]
    if interactive:
        assert manifest["settings"].get("interactivity", {}).get("is_enabled") is True, (
            f"listeners for {sorted({r.method for r in interactive})} need "
            "settings.interactivity.is_enabled: true, or Slack never sends clicks/submissions"
        )
    declared = {
        (s["callback_id"], s["type"]) for s in manifest["features"].get("shortcuts", []) or []
    }
    for reg in registrations:
        if reg.method not in SHORTCUT_METHODS:
            continue
        key = reg.key if isinstance(reg.key, dict) else {"callback_id": reg.key}
        kind = {"global_shortcut": "global", "message_shortcut": "message"}.get(
            reg.method, {"shortcut": "global", "message_action": "message"}.get(key.get("type"))
        )
        matches = [d for d in declared if d[0] == key["callback_id"] and kind in (None, d[1])]
        assert matches, (
            f"app.{reg.method}({reg.key!r}) has no matching entry under features.shortcuts "
            "in manifest.yml, so users can never trigger it"
        )


def test_the_call_scanner_reads_calls_the_way_the_code_writes_them() -> None:
    source = """
def handler(client, say, context, self):
    client.chat_postMessage(channel="C1", text="hi")
    self.client.views_open(trigger_id="t", view={})
    context.client.users_info(user="U1")
    client.api_call("team.info")
    client.files_upload_v2(content="x", channel="C1")
    say("hello")
    client.token
    notaclient.something(1)
"""
    assert sorted({c.method for c in calls_in_source(source, "x.py")}) == [
        "chat.postMessage",
        "files.completeUploadExternal",
        "files.getUploadURLExternal",
        "team.info",
        "users.info",
        "views.open",
    ]


def test_every_web_api_call_has_its_scope_declared(manifest: dict[str, Any]) -> None:
    calls = web_api_calls()
    # The listeners known today must be found, or the scan is silently looking elsewhere.
    assert {"chat.postMessage", "views.publish"} <= {c.method for c in calls}
    unknown = sorted({f"{c.method} ({c.where})" for c in calls if c.method not in METHOD_SCOPES})
    assert not unknown, (
        f"the code calls {unknown}, whose scope bot.local.standin.METHOD_SCOPES does not know: "
        "add the method there (with the scope from its Slack reference page)"
    )
    declared = set(manifest["oauth_config"]["scopes"].get("bot", []))
    missing: dict[str, list[str]] = {}
    for call in calls:
        scope = METHOD_SCOPES[call.method]
        if scope and scope not in declared:
            missing.setdefault(scope, []).append(f"{call.method} at {call.where}")
    assert not missing, "manifest.yml oauth_config.scopes.bot lacks scopes the code needs " + (
        "(Slack would answer missing_scope):\n"
        + "\n".join(f"  {scope}: needed by {', '.join(uses)}" for scope, uses in missing.items())
    )


def test_no_declared_scope_goes_unused(
    manifest: dict[str, Any], registrations: list[Registration]
) -> None:
    used: dict[str, str] = {}
    for call in web_api_calls():
        scope = METHOD_SCOPES.get(call.method)
        if scope:
            used.setdefault(scope, f"{call.method} at {call.where}")
    subscribed = manifest["settings"].get("event_subscriptions", {}).get("bot_events", [])
    unknown_events = sorted(e for e in subscribed if e not in EVENT_SCOPES)
    assert not unknown_events, (
        f"add the scope(s) of {unknown_events} to EVENT_SCOPES in this test "
        "(see the event's Slack reference page)"
    )
    for event in subscribed:
        if EVENT_SCOPES[event]:
            used.setdefault(str(EVENT_SCOPES[event]), f"the {event} subscription")
    if any(r.method in COMMAND_METHODS or r.method in SHORTCUT_METHODS for r in registrations):
        used.setdefault("commands", "slash commands and shortcuts")
    scopes = manifest["oauth_config"]["scopes"]
    declared = {f"bot:{s}" for s in scopes.get("bot", [])} | {
        f"user:{s}" for s in scopes.get("user", [])
    }
    unused = sorted(
        d
        for d in declared
        if not (d.startswith("bot:") and (d[4:] in used or d[4:] in ALLOWED_WITHOUT_A_CALL))
    )
    assert not unused, (
        f"manifest.yml asks for {unused} but no Web API call, event subscription or command "
        "needs them (the install screen would ask for access the bot never uses). Remove "
        "them, or, for a feature no method name expresses, add them with the reason to "
        "ALLOWED_WITHOUT_A_CALL in this test. Used: "
        + ", ".join(f"{s} ← {why}" for s, why in sorted(used.items()))
    )
