from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.scoring import Status
from storage.criteria import (
    answer_back,
    criteria_board,
    criterion_history,
    record_criteria,
    record_criterion,
    runbook_facts,
)
from storage.db import session_scope
from storage.runbook import add_operation, set_runbook_complete
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


def _record(engine, ws: int, team: int, source: str, status: Status, value: float, at) -> None:
    with session_scope(engine) as s:
        record_criterion(
            session=s,
            workspace_id=ws,
            team_id=team,
            criterion_id="scripted.ops_80pct",
            status=status,
            value=value,
            user_id="U1" if source == "assessment" else "U2",
            source=source,
            at=at,
        )


@pytest.mark.parametrize(
    ("earlier", "current", "echo", "back_to"),
    [
        # The runbook overwrote a person's answer: the answer comes back, as it was given.
        ("assessment", "runbook", False, ("met", 90.0, "assessment", "U1")),
        # A check-in recorded the runbook's figure again as its own (no change, no history):
        # still the runbook's, and the person's earlier answer comes back.
        ("assessment", "runbook", True, ("met", 90.0, "assessment", "U1")),
        # Nothing but the runbook ever said anything: "not answered yet" again.
        ("runbook", "runbook", False, None),
        # The near miss: a person's answer is current; nothing is touched.
        ("runbook", "assessment", False, ("partly", 65.0, "assessment", "U1")),
    ],
)
def test_a_criterion_the_runbook_set_goes_back_to_the_answer_a_person_gave(
    engine, earlier: str, current: str, echo: bool, back_to
) -> None:
    ws, team = _team(engine)
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    first = (Status.MET, 90.0) if earlier == "assessment" else (Status.NOT_MET, 0.0)
    _record(engine, ws, team, earlier, *first, t0)
    then = (Status.PARTLY, 65.0) if current == "assessment" else (Status.NOT_MET, 0.0)
    _record(engine, ws, team, current, *then, t0 + timedelta(days=1))
    if echo:
        with session_scope(engine) as s:
            record_criteria(
                session=s,
                workspace_id=ws,
                team_id=team,
                statuses=[("scripted.ops_80pct", Status.NOT_MET, 0.0)],
                user_id="U1",
                source="assessment",
            )
    with session_scope(engine) as s:
        before = len(criterion_history(session=s, workspace_id=ws, team_id=team))
        answer_back(
            session=s,
            workspace_id=ws,
            team_id=team,
            criterion_id="scripted.ops_80pct",
            source="runbook",
            user_id="U3",
            evidence="the runbook may not list every operation",
        )
    with session_scope(engine) as s:
        row = criteria_board(session=s, workspace_id=ws, team_id=team).get("scripted.ops_80pct")
        history = criterion_history(session=s, workspace_id=ws, team_id=team)
    if back_to is None:
        assert row is None
    else:
        assert (row.status, row.value, row.source, row.updated_by) == back_to
    touched = current == "runbook"
    assert len(history) == before + int(touched)
    if touched:
        assert (history[-1].user_id, history[-1].evidence) == (
            "U3",
            "the runbook may not list every operation",
        )
        # Said in the name of the answer that is back: asking again changes nothing more.
        with session_scope(engine) as s:
            answer_back(
                session=s,
                workspace_id=ws,
                team_id=team,
                criterion_id="scripted.ops_80pct",
                source="runbook",
            )
        with session_scope(engine) as s:
            assert len(criterion_history(session=s, workspace_id=ws, team_id=team)) == len(history)


@pytest.mark.parametrize(
    ("complete", "scripted", "total", "facts"),
    [
        (True, 3, 4, {"scripted.ops_80pct": 75.0}),  # said to list everything
        (False, 3, 4, {}),  # near miss: only some
        (None, 3, 4, {}),  # near miss: never asked
        (True, 0, 0, {}),  # an empty runbook says nothing
    ],
)
def test_a_checkin_takes_the_runbooks_share_as_known_only_when_it_lists_everything(
    engine, complete: bool | None, scripted: int, total: int, facts: dict
) -> None:
    ws, team = _team(engine)
    with session_scope(engine) as s:
        for i in range(total):
            add_operation(
                session=s,
                workspace_id=ws,
                team_id=team,
                title=f"Job {i}",
                frequency="weekly",
                minutes=10,
                scripted=i < scripted,
            )
        set_runbook_complete(session=s, workspace_id=ws, team_id=team, complete=complete)
    with session_scope(engine) as s:
        assert runbook_facts(session=s, workspace_id=ws, team_id=team) == facts
