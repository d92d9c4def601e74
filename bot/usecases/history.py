"""``/maturity history [team name] [since YYYY-MM-DD]``: a team's level and criterion
changes by date, newest first, a page at a time (*Newer* / *Older* turn the page in place).

Anyone may read a team's history. Pages are read by key (the last change shown), so the
500th page of a 10,000-change history is as quick as the first.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from sqlmodel import Session

from bot.blocks.history import (
    NEWER,
    OLDER,
    PAGE_SIZE,
    HistoryPage,
    PageRef,
    history_blocks,
    history_text,
    to_dicts,
)
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import resolve_team
from storage.criteria import Cursor, cursor_of, history_count, history_page
from storage.db import read_scope
from storage.models import Team
from storage.workspaces import get_team

_SINCE = re.compile(r"(?:^|\s)since\s+(?P<day>\S+)\s*$", re.IGNORECASE)
BAD_DATE = "Give the day as YYYY-MM-DD, e.g. `{command} history since 2026-01-31`."
STALE_PAGE = "That page button is out of date. Run `{command} history` again."


def read_command(rest: str) -> tuple[str | None, str]:
    """``[team name] [since YYYY-MM-DD]`` → (team name or None, the day or "")."""
    text = " ".join(rest.split())
    match = _SINCE.search(text)
    if match is None:
        return text or None, ""
    day = match.group("day")
    try:
        date.fromisoformat(day)
    except ValueError:
        raise UserFacingError(BAD_DATE.format(command=COMMAND)) from None
    if len(day) != 10:
        raise UserFacingError(BAD_DATE.format(command=COMMAND))
    return text[: match.start()].strip() or None, day


def _since(day: str) -> datetime | None:
    return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC) if day else None


def command(deps: Deps, where: Where, rest: str) -> Answer:
    """The first page (the newest changes)."""
    team_name, day = read_command(rest)
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} history Payments Platform",
            unknown_hint=f"`{COMMAND} assess` puts one there.",
        )
        page = _page(session, ws, team, day=day, number=1, before=None, after=None)
    return Answer(text=history_text(page), blocks=to_dicts(history_blocks(page)))


def turn(deps: Deps, where: Where, team_id: int, value: str) -> Answer:
    """*Newer* / *Older*: that page, in place of the one clicked."""
    ref = PageRef.decode(value)
    if ref is None or not team_id:
        raise UserFacingError(STALE_PAGE.format(command=COMMAND))
    cursor = Cursor(ref.at, ref.kind, ref.id)
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = get_team(session=session, workspace_id=ws, team_id=team_id)
        if team is None:
            raise UserFacingError("I can't find that team any more.")
        page = _page(
            session,
            ws,
            team,
            day=ref.since,
            number=ref.number,
            before=cursor if ref.direction == OLDER else None,
            after=cursor if ref.direction == NEWER else None,
        )
    return Answer(text=history_text(page), blocks=to_dicts(history_blocks(page)), replace=True)


def _page(
    session: Session,
    ws: int,
    team: Team,
    *,
    day: str,
    number: int,
    before: Cursor | None,
    after: Cursor | None,
) -> HistoryPage:
    """A page: the newest (no cursor), the one older than ``before``, or the one newer
    than ``after`` — with buttons to the pages beside it that hold anything."""
    assert team.id is not None
    since = _since(day)
    items, more = history_page(
        session=session,
        workspace_id=ws,
        team_id=team.id,
        size=PAGE_SIZE,
        before=before,
        after=after,
        since=since,
    )
    total = history_count(session=session, workspace_id=ws, team_id=team.id, since=since)
    if after is not None:  # went newer: the pages past it are older, and more are newer
        has_newer, has_older = more, True
        if not more:
            number = 1  # the newest page, whatever the button said
    else:
        has_newer, has_older = before is not None, more
    older = newer = None
    if items and has_older:
        c = cursor_of(items[-1])
        older = PageRef(OLDER, c.at, c.kind, c.id, day, number + 1)
    if items and has_newer:
        c = cursor_of(items[0])
        newer = PageRef(NEWER, c.at, c.kind, c.id, day, max(1, number - 1))
    return HistoryPage(
        team_id=team.id,
        team_name=team.name,
        level=team.level,
        items=items,
        total=total,
        number=number,
        older=older,
        newer=newer,
        since=day,
    )
