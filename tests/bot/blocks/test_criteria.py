"""A criterion's form, a change in words, and the level-change message: what people read,
within Slack's limits (checked by slack_sdk's models), with user text kept inert."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.criteria import (
    change_words,
    level_change_blocks,
    level_change_text,
    link_mrkdwn,
    unknown_criterion_blocks,
    update_modal,
)
from bot.slack.ids import BlockId, CallbackId
from conversations.board import BoardChange, BoardEntry, LevelStory, Moved
from conversations.model import CRITERIA, criterion
from conversations.scoring import Status

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NAME = "🚀 Platform <!here> & Reliability " * 3


def valid(blocks: list) -> list[dict]:
    raw = [b.to_dict() for b in blocks]
    assert len(raw) <= 50
    for block in raw:
        Block.parse(block).validate_json()
    return raw


def text(raw: list[dict]) -> str:
    return "\n".join((b.get("text") or {}).get("text", "") for b in raw)


@pytest.mark.parametrize("c", CRITERIA, ids=lambda c: c.id)
def test_every_criterions_form_is_a_valid_modal(c) -> None:
    entry = BoardEntry(c.id, Status.BLOCKED, 65 if c.is_numeric else None, "board", "U1", AT)
    view = update_modal(team_name=NAME[:80], c=c, entry=entry, metadata='{"team":1}')
    View(**{k: v for k, v in view.items() if k != "type"}, type="modal").validate_json()
    assert view["callback_id"] == CallbackId.CRITERION_UPDATE
    ids = [b.get("block_id") for b in view["blocks"]]
    assert BlockId.CRITERION_STATUS in ids and BlockId.CRITERION_NOTE in ids
    assert (BlockId.CRITERION_VALUE in ids) == c.is_numeric
    status = next(b for b in view["blocks"] if b.get("block_id") == BlockId.CRITERION_STATUS)
    labels = [o["text"]["text"] for o in status["element"]["options"]]
    assert labels == ["Met", "In progress", "Not met", "Blocked"]
    assert status["element"]["initial_option"]["value"] == "blocked"
    assert "&lt;!here&gt;" in view["blocks"][0]["text"]["text"]


def test_a_change_reads_old_to_new_in_the_criterions_unit() -> None:
    cid = "iac.env_from_scratch_1h"
    change = BoardChange(
        cid, Status.MET, 45, "board", "U1", AT, old_status=Status.NOT_MET, old_value=180
    )
    assert change_words(change) == (
        "*A fresh environment comes up in under an hour*: not met (180 min) → met (45 min)"
    )
    first = BoardChange(cid, Status.PARTLY, None, "board", "U1", AT, old_status=Status.UNKNOWN)
    assert change_words(first).endswith("not answered → in progress")
    legacy = BoardChange(cid, Status.MET, None, "assessment", "U1", AT)  # before 0010
    assert change_words(legacy).endswith(": met")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ci.example/run?a=1&b=2", "<https://ci.example/run?a=1&amp;b=2|evidence>"),
        ("https://x.example/a|<!channel>", "(evidence link kept)"),
        ("https://x.example/" + "y" * 1500, "(evidence link kept)"),
        ("", ""),
    ],
)
def test_a_link_is_clickable_only_when_it_cannot_break_the_markup(url: str, shown: str) -> None:
    assert link_mrkdwn(url) == shown


def story(from_level, to_level, fell=(), moved=(), needs=()) -> LevelStory:
    return LevelStory(from_level, to_level, tuple(moved), tuple(fell), tuple(needs), ())


def test_a_level_up_is_a_small_celebration_with_what_comes_next() -> None:
    moved = [
        Moved(
            "cd.automated_rollback",
            Status.BLOCKED,
            None,
            Status.MET,
            None,
            "U0BOB",
            "board",
            "<@U0X> did it",
        )
    ]
    needs = [
        ("cdeploy.prod_without_approval", Status.BLOCKED),
        ("cdeploy.flags_control_releases", Status.UNKNOWN),
    ]
    raw = valid(level_change_blocks(NAME[:80], story(2, 3, moved=moved, needs=needs)))
    assert raw[0]["block_id"] == BlockId.LEVEL_CHANGE
    head = raw[0]["text"]["text"]
    assert head.startswith(":tada:") and "Level 3" in head and "up from Level 2" in head
    said = text(raw)
    assert "blocked → met — <@U0BOB>, board" in said and "&lt;@U0X&gt;" in said
    assert "Next: Level 4" in said and "blocked :no_entry:" in said and "not answered" in said
    assert "<!here>" not in said
    assert "Level 3" in level_change_text(NAME, story(2, 3))


def test_a_drop_says_which_criteria_fell_and_the_top_says_so() -> None:
    fell = [c.id for c in CRITERIA if c.step in (2, 3)]
    raw = valid(level_change_blocks("Core", story(3, 1, fell=fell)))
    head = raw[0]["text"]["text"]
    assert "dropped to *Level 1 — Scripted*, down from Level 3" in head
    assert criterion(fell[0]).label in head and "and 3 more are no longer met" in head
    top = valid(level_change_blocks("Core", story(4, 5)))
    assert "top of the ladder" in text(top)
    placed = valid(level_change_blocks("Core", story(None, 2)))
    assert "on the ladder at *Level 2" in placed[0]["text"]["text"]


def test_a_batch_of_many_changes_stays_within_slacks_limits() -> None:
    note = "<!channel> " * 50
    moved = [
        Moved(c.id, Status.UNKNOWN, None, Status.MET, 5, "U1", "assessment", note) for c in CRITERIA
    ]
    raw = valid(level_change_blocks(NAME[:80], story(0, 5, moved=moved)))
    assert all(len((b.get("text") or {}).get("text", "")) <= 3000 for b in raw)
    assert "…and 7 more changes" in text(raw)


def test_an_unknown_criterion_offers_a_button_per_close_id() -> None:
    raw = valid(unknown_criterion_blocks("cd.rollbak", ["cd.automated_rollback"], "yes Payments"))
    assert "Did you mean `cd.automated_rollback`?" in raw[0]["text"]["text"]
    [button] = raw[1]["elements"]
    assert button["value"] == "set cd.automated_rollback yes Payments"
    none = valid(unknown_criterion_blocks("<!channel>`", [], ""))
    assert "&lt;!channel&gt;'" in none[0]["text"]["text"] and len(none) == 1
