"""The list of teams: a page of a workspace's hundreds of teams inside Slack's limits
(checked by slack_sdk's models) with long, emoji-laden or hostile names, and never a
mention or link made of user text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.teams_list import PAGE_SIZE, TeamLine, owners_phrase, teams_list_blocks
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


def _lines(count: int, name: str = "Team") -> list[TeamLine]:
    return [
        TeamLine(
            team_id=i + 1,
            name=f"{name} {i}",
            level=i % 6,
            channel_id=f"C0{i:04d}",
            owners=[f"U0{j:04d}" for j in range(12)],
            last_change=AT,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("name", ["Team", LONG, HOSTILE])
def test_a_full_page_fits_and_keeps_user_text_inert(name: str) -> None:
    dicts = _checked(teams_list_blocks(_lines(PAGE_SIZE, name), total=500, page=3))
    rows = [d for d in dicts if d.get("block_id", "").startswith(BlockId.TEAMS_ROW_PREFIX)]
    assert len(rows) == PAGE_SIZE
    text = _mrkdwn(dicts)
    assert "<!channel>" not in text and "<https://evil" not in text and "<@U0BOSS01>" not in text
    assert "page 4 of 25" in text
    nav = next(d for d in dicts if d.get("block_id") == BlockId.TEAMS_NAV)
    assert [e["action_id"] for e in nav["elements"]] == [
        f"{ActionId.TEAMS_PAGE}:2",
        f"{ActionId.TEAMS_PAGE}:4",
    ]


def test_owners_are_mentions_of_stored_ids_and_a_long_list_is_cut() -> None:
    assert owners_phrase(["U0A1", "U0B2"]) == "<@U0A1>, <@U0B2>"
    assert owners_phrase([f"U0{i}X" for i in range(8)]).endswith("and 3 more")
    assert owners_phrase(["not an id"]) == "someone"
    assert owners_phrase([]) == "workspace admins only"


def test_one_page_has_no_navigation_and_none_says_how_to_start() -> None:
    dicts = _checked(teams_list_blocks(_lines(3), total=3, page=0))
    assert not any(d.get("block_id") == BlockId.TEAMS_NAV for d in dicts)
    empty = _checked(teams_list_blocks([], total=0, page=0))
    assert "No teams on the board yet" in _mrkdwn(empty)
