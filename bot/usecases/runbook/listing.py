"""``/maturity runbook …``: the ranked list, its help, and turning its pages.

:func:`command` routes the subcommands (``add`` to :mod:`.editing`, ``import`` to
:mod:`.importing`); neither imports this module back.
"""

from __future__ import annotations

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.commands import SUBCOMMANDS
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
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
from conversations.runbook.verbs import Button, Kind, Reading, as_typed, read_verb
from conversations.text import truncate
from storage.db import read_scope, session_scope
from storage.workspaces import clean_team_name, find_channel_team, find_team_by_name


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """Route ``/maturity runbook …``."""
    words = split_words(rest)
    reading = read_verb(words)
    if reading.kind is Kind.VERB and reading.verb == "add":
        return editing.add(deps, where, words[1:])
    if reading.kind is Kind.VERB and reading.verb == "import":
        return importing.import_url(deps, where, words[1:])
    named = " ".join(words)
    if reading.kind is Kind.SHOW:
        if reading.rest and _is_team(deps, where, named):  # "Show Business" is a team
            return show(deps, where, named)
        return show(deps, where, " ".join(reading.rest) or None)
    if reading.kind is Kind.TEAM:
        return show(deps, where, named)
    if reading.kind is Kind.VERB:  # help
        return (
            show(deps, where, named) if reading.rest and _is_team(deps, where, named) else usage()
        )
    if _is_team(deps, where, named):  # a team may be called "Release" or "Edit Tools"
        return show(deps, where, named)
    return _not_a_verb(deps, where, reading)


def _is_team(deps: Deps, where: Where, name: str) -> bool:
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        cleaned = clean_team_name(name)
        return find_team_by_name(session=session, workspace_id=ws, name=cleaned) is not None


BUTTON_HOW = {
    Button.REMOVE: "Removing an operation is a button: click *Remove* beside it in the list.",
    Button.EDIT: "Changing an operation is a button: click *Edit* beside it in the list.",
    Button.REMIND: (
        "A reminder is a menu: pick *Remind me to script this* beside the operation in the list."
    ),
    Button.SCRIPTED: (
        "Done scripting one? Click *Edit* beside it in the list and tick *It's scripted* (say "
        "where the script lives, if you like)."
    ),
    Button.PASTE: "Pasting a runbook is a button: *Paste a runbook*, under the list.",
}


def _not_a_verb(deps: Deps, where: Where, reading: Reading) -> Answer:
    """A button's verb (``remove``, ``edit`` …): how to do it, with the list when there is
    one here; a near miss: the command it probably meant. Nothing is created or changed."""
    typed = escape_mrkdwn(truncate(reading.typed, 40))
    if reading.button is not None:
        how = BUTTON_HOW[reading.button]
        if reading.kind is Kind.NEAR_MISS:
            how = f"I don't know `{COMMAND} runbook {typed}`; if you meant *{reading.verb}*: {how}"
        if _has_channel_team(deps, where):
            return show(deps, where, None, note=f":point_down: {how}")
        raise UserFacingError(
            f"{how} See the list with `{COMMAND} runbook` in the team's channel, or "
            f"`{COMMAND} runbook <team name>`."
        )
    meant = f"{COMMAND} runbook {reading.verb}"
    if reading.verb != "help" and reading.rest:
        meant += " " + as_typed(reading.rest)
    raise UserFacingError(
        f"I don't know `{COMMAND} runbook {typed}`. Did you mean "
        f"`{escape_mrkdwn(truncate(meant, 300))}`? "
        f"(`{COMMAND} runbook help` lists what I can do.)"
    )


def _has_channel_team(deps: Deps, where: Where) -> bool:
    if teams.in_dm(where) or not where.channel_id:
        return False
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        found = find_channel_team(session=session, workspace_id=ws, channel_id=where.channel_id)
        return found is not None


def usage() -> Answer:
    """``/maturity runbook help``: the runbook's own subcommands."""
    lines = "\n".join(
        f"• `{escape_mrkdwn(s.usage)}` — {escape_mrkdwn(s.summary)}"
        for s in SUBCOMMANDS
        if s.name == "runbook"
    )
    return Answer(text=f"*Runbook to script*\n{lines}")


def show(deps: Deps, where: Where, team_name: str | None, page: int = 0, note: str = "") -> Answer:
    """``/maturity runbook [team name]``: the ranked list (``note``: mrkdwn, safe already).

    A named team must exist already; the channel's own team is created the first time its
    runbook is asked for (the only time this takes the write lock).
    """
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        if not _first_look(session, ws, where, team_name):
            team = resolve_team(session, ws, where, team_name, create=False)
            return page_answer(load_page(session, ws, team, where.user_id, page, note))
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, None)
        return page_answer(load_page(session, ws, team, where.user_id, page, note))


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
