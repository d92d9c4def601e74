"""A team's history, a page at a time: level and criterion changes by date, newest first,
with *Newer* / *Older* buttons (``history.page:<team id>``, the page in the value).

Slack's limits hold whatever the history holds: a page is at most :data:`PAGE_SIZE`
changes, every line is bounded (notes cut, over-long links only mentioned), and lines are
packed into sections of at most 3,000 characters — so a page never nears 50 blocks.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.criteria import change_words, source_words, team_words, who, why_words
from bot.blocks.text import escape_and_truncate
from bot.slack.ids import COMMAND, ActionId, BlockId
from conversations.board import BoardChange, LevelMove
from conversations.digest import level_phrase
from conversations.model import level_name
from conversations.text import format_number, truncate

PAGE_SIZE = 20
SECTION_MAX = 3000
EVIDENCE_SHOWN = 160
OLDER, NEWER = "older", "newer"


@dataclass(frozen=True)
class PageRef:
    """Which page a *Newer* / *Older* button shows: the changes just ``direction`` of the
    item at (``at``, ``kind``, ``id``); ``since`` a day (ISO) or ""; ``number`` the page's
    number. Carried in the button's value; :meth:`decode` never raises (None: not ours)."""

    direction: str
    at: datetime
    kind: int
    id: int
    since: str = ""
    number: int = 1

    def encode(self) -> str:
        return json.dumps(
            {
                "d": self.direction,
                "a": self.at.astimezone(UTC).isoformat(),
                "k": self.kind,
                "i": self.id,
                "s": self.since,
                "n": self.number,
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, raw: str) -> PageRef | None:
        try:
            data = json.loads(raw)
            at = datetime.fromisoformat(str(data["a"]))
            ref = cls(
                direction=str(data["d"]),
                at=at if at.tzinfo else at.replace(tzinfo=UTC),
                kind=int(data["k"]),
                id=int(data["i"]),
                since=str(data.get("s") or ""),
                number=int(data.get("n") or 1),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if ref.direction not in (OLDER, NEWER) or ref.kind not in (0, 1):
            return None
        if not (0 <= ref.id < 2**31 and 1 <= ref.number < 10**6):
            return None
        if ref.since:
            try:
                date.fromisoformat(ref.since)
            except ValueError:
                return None
        return ref


@dataclass(frozen=True)
class HistoryPage:
    team_id: int
    team_name: str
    level: int | None
    items: Sequence[BoardChange | LevelMove]  # newest first
    total: int
    number: int
    older: PageRef | None
    newer: PageRef | None
    since: str = ""


def _level_line(move: LevelMove) -> str:
    to = f"Level {move.to_level} — {level_name(move.to_level)}"
    if move.from_level is None:
        what = f":checkered_flag: *placed at {to}*"
    elif move.to_level > move.from_level:
        what = f":arrow_up: *Level {move.from_level} → {to}*"
    else:
        what = f":arrow_down: *Level {move.from_level} → {to}*"
    return f"`{move.created_at:%H:%M}` {what} · {source_words(move.source)} · {who(move.user_id)}"


def _change_line(change: BoardChange) -> str:
    line = (
        f"`{change.created_at:%H:%M}` {change_words(change)} · {source_words(change.source)}"
        f" · {who(change.user_id)}"
    )
    why = why_words(change.note, change.link)
    if why:
        line += f" — {why}"
    if change.evidence:
        line += f"\n      _{escape_and_truncate(change.evidence, EVIDENCE_SHOWN)}_"
    return line


def _line(item: BoardChange | LevelMove) -> str:
    return _level_line(item) if isinstance(item, LevelMove) else _change_line(item)


def _sections(items: Sequence[BoardChange | LevelMove]) -> list[Block]:
    """Lines grouped under their day, packed into sections within Slack's limit."""
    texts: list[str] = []
    current = ""
    day = None
    for item in items:
        line = _line(item)[: SECTION_MAX - 40]
        at = item.created_at.astimezone(UTC)
        if at.date() != day:
            day = at.date()
            line = f"*{at:%A %d %B %Y}*\n{line}"
        if current and len(current) + 1 + len(line) > SECTION_MAX:
            texts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        texts.append(current)
    return [SectionBlock(text=MarkdownTextObject(text=t)) for t in texts]


def _nav(page: HistoryPage) -> list[Block]:
    buttons = []
    action_id = f"{ActionId.HISTORY_PAGE}:{page.team_id}"
    if page.newer is not None:
        buttons.append(
            ButtonElement(text="← Newer", action_id=action_id, value=page.newer.encode())
        )
    if page.older is not None:
        buttons.append(
            ButtonElement(text="Older →", action_id=f"{action_id}:older", value=page.older.encode())
        )
    return [ActionsBlock(block_id=BlockId.HISTORY_NAV, elements=buttons)] if buttons else []


def pages(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def history_blocks(page: HistoryPage) -> list[Block]:
    name = team_words(page.team_name)
    since = f" since {page.since}" if page.since else ""
    count = format_number(page.total)
    blocks: list[Block] = [
        HeaderBlock(
            block_id=BlockId.HISTORY_HEADER,
            text=truncate(f"History · {' '.join(page.team_name.split())}", 150),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{name}* is at {level_phrase(page.level)} · {count} "
                    f"{'change' if page.total == 1 else 'changes'}{since}, newest first · "
                    f"page {page.number} of {format_number(pages(page.total))} · times in UTC"
                )
            ]
        ),
    ]
    if page.items:
        blocks += _sections(page.items)
    else:
        empty = (
            f"Nothing changed{since}."
            if since
            else f"Nothing on the board has changed yet. `{COMMAND} assess` or `{COMMAND} board` "
            "starts it."
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
    blocks += _nav(page)
    return blocks


def history_text(page: HistoryPage) -> str:
    return (
        f"History of {' '.join(page.team_name.split())[:80]}: {format_number(page.total)} "
        f"changes, page {page.number}"
    )


def to_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]
