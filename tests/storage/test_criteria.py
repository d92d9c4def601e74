from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.board import LevelMove
from conversations.scoring import Status
from storage.criteria import (
    answer_back,
    board_history,
    change_criterion,
    criteria_board,
    criterion_history,
    cursor_of,
    history_count,
    history_page,
    level_changes,
    lock_team,
    mark_announced,
    record_criteria,
    record_criterion,
    record_level_change,
    runbook_facts,
    take_for_announcement,
    to_change,
    waiting_for_announcement,
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


# ------------------------------------------------------------------ issue 12: the change log


def test_every_change_keeps_what_it_replaced_who_why_and_from_where(engine) -> None:
    ws, team = _team(engine)
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    steps = [
        (Status.PARTLY, 14.0, "", ""),
        (Status.MET, 7.0, "new runners", "https://ci.example/1"),
        (Status.MET, 7.0, "", ""),  # the same again: no history
        (Status.MET, 7.0, "still 7 min after the upgrade", ""),  # the same, with a note: kept
    ]
    for i, (status, value, note, link) in enumerate(steps):
        with session_scope(engine) as s:
            change_criterion(
                session=s,
                workspace_id=ws,
                team_id=team,
                criterion_id="cd.deploy_under_10min",
                status=status,
                value=value,
                user_id=f"U{i}",
                source="board",
                note=note,
                link=link,
                at=t0 + timedelta(minutes=i),
            )
    with session_scope(engine) as s:
        history = [
            to_change(e) for e in criterion_history(session=s, workspace_id=ws, team_id=team)
        ]
    assert [(h.old_status, h.old_value, h.status, h.value, h.user_id) for h in history] == [
        (Status.UNKNOWN, None, Status.PARTLY, 14.0, "U0"),
        (Status.PARTLY, 14.0, Status.MET, 7.0, "U1"),
        (Status.MET, 7.0, Status.MET, 7.0, "U3"),
    ]
    assert (history[1].note, history[1].link, history[1].source) == (
        "new runners",
        "https://ci.example/1",
        "board",
    )


def test_the_board_reads_each_criterions_latest_change_and_the_newest_few(engine) -> None:
    ws, team = _team(engine)
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        for i in range(60):  # one early change of rollback, then 59 of the deploy time
            cid = "cd.automated_rollback" if i == 0 else "cd.deploy_under_10min"
            record_criterion(
                session=s,
                workspace_id=ws,
                team_id=team,
                criterion_id=cid,
                status=Status.MET if i % 2 else Status.NOT_MET,
                value=None if i == 0 else float(5 + i % 2 * 10),
                user_id="U1",
                source="board",
                at=t0 + timedelta(minutes=i),
            )
    with session_scope(engine) as s:
        shown = board_history(session=s, workspace_id=ws, team_id=team, recent=8)
    assert len(shown) == 9  # the 8 newest, and rollback's only change
    assert shown[0].criterion_id == "cd.automated_rollback"
    assert [c.created_at for c in shown] == sorted(c.created_at for c in shown)
    assert shown[-1].created_at == t0 + timedelta(minutes=59)


def test_level_changes_wait_for_one_announcement_and_are_settled_once(engine) -> None:
    ws, team = _team(engine)
    with session_scope(engine) as s:
        assert lock_team(session=s, workspace_id=ws, team_id=team).id == team
        assert lock_team(session=s, workspace_id=ws + 99, team_id=team) is None
        record_level_change(
            session=s,
            workspace_id=ws,
            team_id=team,
            from_level=None,
            to_level=0,
            user_id="U1",
            source="board",
            announced="first placed at level 0",
        )
        record_level_change(
            session=s,
            workspace_id=ws,
            team_id=team,
            from_level=0,
            to_level=1,
            user_id="U1",
            source="board",
            criterion_id="scripted.ops_80pct",
        )
        assert waiting_for_announcement(session=s, workspace_id=ws, team_id=team) == 1
    with session_scope(engine) as s:
        taken = take_for_announcement(session=s, workspace_id=ws, team_id=team, schedule_id=7)
        assert [(c.from_level, c.to_level) for c in taken] == [(0, 1)]
        assert waiting_for_announcement(session=s, workspace_id=ws, team_id=team) == 0
        # Another announcement takes nothing; the same one, retried, takes its own again.
        assert take_for_announcement(session=s, workspace_id=ws, team_id=team, schedule_id=8) == []
        again = take_for_announcement(session=s, workspace_id=ws, team_id=team, schedule_id=7)
        assert [c.id for c in again] == [c.id for c in taken]
        mark_announced(
            session=s, change_ids=[c.id for c in taken], outcome="posted", message_ts="1.2"
        )
    with session_scope(engine) as s:
        assert take_for_announcement(session=s, workspace_id=ws, team_id=team, schedule_id=7) == []
        moves = level_changes(session=s, workspace_id=ws, team_id=team)
    assert [(m.from_level, m.to_level, m.up) for m in moves] == [(None, 0, False), (0, 1, True)]


def _seed(engine, ws: int, team: int, t0: datetime, n: int) -> None:
    """``n`` criterion changes a minute apart, and a level change with every fifth."""
    with session_scope(engine) as s:
        for i in range(n):
            at = t0 + timedelta(minutes=i)
            record_criterion(
                session=s,
                workspace_id=ws,
                team_id=team,
                criterion_id="cd.automated_rollback",
                status=Status.MET if i % 2 else Status.NOT_MET,
                source="board",
                user_id="U1",
                at=at,
            )
            if i % 5 == 4:
                record_level_change(
                    session=s,
                    workspace_id=ws,
                    team_id=team,
                    from_level=0,
                    to_level=1,
                    user_id="U1",
                    source="board",
                    at=at,
                    announced="posted",
                )


def test_the_history_pages_by_key_through_both_kinds_of_change(engine) -> None:
    ws, team = _team(engine)
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    _seed(engine, ws, team, t0, 23)  # 23 criterion changes + 4 level changes
    seen: list = []
    with session_scope(engine) as s:
        assert history_count(session=s, workspace_id=ws, team_id=team) == 27
        page, more = history_page(session=s, workspace_id=ws, team_id=team, size=10)
        pages = [page]
        while more:
            page, more = history_page(
                session=s, workspace_id=ws, team_id=team, size=10, before=cursor_of(page[-1])
            )
            pages.append(page)
        for p in pages:
            seen += p
        # Back from the last page: the page before it, exactly.
        back, more_newer = history_page(
            session=s, workspace_id=ws, team_id=team, size=10, after=cursor_of(pages[-1][0])
        )
        assert back == pages[-2] and more_newer
        # Since a day: only what happened from then on.
        since = t0 + timedelta(minutes=20)
        recent, _ = history_page(session=s, workspace_id=ws, team_id=team, size=50, since=since)
        assert history_count(session=s, workspace_id=ws, team_id=team, since=since) == len(recent)
    assert [len(p) for p in pages] == [10, 10, 7]
    assert len({(type(i).__name__, i.id) for i in seen}) == 27  # each change once
    keys = [(i.created_at, isinstance(i, LevelMove)) for i in seen]
    assert keys == sorted(keys, reverse=True)  # newest first, a level change above its cause
    levels_at = [n for n, item in enumerate(seen) if isinstance(item, LevelMove)]
    assert len(levels_at) == 4
    assert all(seen[n + 1].created_at == seen[n].created_at for n in levels_at)
    assert len(recent) == 3  # minutes 20, 21 and 22 (the last level change was at 19)
