"""``/maturity runbook …``: the ranked list, its help, and turning its pages.

:func:`command` routes the subcommands (``add`` to :mod:`.editing`, ``import`` to
:mod:`.importing`); neither imports this module back.
"""

from __future__ import annotations

from slack_sdk import WebClient
from sqlmodel import Session

from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.commands import SUBCOMMANDS
from bot.usecases import teams
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.runbook import editing, importing
from bot.usecases.runbook.common import (
    load_page,
    page_answer,
    resolve_team,
    split_words,
    team_of,
)
from conversations.text import escape_mrkdwn
from storage.db import read_scope, session_scope
from storage.workspaces import find_channel_team


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """Route ``/maturity runbook …``."""
    words = split_words(rest)
    head = words[0].lower() if words else ""
    if head == "add":
        return editing.add(deps, where, words[1:])
    if head == "import":
        return importing.import_url(deps, where, words[1:])
    if head == "help" and len(words) == 1:
        return usage()
    return show(deps, where, " ".join(words) or None)


def usage() -> Answer:
    """``/maturity runbook help``: the runbook's own subcommands."""
    lines = "\n".join(
        f"• `{escape_mrkdwn(s.usage)}` — {escape_mrkdwn(s.summary)}"
        for s in SUBCOMMANDS
        if s.name == "runbook"
    )
    return Answer(text=f"*Runbook to script*\n{lines}")


def show(deps: Deps, where: Where, team_name: str | None, page: int = 0) -> Answer:
    """``/maturity runbook [team name]``: the ranked list.

    A named team must exist already; the channel's own team is created the first time its
    runbook is asked for (the only time this takes the write lock).
    """
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        if not _first_look(session, ws, where, team_name):
            team = resolve_team(session, ws, where, team_name, create=False)
            return page_answer(load_page(session, ws, team, where.user_id, page))
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, None)
        return page_answer(load_page(session, ws, team, where.user_id, page))


def _first_look(session: Session, ws: int, where: Where, team_name: str | None) -> bool:
    """No team named, in a channel that has no team yet: showing it creates its team."""
    if team_name or teams.in_dm(where) or not where.channel_id:
        return False
    return find_channel_team(session=session, workspace_id=ws, channel_id=where.channel_id) is None


def show_team(deps: Deps, where: Where, team_id: int, page: int = 0) -> Answer:
    """A page of a team's list, in place of the message clicked ("Show the runbook",
    "Next ›", "‹ Previous")."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = team_of(session, ws, team_id)
        return page_answer(load_page(session, ws, team, where.user_id, page), replace=True)
