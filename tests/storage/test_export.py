"""Export readers: every row once, oldest first, a chunk at a time — even when many rows
share a timestamp across chunk borders — and only the workspace's own rows; credentials
never leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Integer, MetaData, String, Table

from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import read_scope, session_scope
from storage.export import (
    assessments,
    changes,
    export_teams,
    exported_columns,
    nudges,
    table_rows,
    workspace_row,
    workspace_tables,
)
from storage.models import Assessment, AssessmentStatus, Team
from storage.nudges import record_nudge
from storage.workspaces import get_or_create_named_team, get_or_create_workspace

T0 = datetime(2025, 6, 2, 9, tzinfo=UTC)


def _team(engine, slack_team_id: str = "T1", name: str = "Core") -> tuple[int, int]:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=slack_team_id)
        team = get_or_create_named_team(session=s, workspace_id=ws.id, name=name, channel_id=None)
        return ws.id, team.id


def _changes(engine, ws: int, team: int, count: int) -> None:
    with session_scope(engine) as s:
        for i in range(count):
            record_criterion(
                session=s,
                workspace_id=ws,
                team_id=team,
                criterion_id="cd.deploy_under_10min",
                status=Status.MET if i % 2 else Status.NOT_MET,
                value=float(i),
                source="board",
                at=T0 + timedelta(seconds=i // 4),  # four changes share each second
            )


def test_history_pages_through_ties_without_losing_or_repeating_a_row(engine) -> None:
    ws, team = _team(engine)
    other_ws, other_team = _team(engine, "T2")
    _changes(engine, ws, team, 23)
    _changes(engine, other_ws, other_team, 5)
    with read_scope(engine) as s:
        for chunk in (1, 3, 4, 5, 1000):
            read = list(changes(session=s, workspace_id=ws, team_id=team, chunk=chunk))
            assert [r.value for r in read] == [float(i) for i in range(23)], chunk
        assert list(changes(session=s, workspace_id=other_ws, team_id=team)) == []


def test_checkins_and_nudges_come_oldest_first(engine) -> None:
    ws, team = _team(engine)
    with session_scope(engine) as s:
        for days in (3, 1, 2):
            s.add(
                Assessment(
                    workspace_id=ws,
                    team_id=team,
                    user_id=f"U{days}",
                    status=AssessmentStatus.COMPLETED,
                    answers={"q": str(days)},
                    started_at=T0 + timedelta(days=days),
                )
            )
        for rule, days in (("skip_level", 2), ("over_automation", 1)):
            record_nudge(
                session=s,
                workspace_id=ws,
                team_id=team,
                rule_id=rule,
                source="x",
                at=T0 + timedelta(days=days),
            )
    with read_scope(engine) as s:
        checkins = list(assessments(session=s, workspace_id=ws, team_id=team, chunk=2))
        shown = list(nudges(session=s, workspace_id=ws, team_id=team, chunk=1))
    assert [(a.user_id, a.answers) for a in checkins] == [
        ("U1", {"q": "1"}),
        ("U2", {"q": "2"}),
        ("U3", {"q": "3"}),
    ]
    assert [n.rule_id for n in shown] == ["over_automation", "skip_level"]


def test_teams_are_the_workspaces_own_a_to_z(engine) -> None:
    ws, _ = _team(engine, name="beta")
    _team(engine, name="Alpha")
    _team(engine, "T2", name="Aardvark")
    with read_scope(engine) as s:
        assert [t.name for t in export_teams(session=s, workspace_id=ws)] == ["Alpha", "beta"]


def test_a_workspace_dump_holds_only_its_rows_and_no_credentials(engine) -> None:
    ws, team = _team(engine)
    other_ws, _ = _team(engine, "T2")
    _changes(engine, ws, team, 7)
    names = [t.name for t in workspace_tables()]
    assert names.index("teams") < names.index("criterion_events")  # parents first
    assert "workspaces" not in names and "claims" not in names
    with read_scope(engine) as s:
        rows = list(
            table_rows(session=s, table=Team.__table__, workspace_id=ws, chunk=1)  # type: ignore[attr-defined]
        )
        events = [
            r
            for t in workspace_tables()
            if t.name == "criterion_events"
            for r in table_rows(session=s, table=t, workspace_id=ws, chunk=2)
        ]
        head = workspace_row(session=s, workspace_id=ws)
    assert [r["name"] for r in rows] == ["Core"]
    assert len(events) == 7 and {e["workspace_id"] for e in events} == {ws}
    assert head is not None and head["slack_team_id"] == "T1" and other_ws != ws

    secret = Table(
        "x",
        MetaData(),
        Column("id", Integer),
        Column("hook_token_hash", String),
        Column("client_secret", String),
        Column("name", String),
    )
    assert [c.name for c in exported_columns(secret)] == ["id", "name"]
