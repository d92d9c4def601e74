"""Tenants apart, proven: workspace B sends correctly signed requests naming workspace A's
team ids, check-in ids, operation ids, import keys, channels and message timestamps — in
action ids and values, modal metadata and command text, over every listener — and not one
row of A is read into an answer or changed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.local.payloads import Actor, block_action, message_shortcut, sign, view_submission
from bot.local.standin.driver import in_process
from bot.slack.ids import ActionId, CallbackId
from bot.slack.metadata import (
    CriterionMeta,
    FormMeta,
    PasteMeta,
    PreviewMeta,
    RemindMeta,
    SettleMeta,
)
from conversations.assessment import team_at_level
from storage.models import (
    Assessment,
    Claim,
    CriterionEvent,
    CriterionStatus,
    LevelChange,
    NudgeRecord,
    RunbookImport,
    RunbookOperation,
    Schedule,
    ScheduleKind,
    Team,
    Workspace,
)
from storage.types import utcnow

from .test_assessment import run_checkin

SECRET_TEAM = "Alpha Secret Team"
SECRET_OP = "Alpha secret operation"
TABLES = (
    Workspace,
    Team,
    Assessment,
    CriterionStatus,
    CriterionEvent,
    LevelChange,
    NudgeRecord,
    Schedule,
    RunbookOperation,
    RunbookImport,
)


def _snapshot(engine, workspace_id: int) -> dict[str, list[tuple]]:
    """Every row workspace A owns, as plain tuples (claims through A's schedules)."""
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for model in TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            key = table.c.id if model is Workspace else table.c.workspace_id
            out[table.name] = sorted(
                tuple(r) for r in conn.execute(select(table).where(key == workspace_id))
            )
        schedules = select(Schedule.__table__.c.id).where(  # type: ignore[attr-defined]
            Schedule.__table__.c.workspace_id == workspace_id  # type: ignore[attr-defined]
        )
        claims = Claim.__table__  # type: ignore[attr-defined]
        out["claims"] = sorted(
            tuple(r)
            for r in conn.execute(select(claims).where(claims.c.schedule_id.in_(schedules)))
        )
    return out


def _seed_workspace_a(harness) -> dict[str, Any]:
    alice = harness.user(user_id="U0ALICE", channel_id="C0ALPHA", channel_name="alpha")
    alice.command(f"assess {SECRET_TEAM}")
    run_checkin(alice, team_at_level(1, {"context.target_level": "4"}))
    alice.command(f'runbook add "{SECRET_OP}" weekly 30m {SECRET_TEAM}')
    alice.command(f"digest schedule monday 09:00 UTC teams {SECRET_TEAM}")
    alice.command(f"assess {SECRET_TEAM}")  # a second, open check-in
    # A's level change is announced in A's channel (a minute later), before B tries anything.
    harness.sender().send_due(now=utcnow() + timedelta(minutes=2), kind=ScheduleKind.LEVEL_CHANGE)
    with harness.engine.connect() as conn:
        ws = conn.execute(select(Workspace.__table__.c.id)).scalar_one()  # type: ignore[attr-defined]
        ids = {
            "team": conn.execute(select(Team.__table__.c.id)).scalar_one(),  # type: ignore[attr-defined]
            "assessments": [r[0] for r in conn.execute(select(Assessment.__table__.c.id))],  # type: ignore[attr-defined]
            "operations": [r[0] for r in conn.execute(select(RunbookOperation.__table__.c.id))],  # type: ignore[attr-defined]
            "nudges": [r[0] for r in conn.execute(select(NudgeRecord.__table__.c.id))],  # type: ignore[attr-defined]
            "schedules": [r[0] for r in conn.execute(select(Schedule.__table__.c.id))],  # type: ignore[attr-defined]
        }
    dm = [m for m in harness.standin.messages(alice.dm) if m.get("blocks")]
    return {"ws": ws, "ids": ids, "dm_ts": [m["ts"] for m in dm], "dm": alice.dm}


def test_workspace_b_cannot_read_or_change_workspace_a(harness) -> None:
    a = _seed_workspace_a(harness)
    before = _snapshot(harness.engine, a["ws"])
    harness.standin.clear()
    ids = a["ids"]
    record_ids = sorted({ids["team"], *ids["assessments"], *ids["operations"], *ids["nudges"]})
    mallory = Actor(
        user_id="U0ALICE",  # the same user id, even: ids are only unique within a workspace
        user_name="mallory",
        team_id="T0BBBBBB",
        channel_id="C0ALPHA",  # A's channel id
        channel_name="alpha",
    )
    send = in_process(harness.app)

    def post(body: str, ctype: str) -> int:
        return send(body, {"Content-Type": ctype, **sign(body, harness.secret)}).status

    statuses: list[int] = []
    # Every button, pointed at each of A's records, in a message of A's DM.
    for kind in ActionId:
        for record in record_ids:
            for value in ("yes", str(record), ",".join(map(str, record_ids)), "scope_all"):
                body, ctype = block_action(
                    mallory,
                    action={
                        "action_id": f"{kind.value}:{record}:{record}",
                        "block_id": "scripted.ops_80pct",
                        "value": value,
                        "selected_option": {"value": "monday"},
                    },
                    response_url=harness.standin.response_url(),
                    channel_id=a["dm"],
                    message={"ts": a["dm_ts"][-1], "text": "", "blocks": []},
                )
                statuses.append(post(body, ctype))
    # Every modal, with metadata naming A's records.
    metas = [
        FormMeta(team=ids["team"], operation=ids["operations"][0], channel="C0ALPHA"),
        PasteMeta(team=ids["team"], team_name=SECRET_TEAM, channel="C0ALPHA"),
        PreviewMeta(key="anything", channel="C0ALPHA"),
        RemindMeta(operations=ids["operations"], channel="C0ALPHA"),
        SettleMeta(operation=ids["operations"][0], channel=a["dm"], message_ts=a["dm_ts"][-1]),
        CriterionMeta(team=ids["team"], criterion="scripted.ops_80pct", channel="C0ALPHA"),
    ]
    for callback in CallbackId:
        for meta in metas:
            view = {
                "id": "V0MALLORY",
                "type": "modal",
                "callback_id": callback.value,
                "private_metadata": meta.encode(),
                "blocks": [],
            }
            values = {
                "runbook.title": {"value": {"type": "plain_text_input", "value": "pwned"}},
                "runbook.script_url": {"value": {"type": "plain_text_input", "value": "x"}},
                "runbook.reason": {"value": {"type": "plain_text_input", "value": "x"}},
                "runbook.date": {"value": {"type": "datepicker", "selected_date": "2030-01-01"}},
                "runbook.text": {"value": {"type": "plain_text_input", "value": "- step one"}},
                "criterion.status": {
                    "value": {"type": "radio_buttons", "selected_option": {"value": "not_met"}}
                },
                "criterion.note": {"value": {"type": "plain_text_input", "value": "pwned"}},
            }
            body, ctype = view_submission(mallory, view=view, values=values)
            statuses.append(post(body, ctype))
    # The message shortcut on one of A's messages.
    body, ctype = message_shortcut(
        mallory,
        callback_id=CallbackId.RUNBOOK_ADD_STEPS,
        message={"ts": a["dm_ts"][-1], "text": "- step one\n- step two"},
        response_url=harness.standin.response_url(),
        trigger_id=harness.standin.new_trigger_id("U0ALICE"),
    )
    statuses.append(post(body, ctype))
    # Commands naming A's team, channel and ids.
    b_user = harness.user(
        user_id="U0ALICE", channel_id="C0ALPHA", channel_name="alpha", team_id="T0BBBBBB"
    )
    for text in (
        f"board {SECRET_TEAM}",
        f"runbook {SECRET_TEAM}",
        f"assess {SECRET_TEAM}",
        "board",
        "digest preview",
        "digest off",
        f"digest schedule monday 10:00 UTC teams {SECRET_TEAM}",
        f'runbook add "x" weekly 5m {SECRET_TEAM}',
        f"set scripted.ops_80pct no {SECRET_TEAM}",
        f"history {SECRET_TEAM}",
        "history",
        "teams",
        f"team {SECRET_TEAM}",
        f"team owners <@U0MALLORY|mallory> {SECRET_TEAM}",
        f"team channel <#C0BETA|beta> {SECRET_TEAM}",
        "team rename pwned",
        f"team delete {SECRET_TEAM}",
        f"export {SECRET_TEAM} json",
        "export all csv",
        "workspace",
        "workspace export",
        "workspace delete",
    ):
        statuses.append(b_user.command(text).status)
    statuses.append(b_user.open_home().status)
    statuses.append(b_user.say("90").status)  # a typed answer, as if to A's check-in

    assert set(statuses) == {200}
    # A's scheduled digest still goes out for A, unaffected.
    harness.sender().send_due(now=datetime.now(UTC) + timedelta(days=8))
    after = _snapshot(harness.engine, a["ws"])
    for name in before:
        if name in ("schedules", "claims"):
            continue  # A's own digest was sent just now: its schedule moved, its claim exists
        assert after[name] == before[name], name
    # Nothing of A reached anyone in B.
    told_b = json.dumps(
        [c.params for c in harness.standin.calls if c.params.get("channel") != a["dm"]]
        + [p.body for p in harness.standin.response_url_posts()]
    )
    assert SECRET_OP not in told_b
    # A's level, board and result stay A's. (B's own team of that name, made by B's
    # `runbook add`, is at Level 0: its "next: Level 1" is B's.)
    assert not re.search(r"(?<!next: )Level 1", told_b)


def test_the_seed_is_real(harness) -> None:
    """The check above is only as good as A's data: there is some of everything."""
    a = _seed_workspace_a(harness)
    assert len(a["ids"]["assessments"]) == 2 and a["ids"]["operations"]
    assert a["ids"]["schedules"] and a["dm_ts"]
    assert all(_snapshot(harness.engine, a["ws"])[t.__tablename__] for t in (Team, Assessment))
