"""Socket Mode: Slack's envelopes go through Bolt's Socket Mode adapter into the same app.

The WebSocket itself is slack_sdk's; what is ours is the app behind it, so the test hands
the adapter real envelopes (the shape of Slack's own, see slack-fixtures/requests/socket_mode)
and records what it would send back over the socket.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import parse_qsl

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.app import build_app
from bot.local.payloads import Actor, slash_command
from bot.local.standin import SlackStandIn
from bot.settings import load_settings
from storage.db import make_engine
from storage.migrate import upgrade


class _Socket:
    """Stands in for the WebSocket client: keeps the acknowledgements the app sends."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("test.socket")
        self.sent: list = []

    def send_socket_mode_response(self, response) -> None:
        self.sent.append(response)


def _envelope(body: str) -> SocketModeRequest:
    return SocketModeRequest.from_dict(
        {
            "envelope_id": "1d3c79ab-0ffb-41f3-a080-d19e85f53649",
            "payload": dict(parse_qsl(body, keep_blank_values=True)),
            "type": "slash_commands",
            "accepts_response_payload": True,
        }
    )


def _channel_team(url: str, slack_team_id: str) -> None:
    from storage.db import session_scope
    from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

    engine = make_engine(url)
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=slack_team_id)
        get_or_create_channel_team(
            session=s, workspace_id=ws.id or 0, channel_id="C0PLATFORM", channel_name="platform"
        )
    engine.dispose()


def test_slash_commands_over_socket_mode(tmp_path: Path) -> None:
    with SlackStandIn() as standin:
        url = f"sqlite:///{tmp_path / 'socket.db'}"
        upgrade(url)
        settings = load_settings(
            slack_bot_token="xoxb-standin",
            slack_app_token="xapp-1-test",
            slack_api_url=standin.api_url,
            database_url=url,
        )
        app = build_app(settings, engine=make_engine(url), process_before_response=True)
        handler = SocketModeHandler(app, "xapp-1-test")
        socket = _Socket()
        actor = Actor(team_id=standin.team_id, channel_id="C0PLATFORM", channel_name="platform")
        _channel_team(url, standin.team_id)  # #platform is its team's (asked otherwise)

        body, _ = slash_command(actor, "help", response_url=standin.response_url())
        handler.handle(socket, _envelope(body))
        assert socket.sent[-1].envelope_id == "1d3c79ab-0ffb-41f3-a080-d19e85f53649"
        assert "/maturity assess" in json.dumps(socket.sent[-1].payload)

        body, _ = slash_command(
            actor,
            "assess",
            response_url=standin.response_url(channel="C0PLATFORM", user=actor.user_id),
        )
        handler.handle(socket, _envelope(body))
        dm = standin.messages(standin.dm_channel_id(actor.user_id))
        assert any(
            b.get("block_id") == "scripted.ops_80pct" for m in dm for b in m.get("blocks") or []
        )
