"""A team's card and the delete confirmations: inside Slack's limits (checked by
slack_sdk's models) with long, emoji-laden or hostile names, controls only for who may
change the team, and never a mention or link made of user text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.team_card import (
    TeamCard,
    card_blocks,
    contents,
    delete_team_blocks,
    delete_workspace_blocks,
)
from bot.slack.ids import ActionId, BlockId

HOSTILE = "<!channel> <@U0BOSS01> & <https://evil.example|click me>"
LONG = "🚀" * 40 + "Platform Team with a very long name indeed, longer than most" * 2
AT = datetime(2025, 5, 3, 10, tzinfo=UTC)


def _checked(blocks: list[Block]) -> list[dict]:
    dicts = [b.to_dict() for b in blocks]
    assert 0 < len(dicts) <= 50
    for raw in dicts:
        parsed = Block.parse(raw)
        assert parsed is not None
        parsed.validate_json()
    return dicts


def _mrkdwn(dicts: list[dict]) -> str:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                out.append(str(node.get("text")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(dicts)
    return "\n".join(out)


def _card(name: str, *, may_change: bool) -> TeamCard:
    return TeamCard(
        team_id=7,
        name=name,
        level=3,
        target_level=4,
        channel_id="C0PLATFORM",
        owners=["U0ALICE", "U0BOB"],
        owners_set=True,
        created_by="U0ALICE",
        created_at=AT,
        last_change=AT,
        may_change=may_change,
        note="Renamed *x* to *y*.",
    )


@pytest.mark.parametrize("name", ["Payments", LONG, HOSTILE])
def test_the_card_fits_and_shows_controls_only_to_who_may_change(name: str) -> None:
    full = _checked(card_blocks(_card(name, may_change=True)))
    ids = [d.get("block_id") for d in full]
    assert BlockId.TEAM_SETTINGS in ids and BlockId.TEAM_RENAME_INPUT in ids
    rename = next(d for d in full if d.get("block_id") == BlockId.TEAM_RENAME_INPUT)
    assert rename["dispatch_action"] is True
    assert len(rename["element"]["initial_value"]) <= 80
    settings = next(d for d in full if d.get("block_id") == BlockId.TEAM_SETTINGS)
    assert settings["elements"][0]["initial_users"] == ["U0ALICE", "U0BOB"]
    assert settings["elements"][1]["initial_conversation"] == "C0PLATFORM"
    looking = _checked(card_blocks(_card(name, may_change=False)))
    assert BlockId.TEAM_SETTINGS not in [d.get("block_id") for d in looking]
    actions = next(d for d in looking if d.get("block_id") == BlockId.TEAM_CARD_ACTIONS)
    assert [e["action_id"] for e in actions["elements"]] == [
        f"{ActionId.TEAM_EXPORT}:7:csv",
        f"{ActionId.TEAM_EXPORT}:7:json",
    ]
    for dicts in (full, looking):
        text = _mrkdwn(dicts)
        assert "<!channel>" not in text and "<https://evil" not in text
        assert "<@U0BOSS01>" not in text


@pytest.mark.parametrize("name", ["Payments", LONG, HOSTILE])
def test_confirmations_fit_and_keep_the_name_inert(name: str) -> None:
    team = _checked(
        delete_team_blocks(team_id=7, name=name, contents="3 check-ins", issued=AT.isoformat())
    )
    button = team[1]["elements"][0]
    assert button["action_id"] == f"{ActionId.TEAM_DELETE_CONFIRM}:7"
    assert button["value"] == AT.isoformat() and button["style"] == "danger"
    assert "<!channel>" not in _mrkdwn(team)
    workspace = _checked(
        delete_workspace_blocks(contents="1 team", tokens=True, issued=AT.isoformat())
    )
    assert "tokens" in _mrkdwn(workspace)


def test_contents_names_what_goes() -> None:
    assert contents({"assessments": 1, "criterion_events": 12, "nudges": 0}) == (
        "1 check-in, 12 criterion changes"
    )
    assert contents({"level_changes": 2, "workspaces": 1, "claims": 4}) == "2 level changes"
    assert contents({"something_new": 2}) == "2 other records"
    assert contents({}) == "nothing recorded yet"
