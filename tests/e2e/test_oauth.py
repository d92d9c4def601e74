"""Multi-workspace install through Slack OAuth, against a real `serve --http` process
logging at DEBUG (where slack_sdk logs whole requests and answers)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import update

from bot.local.payloads import Actor
from bot.local.standin.driver import SlackUser, over_http
from bot.scheduling.scheduler import EXPIRE_JOB
from bot.serve.runtime import build_sender, start_background
from bot.settings import load_settings
from storage.db import make_engine, session_scope
from storage.models import Assessment
from storage.types import utcnow
from storage.workspaces import get_or_create_workspace

from .conftest import SIGNING_SECRET, start_serve, stop_serve

KEY = Fernet.generate_key().decode()


def test_install_then_commands_are_authorised_with_the_installed_token(
    tmp_path: Path, standin
) -> None:
    db_url = f"sqlite:///{tmp_path / 'oauth.db'}"
    server = start_serve(
        tmp_path,
        standin,
        db_url=db_url,
        extra_env={
            "SLACK_BOT_TOKEN": None,
            "SLACK_CLIENT_ID": "1111.2222",
            "SLACK_CLIENT_SECRET": "client-secret-value",
            "TOKEN_ENCRYPTION_KEY": KEY,
            "LOG_LEVEL": "DEBUG",
        },
    )
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as browser:
            install = browser.get("/slack/install")
            assert install.status_code == 200
            state = re.search(r"state=([\w-]+)", install.text).group(1)
            scopes = re.search(r"scope=([^&\"]+)", html.unescape(install.text)).group(1)
            assert "commands" in scopes and "chat:write" in unquote(scopes)
            # Bolt binds the state to the browser with a Secure cookie; over plain http in a
            # test the client would not send it back by itself, so we do.
            cookie = install.headers["set-cookie"].split(";")[0]
            params = {"code": "c0de", "state": state}
            done = browser.get("/slack/oauth_redirect", params=params, headers={"Cookie": cookie})
            assert done.status_code == 200, done.text
            # The state is single-use: replaying the redirect is refused.
            replay = browser.get("/slack/oauth_redirect", params=params, headers={"Cookie": cookie})
            assert replay.status_code != 200
        exchanged = standin.calls_to("oauth.v2.access")
        assert len(exchanged) == 1 and exchanged[0].ok
        token = exchanged[0].response["access_token"]

        # A slash command from the installed workspace runs with that workspace's token.
        actor = Actor(team_id=standin.team_id, channel_id="C0PLATFORM", channel_name="platform")
        alice = SlackUser(standin, over_http(server.base_url), SIGNING_SECRET, actor)
        assert alice.command("assess Platform").status == 200
        posted = standin.wait_for("chat.postMessage", timeout=15)
        assert posted.headers["authorization"] == f"Bearer {token}"

        # The scheduler's sender finds the same token for that workspace.
        settings = load_settings(
            slack_signing_secret=SIGNING_SECRET,
            slack_client_id="1111.2222",
            slack_client_secret="client-secret-value",
            token_encryption_key=KEY,
            slack_api_url=standin.api_url,
            database_url=db_url,
        )
        engine = make_engine(db_url)
        with session_scope(engine) as s:
            ws = get_or_create_workspace(session=s, slack_team_id=standin.team_id)
        assert build_sender(settings, engine).client_for(ws.id).token == token

        # The hourly housekeeping tells the owner of an idle check-in with the token of
        # the workspace the check-in belongs to.
        with session_scope(engine) as s:
            s.execute(update(Assessment).values(updated_at=utcnow() - timedelta(days=8)))
        scheduler = start_background(settings, engine)
        try:
            standin.clear()
            scheduler.get_job(EXPIRE_JOB).func()
        finally:
            scheduler.shutdown(wait=False)
        (note,) = standin.calls_to("chat.postMessage")
        assert "quiet for a week" in note.params["text"]
        assert note.headers["authorization"] == f"Bearer {token}"
        engine.dispose()
    finally:
        stop_serve(server)
    # Nothing secret reached the log, although it was written at DEBUG.
    log = server.output()
    assert "DEBUG" in log and "oauth.v2.access" in log
    assert token not in log
    assert "client-secret-value" not in log
    assert SIGNING_SECRET not in log
    assert KEY not in log
    # Nor the database: the installed token is stored encrypted.
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("oauth.db*"))
    assert stored and token.encode() not in stored
