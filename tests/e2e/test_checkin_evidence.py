"""A measurement that differs from a person's value, confirmed or overridden in the weekly
check-in, end to end (issue 15, item 4): deploy events received through the hook's use
case measure 7 min where Alice said 25; her scheduled check-in asks about it first;
*Use the measurement* moves the board (source ``check-in``) and the level follows; *Keep
my answer* keeps 25, the board says so beside the measurement, and next week's check-in
does not ask again. Signed requests through the real Bolt app, the Slack stand-in.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot.slack.ids import ActionId
from bot.usecases.evidence import receive
from conversations.board import Source
from conversations.evidence import Kind
from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import session_scope
from storage.evidence import HookOwner
from storage.models import CriterionEvent, CriterionStatus, EvidenceMeasurement, Team
from storage.types import set_clock, utcnow

from .test_board import validated, words
from .test_checkins import (
    ALICE,
    ALICE_DUE,
    BOB,
    CHANNEL,
    checkin_messages,
    checkins,
    make_team,
    people,
    scheduled,
    sweep,
)

DEPLOY = "cd.deploy_under_10min"
MET_BEFORE = (
    "scripted.ops_80pct",
    "scripted.newcomers_use_scripts",
    "scripted.in_version_control",
    "iac.all_infra_as_code",
    "iac.env_from_scratch_1h",
    "iac.no_manual_changes",
    "cd.automated_rollback",
    "cd.all_services_pipelines",
)
ASKED = "Measured: median 7 min over 3 successful deploys, last 14 days"


def level2_with_25_min(engine, team_id: int) -> None:
    """Steps 1 and 2 met, step 3 but for Alice's own 25 min deploys: level 2."""
    with session_scope(engine) as s:
        team = s.exec(select(Team).where(Team.id == team_id)).one()
        for cid in MET_BEFORE:
            value = 90.0 if cid == "scripted.ops_80pct" else 30.0 if "1h" in cid else None
            record_criterion(
                session=s,
                workspace_id=team.workspace_id,
                team_id=team_id,
                criterion_id=cid,
                status=Status.MET,
                value=value,
                user_id=ALICE,
                source=Source.BOARD,
            )
        record_criterion(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team_id,
            criterion_id=DEPLOY,
            status=Status.NOT_MET,
            value=25.0,
            user_id=ALICE,
            source=Source.BOARD,
        )
        team.level = 2
        s.add(team)


def deploys_of(engine, team_id: int, minutes: float, first: int = 1, count: int = 3) -> None:
    """Deploy events through the hook's own use case (what ``POST /hooks/deploys`` calls)."""
    with session_scope(engine) as s:
        ws = s.exec(select(Team).where(Team.id == team_id)).one().workspace_id
    for n in range(first, first + count):
        finished = utcnow() - timedelta(hours=1)
        body = {
            "id": f"run-{n}",
            "service": "payments-api",
            "environment": "production",
            "status": "success",
            "started_at": (finished - timedelta(minutes=minutes)).isoformat(),
            "finished_at": finished.isoformat(),
        }
        answer = receive(
            engine,
            HookOwner(ws, team_id, ""),
            Kind.DEPLOY,
            json.dumps(body).encode(),
            window_days=14,
        )
        assert answer.status == 202


def board_row(engine, team_id: int, cid: str = DEPLOY) -> CriterionStatus:
    with session_scope(engine) as s:
        return s.exec(
            select(CriterionStatus).where(
                CriterionStatus.team_id == team_id, CriterionStatus.criterion_id == cid
            )
        ).one()


def measured_buttons(message: dict) -> list[tuple[str, str]]:
    return [
        (b["block_id"], e["value"])
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b.get("elements") or []
        if str(e.get("action_id", "")).startswith(f"{ActionId.CHECKIN_MEASURED}:")
    ]


def asked_setup(harness) -> tuple[int, dict]:
    people(harness.standin)
    team_id = make_team(harness.engine, owners=(ALICE,))
    level2_with_25_min(harness.engine, team_id)
    scheduled(harness)
    set_clock(ALICE_DUE - timedelta(hours=1))
    deploys_of(harness.engine, team_id, minutes=7)
    row = board_row(harness.engine, team_id)  # never silently overridden
    assert (row.status, row.value, row.source) == (Status.NOT_MET, 25.0, Source.BOARD)
    assert [r.outcome for r in sweep(harness, ALICE_DUE)] == ["sent"]
    [dm] = checkin_messages(harness.standin, ALICE)
    validated(dm["blocks"])
    return team_id, dm


