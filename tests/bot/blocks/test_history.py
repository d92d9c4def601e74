"""A page of a team's history: newest first by day, page buttons that carry where they go,
and Slack's limits held however long the notes and links are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.models.blocks import Block

from bot.blocks.history import NEWER, OLDER, PAGE_SIZE, HistoryPage, PageRef, history_blocks
from bot.slack.ids import BlockId
from conversations.board import BoardChange, LevelMove
from conversations.model import CRITERIA
from conversations.scoring import Status

AT = datetime(2026, 12, 1, 23, 50, tzinfo=UTC)


def worst_items() -> list:
    """A page of the longest lines there can be: every note at its longest, all markup."""
    items: list = []
    for i in range(PAGE_SIZE):
        at = AT - timedelta(minutes=7 * i)
        if i % 4 == 0:
            items.append(LevelMove(3, 2, "U1", "board", "cd.automated_rollback", at, id=i))
        else:
            c = CRITERIA[i % len(CRITERIA)]
            items.append(
                BoardChange(
                    c.id,
                    Status.BLOCKED,
                    5 if c.is_numeric else None,
                    "runbook",
                    "U1",
                    at,
                    evidence="<&>" * 700,
                    old_status=Status.MET,
                    old_value=90 if c.is_numeric else None,
                    note="<!channel>&" * 45,
                    link="https://e.example/" + "z" * 900,
                    id=i,
                )
            )
    return items


def test_a_page_of_the_longest_lines_stays_within_slacks_limits() -> None:
    ref = PageRef(OLDER, AT, 0, 3, "", 2)
    page = HistoryPage(1, "🚀" * 80, 2, worst_items(), 10_000, 1, older=ref, newer=None)
    raw = [b.to_dict() for b in history_blocks(page)]
    assert len(raw) <= 50
    for block in raw:
        Block.parse(block).validate_json()
        assert len((block.get("text") or {}).get("text", "")) <= 3000
    said = "\n".join((b.get("text") or {}).get("text", "") for b in raw)
    assert "<!channel>" not in said and "*Tuesday 01 December 2026*" in said
    assert "page 1 of 500" in raw[1]["elements"][0]["text"]
    nav = raw[-1]
    assert nav["block_id"] == BlockId.HISTORY_NAV and [
        e["text"]["text"] for e in nav["elements"]
    ] == ["Older →"]


def test_a_page_button_carries_where_it_goes_and_nothing_else_reads_as_one() -> None:
    ref = PageRef(NEWER, AT, 1, 42, "2026-11-01", 7)
    assert PageRef.decode(ref.encode()) == ref
    for junk in (
        "",
        "{}",
        "[1]",
        '{"d":"sideways","a":"2026-01-01T00:00:00","k":0,"i":1}',
        '{"d":"older","a":"yesterday","k":0,"i":1}',
        '{"d":"older","a":"2026-01-01T00:00:00","k":0,"i":1,"s":"2026-13-01"}',
        '{"d":"older","a":"2026-01-01T00:00:00","k":5,"i":1}',
        '{"d":"older","a":"2026-01-01T00:00:00","k":0,"i":99999999999}',
    ):
        assert PageRef.decode(junk) is None


def test_an_empty_history_says_how_to_start_one() -> None:
    page = HistoryPage(1, "Core", None, [], 0, 1, older=None, newer=None)
    raw = [b.to_dict() for b in history_blocks(page)]
    assert "Nothing on the board has changed yet" in raw[2]["text"]["text"]
    assert all(b.get("block_id") != BlockId.HISTORY_NAV for b in raw)
