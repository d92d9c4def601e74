from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.scoring import Status
from storage.criteria import criteria_board, criterion_history, record_criterion
from storage.db import session_scope
from storage.workspaces import get_or_create_named_team, get_or_create_workspace


def _team(engine, slack_team_id: str = "T1") -> tuple[int, int]:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=slack_team_id)
        team = get_or_create_named_team(session=s, workspace_id=ws.id, name="Core", channel_id=None)
        return ws.id, team.id


def test_board_keeps_current_status_and_history_keeps_every_change(engine) -> None:
    ws, team = _team(engine)
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        record_criterion(
            session=s,
            workspace_id=ws,
            team_id=team,
            criterion_id="scripted.ops_80pct",
            status=Status.NOT_MET,
            value=40,
            user_id="U1",
            source="assessment",
            at=t0,
        )
    with session_scope(engine) as s:
        record_criterion(
            session=s,
            workspace_id=ws,
            team_id=team,
            criterion_id="scripted.ops_80pct",
            status=Status.MET,
            value=85,
            user_id="U2",
            source="runbook",
            evidence="17 of 20 operations scripted",
            at=t0 + timedelta(days=7),
        )
    with session_scope(engine) as s:
        board = criteria_board(session=s, workspace_id=ws, team_id=team)
        history = criterion_history(session=s, workspace_id=ws, team_id=team)
    row = board["scripted.ops_80pct"]
    assert (row.status, row.value, row.updated_by, row.source) == ("met", 85, "U2", "runbook")
    assert row.updated_at == t0 + timedelta(days=7)
    assert row.updated_at.tzinfo is not None
    assert [(h.status, h.value, h.user_id) for h in history] == [
        ("not_met", 40, "U1"),
        ("met", 85, "U2"),
    ]
    assert history[1].evidence == "17 of 20 operations scripted"


def test_repeating_the_same_status_adds_no_history(engine) -> None:
    ws, team = _team(engine)
    for _ in range(3):
        with session_scope(engine) as s:
            record_criterion(
                session=s,
                workspace_id=ws,
                team_id=team,
                criterion_id="cd.automated_rollback",
                status=Status.MET,
                source="checkin",
            )
    with session_scope(engine) as s:
        assert len(criterion_history(session=s, workspace_id=ws, team_id=team)) == 1


def test_board_is_scoped_to_its_workspace(engine) -> None:
    ws_a, team_a = _team(engine, "TA")
    ws_b, _ = _team(engine, "TB")
    with session_scope(engine) as s:
        record_criterion(
            session=s,
            workspace_id=ws_a,
            team_id=team_a,
            criterion_id="iac.no_manual_changes",
            status=Status.MET,
            source="assessment",
        )
    with session_scope(engine) as s:
        assert criteria_board(session=s, workspace_id=ws_b, team_id=team_a) == {}
        assert criterion_history(session=s, workspace_id=ws_b, team_id=team_a) == []