def test_the_checkin_asks_first_and_use_the_measurement_moves_the_board(harness) -> None:
    team_id, dm = asked_setup(harness)
    shown = words(dm)
    assert f"{ASKED} — deploy webhook. You said 25 min." in shown
    assert measured_buttons(dm) == [(DEPLOY, "use"), (DEPLOY, "keep")]
    [row] = checkins(harness.engine)
    assert row.questions[0] == DEPLOY and 2 <= len(row.questions) <= 5
    dm_channel = harness.standin.dm_channel_id(ALICE)

    # Someone else (an owner's teammate who got the message forwarded) can't answer it.
    harness.standin.add_user(BOB, name="bob", tz="America/New_York")
    bob = harness.user(BOB, channel_id=dm_channel)
    assert bob.click(DEPLOY, "use", channel=dm_channel).status == 200
    assert "sent to someone else" in harness.standin.ephemerals()[-1]["text"]
    assert board_row(harness.engine, team_id).value == 25.0

    alice = harness.user(ALICE, channel_id=dm_channel)
    set_clock(ALICE_DUE + timedelta(minutes=5))
    assert alice.click(DEPLOY, "use").status == 200
    row_now = board_row(harness.engine, team_id)
    assert (row_now.status, row_now.value, row_now.source, row_now.updated_by) == (
        Status.MET,
        7.0,
        Source.WEEKLY,
        ALICE,
    )
    with session_scope(harness.engine) as s:
        change = s.exec(
            select(CriterionEvent)
            .where(CriterionEvent.team_id == team_id, CriterionEvent.criterion_id == DEPLOY)
            .order_by(CriterionEvent.id.desc())  # type: ignore[union-attr]
        ).first()
        level = s.exec(select(Team).where(Team.id == team_id)).one().level
    assert change is not None and change.source == Source.WEEKLY
    assert "Took the measurement: median 7 min" in change.note
    assert level == 3  # the level follows
    [dm] = checkin_messages(harness.standin, ALICE)  # re-rendered in place
    assert "Used the measurement" in words(dm) and measured_buttons(dm) == []
    assert checkins(harness.engine)[0].measured == {DEPLOY: "used"}


def test_keep_my_answer_stands_is_shown_on_the_board_and_is_not_asked_again(harness) -> None:
    team_id, _dm = asked_setup(harness)
    dm_channel = harness.standin.dm_channel_id(ALICE)
    alice = harness.user(ALICE, channel_id=dm_channel)
    set_clock(ALICE_DUE + timedelta(minutes=5))
    assert alice.click(DEPLOY, "keep").status == 200
    row = board_row(harness.engine, team_id)
    assert (row.status, row.value, row.source) == (Status.NOT_MET, 25.0, Source.BOARD)
    with session_scope(harness.engine) as s:
        kept = s.exec(
            select(EvidenceMeasurement).where(
                EvidenceMeasurement.team_id == team_id, EvidenceMeasurement.criterion_id == DEPLOY
            )
        ).one()
        level = s.exec(select(Team).where(Team.id == team_id)).one().level
    assert (kept.kept_by, kept.kept_status, kept.kept_value) == (ALICE, "met", 7.0)
    assert level == 2
    [dm] = checkin_messages(harness.standin, ALICE)
    assert "Kept your answer" in words(dm) and measured_buttons(dm) == []
    # A second click on the old buttons (a client that did not refresh) changes nothing.
    stale = next(b for b in _dm["blocks"] if b.get("block_id") == DEPLOY)
    assert alice.click_button(_dm, {**stale["elements"][0], "block_id": DEPLOY}).status == 200
    assert "answered that one already" in harness.standin.ephemerals()[-1]["text"]
    assert board_row(harness.engine, team_id).value == 25.0

    board = harness.user(ALICE).command("board")
    assert board.status == 200
    shown = json.dumps(harness.standin.ephemerals()[-1]) + json.dumps(
        harness.standin.messages(CHANNEL)
    )
    assert f"kept by <@{ALICE}> over the measurement" in shown

    # Next week: the same measurement is not asked again.
    sweep(harness, ALICE_DUE + timedelta(days=7))
    dms = checkin_messages(harness.standin, ALICE)
    assert len(dms) == 2
    assert ASKED not in words(dms[-1]) and measured_buttons(dms[-1]) == []

    # A new measurement (slower deploys: the median moves) is asked again the week after.
    set_clock(ALICE_DUE + timedelta(days=13))
    deploys_of(harness.engine, team_id, minutes=8, first=10, count=4)
    sweep(harness, ALICE_DUE + timedelta(days=14))
    dms = checkin_messages(harness.standin, ALICE)
    assert len(dms) == 3 and measured_buttons(dms[-1]) == [(DEPLOY, "use"), (DEPLOY, "keep")]
