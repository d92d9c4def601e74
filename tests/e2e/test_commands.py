"""Typing as people type, end to end (signed requests, the real app, the Slack stand-in):
a near-miss subcommand gets "did you mean …?", a channel with no team is asked before a
team is created from its name, and the buttons carry on with the command that was typed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.local.payloads import Actor
from bot.local.standin.driver import SlackUser, in_process
from bot.slack.ids import ActionId, BlockId
from storage.db import session_scope
from storage.models import Assessment, Team
from storage.workspaces import get_or_create_named_team, get_or_create_workspace

from .test_digest import click_in

GENERAL = "C0GENERAL"


def _user(harness, channel_id: str = "C0PLATFORM", channel_name: str = "platform") -> SlackUser:
    """Alice, typing exactly what is written here (no helper answers a question for her)."""
    actor = Actor(
        user_id="U0ALICE",
        user_name="alice",
        team_id=harness.standin.team_id,
        channel_id=channel_id,
        channel_name=channel_name,
    )
    return SlackUser(harness.standin, in_process(harness.app), harness.secret, actor)


def _teams(harness) -> list[tuple[str, str | None]]:
    with session_scope(harness.engine) as s:
        return [(t.name, t.channel_id) for t in s.exec(select(Team).order_by(Team.name))]


def _named_teams(harness, *names: str) -> None:
    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=harness.standin.team_id)
        for name in names:
            get_or_create_named_team(session=s, workspace_id=ws.id, name=name, channel_id=None)


def _last(harness) -> dict:
    return harness.standin.ephemerals()[-1]


def _button_labels(blocks: list[dict]) -> list[str]:
    return [
        el["text"]["text"]
        for b in blocks
        for el in b.get("elements") or []
        if el.get("type") == "button"
    ]


def test_a_channel_without_a_team_is_asked_and_create_carries_on(harness) -> None:
    alice = _user(harness, GENERAL, "general")
    answer = alice.command("assess")
    assert answer.status == 200
    asked = _last(harness)
    assert "This channel has no team on the board yet" in asked["text"]
    assert "`/maturity assess Payments Platform`" in asked["text"]  # how to name it instead
    assert _button_labels(asked["blocks"]) == ["Create team “general”"]
    assert _teams(harness) == []  # nothing created by asking
    assert alice.current_question() is None  # and no check-in started

    click = click_in(
        alice, asked["blocks"], ActionId.TEAM_CREATE, channel=GENERAL, ts=asked["message_ts"]
    )
    assert click.status == 200
    assert _teams(harness) == [("general", GENERAL)]
    assert "Created the team “general”" in _last(harness)["text"]
    assert alice.current_question() is not None  # the typed `assess` carried on

    # A second click on the same question creates nothing and starts nothing more.
    click_in(alice, asked["blocks"], ActionId.TEAM_CREATE, channel=GENERAL, ts="")
    assert "on the board already" in _last(harness)["text"]
    with session_scope(harness.engine) as s:
        assert len(s.exec(select(Assessment)).all()) == 1


def test_create_carries_on_with_any_command_that_needed_the_team(harness) -> None:
    alice = _user(harness, GENERAL, "general")
    alice.command('runbook add "Rotate TLS certificates" weekly 30m')
    asked = _last(harness)
    assert "no team on the board yet" in asked["text"]
    # Naming the team instead: the same command, with the name after it.
    assert (
        '`/maturity runbook add "Rotate TLS certificates" weekly 30m Payments Platform`'
        in (asked["text"])
    )
    click_in(alice, asked["blocks"], ActionId.TEAM_CREATE, channel=GENERAL, ts="")
    assert _teams(harness) == [("general", GENERAL)]
    assert "Rotate TLS certificates" in _last(harness)["text"]


def test_a_team_that_exists_is_used_without_asking(harness) -> None:
    alice = _user(harness)  # #platform
    alice.command("assess Payments Platform")  # a new name, near no team: created
    assert alice.current_question() is not None
    assert _teams(harness) == [("Payments Platform", "C0PLATFORM")]
    alice.command("board Payments Platform")
    assert "Criteria board for Payments Platform" in _last(harness)["text"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("asess", "assess"),
        ("ASSES", "assess"),
        ("bord Payments Platform", "board Payments Platform"),
        ("runbok", "runbook"),
        ("hepl", "help"),
    ],
)
def test_a_near_miss_subcommand_gets_did_you_mean(harness, typed, meant) -> None:
    answer = _user(harness).command(typed)
    assert answer.status == 200
    body = answer.json()  # answered in the acknowledgement itself
    said = body["blocks"][0]["text"]["text"]
    assert said == f"I didn't catch `{typed}`. Did you mean `/maturity {meant}`?"
    run = next(b for b in body["blocks"] if b.get("block_id") == BlockId.SUGGESTION)
    assert run["elements"][0]["value"] == meant
    assert any(b.get("block_id") == BlockId.USAGE for b in body["blocks"])  # usage follows


def test_an_unrelated_word_still_gets_the_whole_usage(harness) -> None:
    body = _user(harness).command("frobnicate").json()
    assert all(b.get("block_id") != BlockId.SUGGESTION for b in body["blocks"])
    assert any(b.get("block_id") == BlockId.USAGE for b in body["blocks"])


def test_the_suggestion_runs_when_clicked(harness) -> None:
    _named_teams(harness, "Payments Platform")
    alice = _user(harness)
    body = alice.command("asess Payments Platform").json()
    click_in(alice, body["blocks"], ActionId.COMMAND_RUN)
    assert alice.current_question() is not None  # the check-in started


def test_an_unknown_team_name_gets_the_closest_team(harness) -> None:
    _named_teams(harness, "Payments Platform", "Search")
    alice = _user(harness)
    alice.command("board Paymnts Platform")
    asked = _last(harness)
    assert "I don't know a team called “Paymnts Platform” yet." in asked["text"]
    assert "Did you mean “Payments Platform”?" in asked["text"]
    click_in(alice, asked["blocks"], ActionId.COMMAND_RUN)
    assert "Criteria board for Payments Platform" in _last(harness)["text"]


def test_a_near_miss_name_is_asked_about_before_a_new_team_is_made(harness) -> None:
    _named_teams(harness, "Payments Platform")
    alice = _user(harness)
    alice.command("assess Payments Platfrom")
    asked = _last(harness)
    assert "Did you mean “Payments Platform”?" in asked["text"]
    assert _button_labels(asked["blocks"]) == [
        "Use “Payments Platform”",
        "Create team “Payments Platfrom”",
    ]
    assert [name for name, _ in _teams(harness)] == ["Payments Platform"]
    assert alice.current_question() is None
    click_in(alice, asked["blocks"], ActionId.TEAM_CREATE)  # it really is a new team
    assert sorted(name for name, _ in _teams(harness)) == ["Payments Platform", "Payments Platfrom"]
    assert alice.current_question() is not None


def test_user_text_in_a_question_stays_text(harness) -> None:
    _named_teams(harness, "Payments Platform")
    _user(harness).command("board <!channel> Paymnts Platform")
    said = _last(harness)
    assert "<!channel>" not in said["text"]
    assert "<!channel>" not in str(said["blocks"])


def test_in_a_dm_the_team_must_be_named(harness) -> None:
    dm = harness.standin.dm_channel_id("U0ALICE")
    _user(harness, dm, "").command("assess")
    assert "Which team?" in _last(harness)["text"]
    assert _teams(harness) == []
