"""Exports, end to end: ``/maturity export [team] csv|json`` uploads a file (files upload
v2) named ``maturity-<team>.<ext>`` into the person's DM, and the file — parsed back — holds
exactly the team's check-ins, criterion history, level changes and nudges; every team at
once and everything of a workspace are for workspace admins."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.slack import people
from bot.slack.ids import ActionId
from bot.usecases.export import COLUMNS
from conversations.assessment import team_at_level
from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import read_scope, session_scope
from storage.models import Assessment, CriterionEvent, LevelChange, NudgeRecord, Team
from storage.nudges import dismiss_nudge, record_nudge

from .test_assessment import run_checkin
from .test_teams import ADMIN, ALICE, BOB, _element, _last, _press, _seed_teams, _team

HOSTILE = "<!channel> =cmd|' /C calc'!A0 & co"
EVIDENCE = 'Pipeline "deploy", see runbook\nline two; =HYPERLINK("http://x")'


@pytest.fixture(autouse=True)
def _fresh_people():
    people.forget()
    yield
    people.forget()


def _seed(harness, name: str = "Payments Platform", *, changes: int = 0) -> Team:
    """A team with a finished check-in, criterion changes (one with awkward evidence), a
    level change and two nudges (one dismissed)."""
    alice = harness.user(user_id=ALICE)
    alice.command(f"assess {name}")
    run_checkin(alice, team_at_level(1))
    team = _team(harness, name)
    assert team is not None and team.id is not None
    start = datetime(2025, 3, 1, 9, tzinfo=UTC)
    with session_scope(harness.engine) as s:
        record_criterion(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            criterion_id="iac.env_from_scratch_1h",
            status=Status.PARTLY,
            value=75.0,
            user_id=BOB,
            source="board",
            evidence=EVIDENCE,
            at=start,
        )
        for i in range(changes):  # many changes, several sharing one timestamp
            record_criterion(
                session=s,
                workspace_id=team.workspace_id,
                team_id=team.id,
                criterion_id="cd.deploy_under_10min",
                status=Status.MET if i % 2 else Status.NOT_MET,
                value=float(i % 30),
                user_id=ALICE,
                source="board",
                at=start + timedelta(seconds=i // 7),
            )
        s.add(
            LevelChange(
                workspace_id=team.workspace_id,
                team_id=team.id,
                from_level=0,
                to_level=1,
                criterion_id="scripted.in_version_control",
                user_id=ALICE,
                source="assessment",
                created_at=start,
            )
        )
        kept = record_nudge(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            rule_id="skip_level",
            source="assessment",
            subject="cd.deploy_under_10min",
        )
        record_nudge(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            rule_id="ready_to_advance",
            source="digest",
        )
        dismiss_nudge(session=s, workspace_id=team.workspace_id, nudge_id=kept.id, user_id=BOB)
    return team


def _stored(harness, team: Team) -> dict[str, list[Any]]:
    with read_scope(harness.engine) as s:

        def rows(model, order) -> list[Any]:
            stmt = select(model).where(model.team_id == team.id).order_by(*order)
            return list(s.execute(stmt).scalars())

        return {
            "assessments": rows(Assessment, (Assessment.started_at, Assessment.id)),
            "history": rows(CriterionEvent, (CriterionEvent.created_at, CriterionEvent.id)),
            "levels": rows(LevelChange, (LevelChange.created_at, LevelChange.id)),
            "nudges": rows(NudgeRecord, (NudgeRecord.created_at, NudgeRecord.id)),
        }


def _file(harness, name: str) -> tuple[dict[str, Any], str]:
    files = [f for f in harness.standin.files() if f["name"] == name]
    assert files, [f["name"] for f in harness.standin.files()]
    return files[-1], files[-1]["content"].decode("utf-8")


def _iso(at: datetime | None) -> str:
    return "" if at is None else at.isoformat()


def _num(value: float | int | None) -> str:
    return "" if value is None else str(value)


# ------------------------------------------------------------------ CSV


def test_csv_export_parsed_back_is_the_teams_data(harness) -> None:
    team = _seed(harness)
    alice = harness.user(user_id=ALICE)
    answer = alice.command("export Payments Platform csv")
    assert answer.status == 200
    assert "maturity-Payments-Platform.csv" in _last(harness)["text"]
    uploaded, content = _file(harness, "maturity-Payments-Platform.csv")
    assert uploaded["ims"] == [alice.dm]  # into the person's DM, not the channel

    rows = list(csv.DictReader(io.StringIO(content)))
    assert tuple(rows[0].keys()) == COLUMNS
    assert {r["team"] for r in rows} == {"Payments Platform"}
    stored = _stored(harness, team)
    by_kind = {
        k: [r for r in rows if r["record"] == k]
        for k in ("assessment", "criterion", "level", "nudge")
    }

    assert len(by_kind["assessment"]) == len(stored["assessments"]) == 1
    (a,), (row,) = stored["assessments"], by_kind["assessment"]
    assert (row["user"], row["status"], row["level"]) == (a.user_id, a.status, str(a.result_level))
    assert (row["at"], row["completed"]) == (_iso(a.started_at), _iso(a.completed_at))
    assert json.loads(row["answers"]) == a.answers

    assert len(by_kind["criterion"]) == len(stored["history"]) > 1
    for row, event in zip(by_kind["criterion"], stored["history"], strict=True):
        assert row["at"] == _iso(event.created_at)
        assert (row["criterion"], row["status"], row["source"], row["user"]) == (
            event.criterion_id,
            event.status,
            event.source,
            event.user_id,
        )
        assert row["value"] == _num(event.value)
        assert row["old_status"] == (event.old_status or "")
    evidence = next(r["evidence"] for r in by_kind["criterion"] if r["evidence"])
    assert evidence == EVIDENCE  # quotes, comma, newline survive; no formula at its start

    assert [(r["at"], r["old_level"], r["level"], r["criterion"]) for r in by_kind["level"]] == [
        (_iso(lc.created_at), _num(lc.from_level), str(lc.to_level), lc.criterion_id)
        for lc in stored["levels"]
    ]
    assert ("0", "1", "scripted.in_version_control") in [
        (r["old_level"], r["level"], r["criterion"]) for r in by_kind["level"]
    ]
    assert [(r["rule"], r["status"], r["dismissed_by"]) for r in by_kind["nudge"]] == [
        ("skip_level", "dismissed", BOB),
        ("ready_to_advance", "active", ""),
    ]


def test_json_export_parsed_back_is_the_teams_data(harness) -> None:
    team = _seed(harness)
    alice = harness.user(user_id=ALICE)
    alice.command("export Payments Platform json")
    _uploaded, content = _file(harness, "maturity-Payments-Platform.json")
    data = json.loads(content)
    assert data["format"] == "maturity-bot/team-export" and data["version"] == 1
    assert data["workspace"]["slack_team_id"] == harness.standin.team_id
    (exported,) = data["teams"]
    assert exported["name"] == "Payments Platform"
    assert exported["created_by"] == ALICE and exported["owners"] == []
    stored = _stored(harness, team)
    assert [
        (a["user"], a["status"], a["level"], a["answers"], a["completed_at"])
        for a in exported["assessments"]
    ] == [
        (a.user_id, a.status, a.result_level, a.answers, _iso(a.completed_at))
        for a in stored["assessments"]
    ]
    assert [
        (h["at"], h["criterion"], h["status"], h["value"], h["source"], h["user"], h["evidence"])
        for h in exported["history"]
    ] == [
        (_iso(e.created_at), e.criterion_id, e.status, e.value, e.source, e.user_id, e.evidence)
        for e in stored["history"]
    ]
    assert [(lc["at"], lc["from"], lc["to"]) for lc in exported["levels"]] == [
        (_iso(lc.created_at), lc.from_level, lc.to_level) for lc in stored["levels"]
    ]
    assert (0, 1) in [(lc["from"], lc["to"]) for lc in exported["levels"]]
    assert [(n["rule"], n["dismissed_by"]) for n in exported["nudges"]] == [
        ("skip_level", BOB),
        ("ready_to_advance", None),
    ]


def test_a_long_history_comes_out_whole_and_in_order(harness) -> None:
    """More changes than one chunk of rows, many sharing a timestamp across chunk borders:
    none lost, none twice, oldest first."""
    team = _seed(harness, changes=2_500)
    harness.user(user_id=ALICE).command("export Payments Platform json")
    _uploaded, content = _file(harness, "maturity-Payments-Platform.json")
    history = json.loads(content)["teams"][0]["history"]
    stored = _stored(harness, team)["history"]
    assert len(history) == len(stored) > 2_500
    assert [(h["at"], h["value"]) for h in history] == [
        (_iso(e.created_at), e.value) for e in stored
    ]


# ------------------------------------------------------------------ names, formats, buttons


def test_a_hostile_team_name_is_safe_in_the_file_name_the_message_and_the_cells(harness) -> None:
    _seed(harness, HOSTILE)
    alice = harness.user(user_id=ALICE)
    alice.command(f"export {HOSTILE} csv")
    files = harness.standin.files()
    name = files[-1]["name"]
    assert name.startswith("maturity-") and name.endswith(".csv")
    assert not set(name) & set("<>!|'/ &")
    assert "<!channel>" not in _last(harness)["text"]
    comment = harness.standin.messages(alice.dm)[-1]["text"]
    assert "<!channel>" not in comment and "&lt;!channel&gt;" in comment
    rows = list(csv.DictReader(io.StringIO(files[-1]["content"].decode())))
    assert {r["team"] for r in rows} == {HOSTILE}  # the name as stored; it starts with "<"


def test_a_formula_in_a_cell_is_defused(harness) -> None:
    _seed(harness, "=SUM(A1:A9)")
    harness.user(user_id=ALICE).command("export =SUM(A1:A9) csv")
    rows = list(csv.DictReader(io.StringIO(harness.standin.files()[-1]["content"].decode())))
    assert {r["team"] for r in rows} == {"'=SUM(A1:A9)"}


def test_export_without_a_format_asks_with_buttons_and_the_card_exports_too(harness) -> None:
    _seed(harness)
    alice = harness.user(user_id=ALICE)
    alice.command("export Payments Platform")
    asked = _last(harness)
    assert "Which format?" in asked["text"]
    _press(alice, asked["blocks"], ActionId.COMMAND_RUN)  # the first button: CSV
    assert _file(harness, "maturity-Payments-Platform.csv")

    # Anyone may export (anyone may look): Bob, from the team's card.
    bob = harness.user(user_id=BOB)
    bob.command("team Payments Platform")
    _press(bob, _last(harness)["blocks"], f"{ActionId.TEAM_EXPORT}:")
    uploaded, _content = _file(harness, "maturity-Payments-Platform.csv")
    assert uploaded["ims"] == [bob.dm]


def test_export_of_the_channels_team_and_of_an_unknown_one(harness) -> None:
    _seed(harness)
    alice = harness.user(user_id=ALICE)
    alice.command("export Paymnts Platform csv")
    answer = _last(harness)
    assert "Did you mean “Payments Platform”?" in answer["text"]
    assert _element(answer["blocks"], ActionId.COMMAND_RUN)[0]["value"] == (
        "export Payments Platform csv"
    )
    alice.command("export csv")  # #platform has no team of its own
    assert "no team on the board yet" in _last(harness)["text"]


# ------------------------------------------------------------------ admins: every team, everything


def test_every_team_at_once_is_for_admins(harness) -> None:
    _seed(harness, "Payments Platform")
    _seed(harness, "Search")
    alice = harness.user(user_id=ALICE)
    alice.command("export all csv")
    assert "Only a workspace admin can export every team" in _last(harness)["text"]
    assert not harness.standin.files()

    harness.standin.add_user(ADMIN, is_admin=True)
    harness.user(user_id=ADMIN).command("export all json")
    _uploaded, content = _file(harness, "maturity-all-teams.json")
    assert [t["name"] for t in json.loads(content)["teams"]] == ["Payments Platform", "Search"]


def test_an_admin_exports_everything_of_the_workspace_and_nothing_of_another(harness) -> None:
    team = _seed(harness)
    _seed_teams(harness, 3, team_id="T0OTHER")
    harness.user(user_id=ALICE).command("workspace export")
    assert "Only a workspace admin" in _last(harness)["text"]

    harness.standin.add_user(ADMIN, is_admin=True)
    harness.user(user_id=ADMIN).command("workspace export")
    _uploaded, content = _file(harness, f"maturity-workspace-{harness.standin.team_id}.json")
    data = json.loads(content)
    assert data["format"] == "maturity-bot/workspace-export"
    assert data["workspace"]["slack_team_id"] == harness.standin.team_id
    tables = data["tables"]
    assert [t["name"] for t in tables["teams"]] == ["Payments Platform"]  # not T0OTHER's
    assert {row["workspace_id"] for rows in tables.values() for row in rows} == {team.workspace_id}
    stored = _stored(harness, team)
    assert len(tables["criterion_events"]) == len(stored["history"])
    assert len(tables["assessments"]) == len(stored["assessments"])
    assert "token" not in json.dumps(list(tables)) + json.dumps(
        [list(rows[0]) for rows in tables.values() if rows]
    )
