from __future__ import annotations

from datetime import timedelta

from storage.assessments import (
    expire_idle_assessments,
    get_assessment,
    open_assessment,
    start_assessment,
    update_assessment,
)
from storage.db import session_scope
from storage.models import AssessmentStatus
from storage.types import utcnow
from storage.workspaces import get_or_create_named_team, get_or_create_workspace


def _started(engine) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T1")
        team = get_or_create_named_team(session=s, workspace_id=ws.id, name="Core", channel_id=None)
        a = start_assessment(
            session=s, workspace_id=ws.id, team_id=team.id, user_id="U1", origin_channel="C1"
        )
        return ws.id, team.id, a.id


def test_answers_survive_in_the_row_between_units_of_work(engine) -> None:
    ws, team, aid = _started(engine)
    with session_scope(engine) as s:
        assert update_assessment(
            session=s,
            workspace_id=ws,
            assessment_id=aid,
            expected_version=0,
            answers={"scripted.ops_80pct": "85"},
            current_question="scripted.newcomers_use_scripts",
        )
    with session_scope(engine) as s:
        row = open_assessment(session=s, workspace_id=ws, team_id=team, user_id="U1")
    assert row is not None
    assert row.answers == {"scripted.ops_80pct": "85"}
    assert row.current_question == "scripted.newcomers_use_scripts"
    assert row.version == 1


def test_a_double_click_advances_once(engine) -> None:
    ws, _, aid = _started(engine)
    with session_scope(engine) as s:
        first = update_assessment(
            session=s,
            workspace_id=ws,
            assessment_id=aid,
            expected_version=0,
            answers={"scripted.ops_80pct": "85"},
        )
    with session_scope(engine) as s:
        second = update_assessment(
            session=s,
            workspace_id=ws,
            assessment_id=aid,
            expected_version=0,
            answers={"scripted.ops_80pct": "5"},
        )
    with session_scope(engine) as s:
        row = get_assessment(session=s, workspace_id=ws, assessment_id=aid)
    assert (first, second) == (True, False)
    assert row is not None and row.answers == {"scripted.ops_80pct": "85"}


def test_other_workspace_cannot_read_or_change_it(engine) -> None:
    _, _, aid = _started(engine)
    with session_scope(engine) as s:
        other = get_or_create_workspace(session=s, slack_team_id="T2")
        assert get_assessment(session=s, workspace_id=other.id, assessment_id=aid) is None
        assert not update_assessment(
            session=s,
            workspace_id=other.id,
            assessment_id=aid,
            expected_version=0,
            answers={"x": "y"},
        )


def test_idle_for_seven_days_expires(engine) -> None:
    ws, team, aid = _started(engine)
    with session_scope(engine) as s:
        assert expire_idle_assessments(session=s, now=utcnow() + timedelta(days=6)) == []
    with session_scope(engine) as s:
        expired = expire_idle_assessments(session=s, now=utcnow() + timedelta(days=7, minutes=1))
    assert [e.id for e in expired] == [aid]
    with session_scope(engine) as s:
        row = get_assessment(session=s, workspace_id=ws, assessment_id=aid)
        assert row is not None and row.status == AssessmentStatus.EXPIRED
        assert open_assessment(session=s, workspace_id=ws, team_id=team) is None
