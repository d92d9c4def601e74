"""What the App Home reads: who ran each team's latest check-in, the nudges still standing
(the newest of each rule decides; a check-in's nudges give way to the next check-in's), and
a person's reminders about operations still to script — on SQLite, and on PostgreSQL when
configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import session_scope
from storage.home import active_nudges, latest_checkins, open_checkins_of, reminders_of
from storage.models import Assessment, AssessmentStatus, ScheduleKind
from storage.nudges import dismiss_nudge, record_nudge
from storage.runbook import add_operation
from storage.schedules import create_schedule
from storage.workspaces import get_or_create_named_team, get_or_create_workspace

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _setup(session):
    ws = get_or_create_workspace(session=session, slack_team_id="T1")
    assert ws.id is not None
    team = get_or_create_named_team(
        session=session, workspace_id=ws.id, name="Payments", channel_id=None, user_id="U1"
    )
    session.flush()
    assert team.id is not None
    return ws.id, team.id


def _checkin(session, ws: int, team: int, user: str, status: str, at: datetime) -> None:
    session.add(
        Assessment(
            workspace_id=ws,
            team_id=team,
            user_id=user,
            status=status,
            started_at=at,
            updated_at=at,
            completed_at=at if status == AssessmentStatus.COMPLETED else None,
        )
    )
    session.flush()


def test_the_latest_live_checkin_says_who_ran_it(engine) -> None:
    with session_scope(engine) as s:
        ws, team = _setup(s)
        _checkin(s, ws, team, "U1", AssessmentStatus.COMPLETED, T0)
        _checkin(s, ws, team, "U2", AssessmentStatus.OPEN, T0 + timedelta(days=1))
        _checkin(s, ws, team, "U3", AssessmentStatus.ABANDONED, T0 + timedelta(days=2))
        latest = latest_checkins(session=s, workspace_id=ws)
        assert (latest[team].user_id, latest[team].status) == ("U2", AssessmentStatus.OPEN)
        assert open_checkins_of(session=s, workspace_id=ws, user_id="U2") == {
            team: T0 + timedelta(days=1)
        }
        assert open_checkins_of(session=s, workspace_id=ws, user_id="U1") == {}


def test_the_newest_nudge_of_a_rule_decides_and_a_new_checkin_replaces_the_old_ones(
    engine,
) -> None:
    with session_scope(engine) as s:
        ws, team = _setup(s)

        def nudge(rule: str, source: str, days: int) -> int:
            row = record_nudge(
                session=s,
                workspace_id=ws,
                team_id=team,
                rule_id=rule,
                source=source,
                at=T0 + timedelta(days=days),
            )
            assert row.id is not None
            return row.id

        nudge("skip_level", "assessment", 0)  # from an earlier check-in
        nudge("cultural_readiness", "assessment", 0)
        kept = nudge("skip_level", "assessment", 10)  # the latest check-in's
        old_runbook = nudge("broken_process", "runbook", 1)
        dismissed = nudge("over_automation", "runbook", 9)
        dismiss_nudge(session=s, workspace_id=ws, nudge_id=dismissed, user_id="U1")
        fresh = nudge("broken_process", "runbook", 11)

        def standing(since_days: int) -> list[int | None]:
            found = active_nudges(
                session=s,
                workspace_id=ws,
                team_ids=[team],
                checked_in={team: T0 + timedelta(days=10)},
                since=T0 + timedelta(days=since_days),
            )
            return [r.id for r in found.get(team, [])]

        # Newest first; the earlier check-in's cultural_readiness gave way; the dismissed
        # over_automation is gone; the older broken_process is superseded by the newer.
        assert standing(0) == [fresh, kept]
        assert old_runbook not in standing(0)
        assert standing(12) == [kept]  # a runbook nudge stands for a while, not for ever
        assert active_nudges(session=s, workspace_id=ws, team_ids=[], checked_in={}, since=T0) == {}


def test_my_reminders_about_operations_still_to_script_soonest_first(engine) -> None:
    with session_scope(engine) as s:
        ws, team = _setup(s)
        titles = ("Rotate certs", "Renew domain", "Restart workers", "Fail over")
        ops = {}
        for title in titles:
            op = add_operation(
                session=s, workspace_id=ws, team_id=team, title=title, frequency="weekly",
                minutes=10,
            )  # fmt: skip
            assert op is not None and op.id is not None
            ops[title] = op
        ops["Restart workers"].scripted = True
        ops["Fail over"].keep_manual_reason = "too risky to script"
        for days, title, user in (
            (3, "Rotate certs", "U1"),
            (1, "Renew domain", "U1"),
            (2, "Restart workers", "U1"),
            (1, "Fail over", "U1"),
            (1, "Rotate certs", "U2"),
        ):
            create_schedule(
                session=s,
                workspace_id=ws,
                kind=ScheduleKind.REMINDER,
                next_due_at=T0 + timedelta(days=days),
                user_id=user,
                tz="Europe/Berlin",
                payload={"operation_id": ops[title].id, "team_id": team},
            )
        s.flush()
        mine = reminders_of(session=s, workspace_id=ws, user_id="U1")
        assert [(r.title, r.due, r.tz) for r in mine] == [
            ("Renew domain", T0 + timedelta(days=1), "Europe/Berlin"),
            ("Rotate certs", T0 + timedelta(days=3), "Europe/Berlin"),
        ]
        assert reminders_of(session=s, workspace_id=ws, user_id="U3") == []
