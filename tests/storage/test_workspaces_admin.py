"""Teams as people manage them, in storage: paging, last changes, owners, renaming (digests
follow), moving to a channel, deleting a team (and only it), purging a workspace (and only
it) — on SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import read_scope, session_scope
from storage.models import Assessment, AssessmentStatus, Claim, Schedule, ScheduleKind, Team
from storage.nudges import record_nudge
from storage.runbook import add_operation
from storage.schedules import claim, create_schedule
from storage.workspaces import (
    ChannelTaken,
    TeamNameTaken,
    count_teams,
    delete_team,
    find_channel_team,
    get_or_create_channel_team,
    get_or_create_named_team,
    get_or_create_workspace,
    get_team,
    last_changes,
    move_team,
    purge_workspace,
    rename_team,
    set_owners,
    team_row_counts,
    teams_page,
    workspace_row_counts,
)

T0 = datetime(2025, 6, 2, 9, tzinfo=UTC)


def _ws(engine, slack_team_id: str = "T1") -> int:
    with session_scope(engine) as s:
        return get_or_create_workspace(session=s, slack_team_id=slack_team_id).id


def _named(engine, ws: int, name: str, channel_id: str | None = None) -> int:
    with session_scope(engine) as s:
        return get_or_create_named_team(
            session=s, workspace_id=ws, name=name, channel_id=channel_id, user_id="U0MAKER"
        ).id


def _finished(ws: int, team: int) -> Assessment:
    return Assessment(
        workspace_id=ws,
        team_id=team,
        user_id="U1",
        status=AssessmentStatus.COMPLETED,
        completed_at=T0,
    )


def _fill(engine, ws: int, team: int) -> None:
    """A check-in, a criterion change, a nudge, a runbook operation with a reminder (and its
    claim): something in every table keyed by a team."""
    with session_scope(engine) as s:
        s.add(_finished(ws, team))
        record_criterion(
            session=s,
            workspace_id=ws,
            team_id=team,
            criterion_id="scripted.in_version_control",
            status=Status.MET,
            source="board",
            at=T0 + timedelta(days=1),
        )
        record_nudge(session=s, workspace_id=ws, team_id=team, rule_id="skip_level", source="x")
        op = add_operation(
            session=s, workspace_id=ws, team_id=team, title="Rotate", frequency="weekly", minutes=5
        )
        reminder = create_schedule(
            session=s,
            workspace_id=ws,
            kind=ScheduleKind.REMINDER,
            next_due_at=T0,
            user_id="U1",
            payload={"operation_id": op.id, "team_id": team},
        )
        claim(session=s, schedule_id=reminder.id, period="p", owner="test", now=T0)


def _count(engine, model, **where) -> int:
    with read_scope(engine) as s:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return s.execute(stmt).scalar_one()


def test_teams_come_a_page_at_a_time_a_to_z(engine) -> None:
    ws = _ws(engine)
    for name in ("beta", "Alpha", "gamma", "Delta"):
        _named(engine, ws, name)
    _named(engine, _ws(engine, "T2"), "Aardvark")  # another workspace's
    with read_scope(engine) as s:
        assert count_teams(session=s, workspace_id=ws) == 4
        first = teams_page(session=s, workspace_id=ws, offset=0, limit=3)
        rest = teams_page(session=s, workspace_id=ws, offset=3, limit=3)
    assert [t.name for t in first] == ["Alpha", "beta", "Delta"]
    assert [t.name for t in rest] == ["gamma"]


def test_last_change_is_the_newest_change_or_finished_checkin(engine) -> None:
    ws = _ws(engine)
    busy, quiet, checked = (_named(engine, ws, n) for n in ("busy", "quiet", "checked"))
    with session_scope(engine) as s:
        for days in (1, 5, 3):
            record_criterion(
                session=s,
                workspace_id=ws,
                team_id=busy,
                criterion_id="cd.deploy_under_10min",
                status=Status.MET if days % 2 else Status.NOT_MET,
                value=float(days),
                source="board",
                at=T0 + timedelta(days=days),
            )
        s.add(_finished(ws, checked))
    with read_scope(engine) as s:
        changes = last_changes(session=s, workspace_id=ws, team_ids=[busy, quiet, checked])
        other = last_changes(session=s, workspace_id=_ws(engine, "T2"), team_ids=[busy])
    assert changes == {busy: T0 + timedelta(days=5), checked: T0}
    assert other == {}


def test_owners_are_kept_in_order_once_each(engine) -> None:
    ws, other = _ws(engine), _ws(engine, "T2")
    team = _named(engine, ws, "Core")
    with session_scope(engine) as s:
        set_owners(session=s, workspace_id=ws, team_id=team, owners=["U2", "U1", "U2"])
    with session_scope(engine) as s:
        assert get_team(session=s, workspace_id=ws, team_id=team).owners == ["U2", "U1"]
        assert set_owners(session=s, workspace_id=other, team_id=team, owners=[]) is None


def test_rename_keeps_names_unique_and_digests_follow(engine) -> None:
    ws = _ws(engine)
    core = _named(engine, ws, "Core")
    _named(engine, ws, "Search")
    with session_scope(engine) as s:
        digest = create_schedule(
            session=s,
            workspace_id=ws,
            kind=ScheduleKind.DIGEST,
            next_due_at=T0,
            payload={"teams": ["core", "Search"]},
        )
        digest_id = digest.id
    with session_scope(engine) as s, pytest.raises(TeamNameTaken) as taken:
        rename_team(session=s, workspace_id=ws, team_id=core, name="  search ")
    assert taken.value.name == "Search"
    with session_scope(engine) as s:
        renamed = rename_team(session=s, workspace_id=ws, team_id=core, name='"Core  Platform"')
        assert renamed.name == "Core Platform" and renamed.name_key == "core platform"
    with read_scope(engine) as s:
        assert s.get(Schedule, digest_id).payload["teams"] == ["Core Platform", "Search"]


def test_moving_a_team_makes_it_the_channels_own(engine) -> None:
    ws = _ws(engine)
    named = _named(engine, ws, "Payments", channel_id="C0OLD")
    with session_scope(engine) as s:
        own = get_or_create_channel_team(
            session=s, workspace_id=ws, channel_id="C0TAKEN", channel_name="taken"
        ).id
    with session_scope(engine) as s, pytest.raises(ChannelTaken) as taken:
        move_team(session=s, workspace_id=ws, team_id=named, channel_id="C0TAKEN")
    assert taken.value.name == "taken"
    with session_scope(engine) as s:
        move_team(session=s, workspace_id=ws, team_id=named, channel_id="C0NEW")
    with session_scope(engine) as s:
        assert find_channel_team(session=s, workspace_id=ws, channel_id="C0NEW").id == named
        # The channel's own team can move too; its old channel then has none.
        move_team(session=s, workspace_id=ws, team_id=own, channel_id="C0ELSE")
    with read_scope(engine) as s:
        assert find_channel_team(session=s, workspace_id=ws, channel_id="C0TAKEN") is None


def test_deleting_a_team_takes_everything_about_it_and_nothing_else(engine) -> None:
    ws, other_ws = _ws(engine), _ws(engine, "T2")
    doomed, kept = _named(engine, ws, "Doomed"), _named(engine, ws, "Kept")
    elsewhere = _named(engine, other_ws, "Doomed")
    for w, t in ((ws, doomed), (ws, kept), (other_ws, elsewhere)):
        _fill(engine, w, t)
    with read_scope(engine) as s:
        before = team_row_counts(session=s, workspace_id=ws, team_id=doomed)
    assert before["assessments"] == before["criterion_events"] == before["nudges"] == 1
    with session_scope(engine) as s:  # another workspace cannot delete it by id
        assert delete_team(session=s, workspace_id=other_ws, team_id=doomed) is None
    with session_scope(engine) as s:
        deleted = delete_team(session=s, workspace_id=ws, team_id=doomed)
    assert deleted["teams"] == 1 and deleted["schedules"] == 1 and deleted["claims"] == 1
    for table in SQLModel.metadata.sorted_tables:
        if "team_id" in table.c and table.name not in ("slack_bots", "slack_installations"):
            with read_scope(engine) as s:
                left = s.execute(
                    select(func.count()).select_from(table).where(table.c.team_id == doomed)
                ).scalar_one()
            assert left == 0, table.name
    assert _count(engine, Team, id=kept) == 1 and _count(engine, Team, id=elsewhere) == 1
    assert _count(engine, Assessment, team_id=kept) == 1
    assert _count(engine, Schedule) == 2 and _count(engine, Claim) == 2


def test_purging_a_workspace_empties_every_table_keyed_by_it_and_no_other(engine) -> None:
    ws, other_ws = _ws(engine), _ws(engine, "T2")
    for w in (ws, other_ws):
        _fill(engine, w, _named(engine, w, "Core"))
    with read_scope(engine) as s:
        counts = workspace_row_counts(session=s, workspace_id=ws)
    assert counts["teams"] == 1 and counts["runbook_operations"] == 1
    with session_scope(engine) as s:
        deleted = purge_workspace(session=s, workspace_id=ws)
    assert deleted["workspaces"] == 1 and deleted["claims"] == 1
    for table in SQLModel.metadata.sorted_tables:
        if "workspace_id" not in table.c:
            continue
        with read_scope(engine) as s:
            mine, theirs = (
                s.execute(
                    select(func.count()).select_from(table).where(table.c.workspace_id == w)
                ).scalar_one()
                for w in (ws, other_ws)
            )
        assert mine == 0, table.name
        if counts.get(table.name):
            assert theirs > 0, table.name
    assert _count(engine, Claim) == 1
