"""A check-in survives kill -9 of the real `serve --http` process mid-conversation."""

from __future__ import annotations

from pathlib import Path

from bot.local.payloads import Actor
from bot.local.standin.driver import SlackUser, over_http
from conversations.assessment import team_at_level
from conversations.model import question

from .conftest import BOT_TOKEN, SIGNING_SECRET, kill_hard, start_serve, stop_serve  # noqa: F401


def _posted_question(standin, qid: str, count: int = 1) -> None:
    standin.wait_for(
        lambda c: (
            c.method == "chat.postMessage"
            and any(b.get("block_id") == qid for b in c.params.get("blocks") or [])
        ),
        timeout=15,
        count=count,
    )


def _channel_team(db_url: str, slack_team_id: str) -> None:
    from storage.db import make_engine, session_scope
    from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

    engine = make_engine(db_url)
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=slack_team_id)
        get_or_create_channel_team(
            session=s, workspace_id=ws.id or 0, channel_id="C0PLATFORM", channel_name="platform"
        )
    engine.dispose()


def test_checkin_continues_at_the_next_question_after_kill_9(tmp_path: Path, standin) -> None:
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    actor = Actor(
        user_id="U0ALICE", team_id=standin.team_id, channel_id="C0PLATFORM", channel_name="platform"
    )
    first = start_serve(tmp_path, standin, db_url=db_url)
    try:
        _channel_team(db_url, standin.team_id)  # #platform is its team's (asked otherwise)
        alice = SlackUser(standin, over_http(first.base_url), SIGNING_SECRET, actor)
        assert alice.command("assess").status == 200
        _posted_question(standin, "scripted.ops_80pct")
        alice.click("scripted.ops_80pct", "90")
        _posted_question(standin, "scripted.newcomers_use_scripts")
        alice.click("scripted.newcomers_use_scripts", "yes")
        _posted_question(standin, "scripted.in_version_control")
    finally:
        kill_hard(first)

    second = start_serve(tmp_path, standin, db_url=db_url)
    try:
        alice = SlackUser(standin, over_http(second.base_url), SIGNING_SECRET, actor)
        # The question posted before the crash is still in the DM; its button still works.
        assert alice.current_question() == "scripted.in_version_control"
        alice.click("scripted.in_version_control", "yes")
        _posted_question(standin, "iac.all_infra_as_code")
        policy = team_at_level(1)
        for _ in range(20):
            qid = alice.current_question()
            if qid is None:
                break
            value = policy(question(qid))
            before = len(standin.calls_to("chat.postMessage"))
            if any(o.value == value for o in question(qid).options):
                alice.click(qid, value)
            else:
                alice.say(value)
            standin.wait_for("chat.postMessage", timeout=15, count=before + 1)
        headers = [
            b["text"]["text"]
            for m in alice.dm_messages()
            for b in m.get("blocks") or []
            if b.get("type") == "header"
        ]
        assert headers == ["Level 1 — Scripted"]
        # Each question was posted exactly once, across both processes.
        posted = [
            b["block_id"]
            for c in standin.calls_to("chat.postMessage")
            for b in c.params.get("blocks") or []
            if b.get("type") == "actions"
            and "." in b.get("block_id", "")
            and not b["block_id"].startswith("assess.")
        ]
        assert len(posted) == len(set(posted))
    finally:
        stop_serve(second)
