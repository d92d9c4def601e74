"""The level follows the board in the unit of work that moved it: set, written down, and
its announcement made due — once per team, however many changes come within the minute —
and two changes to one team at the same moment are both counted."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from bot.usecases import levels
from conversations.scoring import Status
from storage.criteria import level_changes, record_criterion
from storage.db import make_engine, session_scope
from storage.models import Schedule, Team
from storage.workspaces import get_or_create_named_team, get_or_create_workspace

STEP_1 = ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control")


def _team(engine: Engine, channel: str | None = "C0CORE") -> tuple[int, int]:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T1")
        team = get_or_create_named_team(
            session=s, workspace_id=ws.id, name="Core", channel_id=channel, user_id="U1"
        )
        return ws.id, team.id


def _move(engine: Engine, ws: int, team_id: int, cid: str, status: Status) -> None:
    with session_scope(engine) as s:
        record_criterion(
            session=s,
            workspace_id=ws,
            team_id=team_id,
            criterion_id=cid,
            status=status,
            user_id="U1",
            source="board",
        )
        team = s.get(Team, team_id)
        assert team is not None
        levels.follow(s, ws, team, user_id="U1", source="board", criterion_id=cid)


def test_the_level_follows_every_change_and_one_announcement_is_due(engine) -> None:
    ws, team_id = _team(engine)
    for cid in STEP_1:
        _move(engine, ws, team_id, cid, Status.MET)
    _move(engine, ws, team_id, "iac.all_infra_as_code", Status.BLOCKED)  # no level change
    with session_scope(engine) as s:
        team = s.get(Team, team_id)
        schedules = s.exec(select(Schedule).where(Schedule.kind == levels.KIND)).all()
        moves = level_changes(session=s, workspace_id=ws, team_id=team_id)
    assert team is not None and team.level == 1
    assert [(m.from_level, m.to_level, m.criterion_id) for m in moves] == [
        (None, 0, "scripted.ops_80pct"),
        (0, 1, "scripted.in_version_control"),
    ]
    [schedule] = schedules
    assert schedule.payload == {"team_id": team_id} and schedule.channel_id == "C0CORE"
    assert schedule.next_due_at - moves[1].created_at == levels.BATCH
    _move(engine, ws, team_id, "scripted.in_version_control", Status.BLOCKED)  # down again
    with session_scope(engine) as s:
        assert len(s.exec(select(Schedule).where(Schedule.kind == levels.KIND)).all()) == 1
        assert s.get(Team, team_id).level == 0


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url)
    SQLModel.metadata.create_all(eng)
    try:
        yield eng
    finally:
        eng.dispose()


def test_two_changes_to_one_team_at_once_are_both_counted(pg_engine: Engine) -> None:
    """Each of two people meets the last-but-one and the last criterion of a step at the
    same moment: whoever decides second sees the first one's change (the team's row is
    locked), so the team reaches the level — never both reading a stale board."""
    ws, team_id = _team(pg_engine)
    _move(pg_engine, ws, team_id, STEP_1[0], Status.MET)
    both_written = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def change(cid: str) -> None:
        try:
            with session_scope(pg_engine) as s:
                record_criterion(
                    session=s,
                    workspace_id=ws,
                    team_id=team_id,
                    criterion_id=cid,
                    status=Status.MET,
                    user_id="U1",
                    source="board",
                )
                s.flush()
                both_written.wait()  # both changes written, neither committed
                team = s.get(Team, team_id)
                assert team is not None
                levels.follow(s, ws, team, user_id="U1", source="board", criterion_id=cid)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=change, args=(cid,)) for cid in STEP_1[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    with session_scope(pg_engine) as s:
        assert s.get(Team, team_id).level == 1
        assert [m.to_level for m in level_changes(session=s, workspace_id=ws, team_id=team_id)] == [
            0,
            1,
        ]
