"""Runbook storage on SQLite and PostgreSQL: operations, import previews, reminders."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from conversations.runbook.ranking import Frequency
from storage.db import session_scope
from storage.models import Assessment, AssessmentStatus, RunbookImportStatus, ScheduleKind
from storage.runbook import (
    DuplicateOperation,
    add_operation,
    add_operations,
    create_import,
    declared_counts,
    delete_operation,
    finish_import,
    get_import,
    get_operation,
    latest_answer,
    list_operations,
    operation_counts,
    reminders_for,
    runbook_owners,
    set_runbook_complete,
    stop_reminders,
    to_operation,
    update_operation,
)
from storage.schedules import create_schedule
from storage.workspaces import get_or_create_named_team, get_or_create_workspace


def _team(engine, slack_team_id: str = "T1", name: str = "Core") -> tuple[int, int]:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=slack_team_id)
        team = get_or_create_named_team(session=s, workspace_id=ws.id, name=name, channel_id=None)
        return ws.id, team.id


def _add(engine, ws: int, team: int, title: str, **kw):
    with session_scope(engine) as s:
        row = add_operation(
            session=s,
            workspace_id=ws,
            team_id=team,
            title=title,
            frequency=kw.pop("frequency", "weekly"),
            minutes=kw.pop("minutes", 30),
            owner="U1",
            created_by="U1",
            **kw,
        )
        return None if row is None else row.id


def test_an_operation_title_is_unique_per_team_and_section_whatever_its_case(engine) -> None:
    ws, team = _team(engine)
    _, other_team = _team(engine, name="Other")
    first = _add(engine, ws, team, "Rotate TLS certificates")
    assert first is not None
    assert _add(engine, ws, team, "  rotate   tls CERTIFICATES ") is None
    assert _add(engine, ws, team, "Rotate TLS certificates", section="Security") is not None
    assert _add(engine, ws, other_team, "Rotate TLS certificates") is not None
    with session_scope(engine) as s:
        titles = [o.title for o in list_operations(session=s, workspace_id=ws, team_id=team)]
    assert titles == ["Rotate TLS certificates", "Rotate TLS certificates"]


def test_another_workspace_never_sees_the_operation(engine) -> None:
    ws, team = _team(engine)
    other_ws, _ = _team(engine, slack_team_id="T2")
    op_id = _add(engine, ws, team, "Restart workers")
    with session_scope(engine) as s:
        assert get_operation(session=s, workspace_id=other_ws, operation_id=op_id) is None
        assert delete_operation(session=s, workspace_id=other_ws, operation_id=op_id) is None
        assert (
            update_operation(session=s, workspace_id=other_ws, operation_id=op_id, minutes=5)
            is None
        )
    with session_scope(engine) as s:  # a locked read (FOR UPDATE on PostgreSQL) works too
        assert (
            get_operation(session=s, workspace_id=ws, operation_id=op_id, lock=True).minutes == 30
        )


def test_update_is_a_compare_and_set_and_keeps_the_unique_key(engine) -> None:
    ws, team = _team(engine)
    a = _add(engine, ws, team, "Restart workers")
    _add(engine, ws, team, "Clear the cache")
    with session_scope(engine) as s:
        row = update_operation(
            session=s,
            workspace_id=ws,
            operation_id=a,
            expected_version=0,
            scripted=True,
            script_url="https://git.example.com/ops/restart.sh",
        )
        assert row is not None and row.version == 1 and row.scripted_at is not None
    with session_scope(engine) as s:  # a form opened before that change loses
        assert (
            update_operation(
                session=s, workspace_id=ws, operation_id=a, expected_version=0, minutes=1
            )
            is None
        )
    with session_scope(engine) as s, pytest.raises(DuplicateOperation):
        update_operation(session=s, workspace_id=ws, operation_id=a, title="clear the CACHE")
    with session_scope(engine) as s:
        row = get_operation(session=s, workspace_id=ws, operation_id=a)
        assert (row.title, row.minutes, row.scripted) == ("Restart workers", 30, True)
        with pytest.raises(ValueError):
            update_operation(session=s, workspace_id=ws, operation_id=a, team_id=99)


def test_bulk_add_skips_what_the_team_already_has(engine) -> None:
    ws, team = _team(engine)
    _add(engine, ws, team, "Restart workers")
    steps = [
        {
            "title": f"Step {i}",
            "section": "Big",
            "frequency": "daily",
            "minutes": 5,
            "scripted": i % 2 == 0,
        }
        for i in range(200)
    ] + [{"title": "restart WORKERS", "section": "", "frequency": "daily", "minutes": 5}]
    with session_scope(engine) as s:
        added, skipped = add_operations(
            session=s,
            workspace_id=ws,
            team_id=team,
            steps=steps,
            owner="U1",
            created_by="U1",
            source="url",
        )
    assert (len(added), skipped) == (200, 1)
    with session_scope(engine) as s:
        ops = list_operations(session=s, workspace_id=ws, team_id=team)
    assert len(ops) == 201
    assert sum(o.scripted for o in ops) == 100


def test_an_import_preview_is_confirmed_once(engine) -> None:
    ws, team = _team(engine)
    with session_scope(engine) as s:
        create_import(
            session=s,
            workspace_id=ws,
            team_id=team,
            user_id="U1",
            key="k" * 32,
            source="paste",
            source_label="pasted text",
            steps=[{"title": "A", "frequency": "daily", "minutes": 5}],
        )
    results = []
    barrier = threading.Barrier(2)

    def confirm() -> None:
        barrier.wait()
        with session_scope(engine) as s:
            results.append(
                finish_import(
                    session=s, workspace_id=ws, key="k" * 32, status=RunbookImportStatus.IMPORTED
                )
            )

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    with session_scope(engine) as s:
        row = get_import(session=s, workspace_id=ws, key="k" * 32)
        assert row.status == RunbookImportStatus.IMPORTED
        assert row.steps[0]["title"] == "A"
        assert get_import(session=s, workspace_id=ws + 1, key="k" * 32) is None


def test_reminders_are_found_by_operation_and_person_and_stop_with_it(engine) -> None:
    ws, team = _team(engine)
    a = _add(engine, ws, team, "Restart workers")
    b = _add(engine, ws, team, "Clear the cache")
    due = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        for user, op in (("U1", a), ("U2", a), ("U1", b)):
            create_schedule(
                session=s,
                workspace_id=ws,
                kind=ScheduleKind.REMINDER,
                next_due_at=due,
                user_id=user,
                tz="Europe/Berlin",
                payload={"operation_id": op, "team_id": team},
            )
    with session_scope(engine) as s:
        assert len(reminders_for(session=s, workspace_id=ws, operation_id=a)) == 2
        assert len(reminders_for(session=s, workspace_id=ws, user_id="U1")) == 2
        assert stop_reminders(session=s, workspace_id=ws, operation_id=a, user_id="U2") == 1
    with session_scope(engine) as s:
        assert [r.user_id for r in reminders_for(session=s, workspace_id=ws, operation_id=a)] == [
            "U1"
        ]
        delete_operation(session=s, workspace_id=ws, operation_id=a)
    with session_scope(engine) as s:
        assert reminders_for(session=s, workspace_id=ws, operation_id=a) == []
        assert len(reminders_for(session=s, workspace_id=ws, operation_id=b)) == 1
        assert (
            len(reminders_for(session=s, workspace_id=ws, operation_id=a, active_only=False)) == 2
        )
        assert all(
            r.next_due_at == due
            for r in reminders_for(session=s, workspace_id=ws, active_only=False)
        )


def test_a_stored_operation_reads_as_the_domain_ranks_it(engine) -> None:
    ws, team = _team(engine)
    op_id = _add(engine, ws, team, "Renew the domain", frequency="yearly", minutes=20)
    legacy = _add(engine, ws, team, "Old row", frequency="fortnightly")
    with session_scope(engine) as s:
        update_operation(
            session=s,
            workspace_id=ws,
            operation_id=op_id,
            keep_manual_reason="two clicks a year",
            broken_fails=True,
        )
    with session_scope(engine) as s:
        stored = list_operations(session=s, workspace_id=ws, team_id=team)
        rows = {r.id: to_operation(r) for r in stored}
    renew = rows[op_id]
    assert (renew.id, renew.title, renew.frequency, renew.minutes) == (
        op_id,
        "Renew the domain",
        Frequency.YEARLY,
        20,
    )
    assert (renew.scripted, renew.kept_manual, renew.fails, renew.differs) == (
        False,
        True,
        True,
        False,
    )
    assert rows[legacy].frequency is Frequency.MONTHLY  # a frequency we no longer know


# ------------------------------------------------------------------ issue 11


def test_imported_minutes_nobody_gave_stay_marked_as_guesses(engine) -> None:
    ws, team = _team(engine)
    with session_scope(engine) as s:
        added, _ = add_operations(
            session=s,
            workspace_id=ws,
            team_id=team,
            steps=[
                {"title": "Guessed", "frequency": "weekly", "minutes": 10, "minutes_guessed": True},
                {"title": "Said", "frequency": "weekly", "minutes": 15, "minutes_guessed": False},
                {"title": "Old preview", "frequency": "weekly", "minutes": 10},  # no flag
            ],
            owner="U1",
            created_by="U1",
            source="paste",
        )
        ids = [r.id for r in added]
    with session_scope(engine) as s:
        rows = {r.title: r for r in list_operations(session=s, workspace_id=ws, team_id=team)}
        assert [rows[t].minutes_guessed for t in ("Guessed", "Said", "Old preview")] == [
            True,
            False,
            False,
        ]
        assert to_operation(rows["Guessed"]).minutes_guessed is True
        update_operation(
            session=s, workspace_id=ws, operation_id=ids[0], minutes=20, minutes_guessed=False
        )
    with session_scope(engine) as s:
        row = get_operation(session=s, workspace_id=ws, operation_id=ids[0])
        assert row is not None and (row.minutes, row.minutes_guessed) == (20, False)


def test_the_runbook_counts_only_when_the_team_said_it_lists_everything(engine) -> None:
    ws, team = _team(engine)
    _, other = _team(engine, name="Other")
    _add(engine, ws, team, "A", scripted=True)
    _add(engine, ws, team, "B")
    _add(engine, ws, team, "C")
    _add(engine, ws, other, "D", scripted=True)
    with session_scope(engine) as s:
        assert operation_counts(session=s, workspace_id=ws, team_id=team) == (1, 3)
        assert operation_counts(session=s, workspace_id=ws, team_id=other) == (1, 1)
        assert declared_counts(session=s, workspace_id=ws, team_id=team) is None  # not asked
    for complete, counts in ((False, None), (True, (1, 3)), (None, None)):
        with session_scope(engine) as s:
            set_runbook_complete(session=s, workspace_id=ws, team_id=team, complete=complete)
        with session_scope(engine) as s:
            assert declared_counts(session=s, workspace_id=ws, team_id=team) == counts
    # Another workspace never reads it; an empty runbook said to be complete says nothing.
    other_ws, _ = _team(engine, slack_team_id="T2")
    with session_scope(engine) as s:
        set_runbook_complete(session=s, workspace_id=ws, team_id=team, complete=True)
        set_runbook_complete(session=s, workspace_id=ws, team_id=other, complete=True)
        assert (
            set_runbook_complete(session=s, workspace_id=other_ws, team_id=team, complete=False)
            is None
        )
    with session_scope(engine) as s:
        assert declared_counts(session=s, workspace_id=other_ws, team_id=team) is None
        assert operation_counts(session=s, workspace_id=other_ws, team_id=team) == (0, 0)
        delete_operation(
            session=s,
            workspace_id=ws,
            operation_id=list_operations(session=s, workspace_id=ws, team_id=other)[0].id,
        )
    with session_scope(engine) as s:
        assert declared_counts(session=s, workspace_id=ws, team_id=other) is None
        assert runbook_owners(session=s, workspace_id=ws, team_id=team) == {"U1"}


def test_the_latest_answer_to_a_question_survives_a_checkin_that_skipped_it(engine) -> None:
    ws, team = _team(engine)
    qid = "context.deploys_per_day"
    with session_scope(engine) as s:
        assert latest_answer(session=s, workspace_id=ws, team_id=team, qid=qid) is None
        for day, answers in ((1, {qid: "4"}), (2, {qid: "skip"}), (3, {"other": "yes"})):
            s.add(
                Assessment(
                    workspace_id=ws,
                    team_id=team,
                    user_id="U1",
                    status=AssessmentStatus.COMPLETED,
                    answers=answers,
                    completed_at=datetime(2026, 11, day, tzinfo=UTC),
                )
            )
        s.add(  # an open check-in's answer is not one yet
            Assessment(workspace_id=ws, team_id=team, user_id="U1", answers={qid: "9"})
        )
    with session_scope(engine) as s:
        assert latest_answer(session=s, workspace_id=ws, team_id=team, qid=qid) == "4"
