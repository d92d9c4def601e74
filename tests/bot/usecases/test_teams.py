"""Which team a command is about, and asking before a team is created: each case with its
minimal form and its near miss, against a real (SQLite) database."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.slack.errors import UserFacingError
from bot.slack.ids import ActionId
from bot.usecases.context import Where
from bot.usecases.teams import (
    Ask,
    TeamQuestion,
    question_blocks,
    read_create_value,
    replace_last,
    resolve_team,
)
from storage.workspaces import (
    get_or_create_channel_team,
    get_or_create_named_team,
    get_or_create_workspace,
)

GENERAL = Where("T0", None, "U0ALICE", channel_id="C0GENERAL", channel_name="general")
DM = Where("T0", None, "U0ALICE", channel_id="D0ALICE")
EXAMPLE = "/maturity assess Payments Platform"


@pytest.fixture
def session(sqlite_engine) -> Session:
    with Session(sqlite_engine) as s:
        yield s


@pytest.fixture
def ws(session: Session) -> int:
    workspace = get_or_create_workspace(session=session, slack_team_id="T0")
    get_or_create_named_team(
        session=session, workspace_id=workspace.id, name="Payments Platform", channel_id=None
    )
    session.flush()
    return workspace.id


def _resolve(session, ws, where=GENERAL, name=None, **kw):
    return resolve_team(session, ws, where, name, example=EXAMPLE, **kw)


def test_a_channel_without_a_team_is_asked_about_not_given_one(session, ws) -> None:
    with pytest.raises(TeamQuestion) as asked:
        _resolve(session, ws)
    ask = asked.value.ask
    assert (ask.typed, ask.create, ask.channel) == (None, "general", True)
    assert "no team on the board yet" in str(asked.value)
    assert EXAMPLE in str(asked.value)


def test_a_channel_with_its_team_gets_it_without_a_question(session, ws) -> None:
    team = get_or_create_channel_team(
        session=session, workspace_id=ws, channel_id="C0GENERAL", channel_name="general"
    )
    assert _resolve(session, ws).id == team.id


def test_the_proposed_name_avoids_a_team_that_already_has_it(session, ws) -> None:
    get_or_create_named_team(session=session, workspace_id=ws, name="general", channel_id=None)
    with pytest.raises(TeamQuestion) as asked:
        _resolve(session, ws)
    assert asked.value.ask.create == "general (2)"


@pytest.mark.parametrize(
    ("typed", "create", "asked", "suggestion"),
    [
        ("Payments Platform", True, False, None),  # exists: used
        ("payments  platform", True, False, None),  # case and spacing do not matter
        ("Search", True, False, None),  # new, near no team: created on first use
        ("Paymnts Platform", True, True, "Payments Platform"),  # near miss: asked
        ("Paymnts Platform", False, True, "Payments Platform"),  # reading: did you mean
        ("Zebra", False, True, None),  # reading, nothing near: "I don't know"
    ],
)
def test_a_named_team(session, ws, typed, create, asked, suggestion) -> None:
    if not asked:
        team = _resolve(session, ws, name=typed, create=create)
        assert team.name in ("Payments Platform", "Search")
        return
    with pytest.raises(TeamQuestion) as question:
        _resolve(session, ws, name=typed, create=create)
    ask = question.value.ask
    assert ask.suggestion == suggestion
    assert ask.create == (typed if create else None)


def test_in_a_dm_a_team_must_be_named(session, ws) -> None:
    with pytest.raises(UserFacingError, match=r"Which team\?"):
        _resolve(session, ws, where=DM)


@pytest.mark.parametrize(
    ("command", "typed", "meant", "out"),
    [
        ("board Paymnts", "Paymnts", "Payments", "board Payments"),
        ('assess "Paymnts"', '"Paymnts"', "Payments", "assess Payments"),
        # The team name comes last: only the last occurrence changes.
        (
            'runbook add "Paymnts" weekly 30m Paymnts',
            "Paymnts",
            "Payments",
            'runbook add "Paymnts" weekly 30m Payments',
        ),
        ("board Paymnts", "Other", "Payments", None),  # not in the command as typed
    ],
)
def test_the_use_button_runs_the_command_with_the_name_meant(command, typed, meant, out) -> None:
    assert replace_last(command, typed, meant) == out


def _validated(blocks: list[dict]) -> list[dict]:
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()
    return blocks


def test_the_create_button_carries_the_command_and_survives_a_round_trip() -> None:
    ask = Ask(typed=None, create="general", channel=True, suggestion=None, example=EXAMPLE)
    blocks = _validated(question_blocks(ask, "text", command='runbook add "X" weekly 30m'))
    button = blocks[1]["elements"][0]
    assert button["action_id"] == ActionId.TEAM_CREATE
    request = read_create_value(button["value"])
    assert request is not None
    assert (request.name, request.channel, request.command) == (
        "general",
        True,
        'runbook add "X" weekly 30m',
    )


def test_a_command_too_long_for_a_button_still_lets_the_team_be_created() -> None:
    ask = Ask(typed=None, create="general", channel=True, suggestion=None, example=EXAMPLE)
    blocks = _validated(question_blocks(ask, "text", command="runbook import " + "x" * 3000))
    request = read_create_value(blocks[1]["elements"][0]["value"])
    assert request is not None and request.command == ""


@pytest.mark.parametrize("value", ["", "not json", "[]", json.dumps({"name": 3}), "{}"])
def test_a_create_value_that_is_not_ours_is_refused(value) -> None:
    assert read_create_value(value) is None
