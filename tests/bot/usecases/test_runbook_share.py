"""Two runbook changes to one team at once (two people adding operations): both are
kept, one after the other, and the team's scripted share is recorded once — on SQLite and
on PostgreSQL, where two first writes of a criterion would otherwise collide."""

from __future__ import annotations

import threading

from bot.usecases.runbook.common import record_share
from storage.criteria import criteria_board
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.runbook import add_operation, set_runbook_complete
from storage.workspaces import ensure_channel_team, get_or_create_workspace


def test_two_people_adding_operations_at_once_both_count(db_url: str) -> None:
    upgrade(db_url)
    engines = [make_engine(db_url) for _ in range(2)]
    with session_scope(engines[0]) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T0SHARE")
        team, _ = ensure_channel_team(
            session=s, workspace_id=ws.id, channel_id="C0OPS", channel_name="ops", user_id="U0A"
        )
        set_runbook_complete(session=s, workspace_id=ws.id, team_id=team.id, complete=True)
        ws_id, team_id = ws.id, team.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def add(engine, title: str, user: str) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as s:
                add_operation(
                    session=s,
                    workspace_id=ws_id,
                    team_id=team_id,
                    title=title,
                    frequency="weekly",
                    minutes=10,
                    created_by=user,
                )
                record_share(s, ws_id, team_id, user)
        except BaseException as exc:  # a thread's failure must fail the test
            errors.append(exc)

    threads = [
        threading.Thread(target=add, args=(engines[0], "Rotate certificates", "U0A")),
        threading.Thread(target=add, args=(engines[1], "Restart workers", "U0B")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engines[0]) as s:
        entry = criteria_board(session=s, workspace_id=ws_id, team_id=team_id)["scripted.ops_80pct"]
    assert (entry.status, entry.value, entry.source) == ("not_met", 0.0, "runbook")
    for engine in engines:
        engine.dispose()
