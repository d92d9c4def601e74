"""Moving a criterion on a team's board: the *Update* button's form (opened, then saved)
and ``/maturity set <criterion id> <value> [team name]``.

Both go the same way: the person must be allowed to change the team (its owners and
workspace admins, :func:`bot.usecases.permissions.may_change_team`, checked when the
button is clicked AND when the form is submitted or the command runs — always from the
team as stored); then ONE unit of work records the change (old → new, who, when, from
where, the note and evidence link) and lets the level follow (:func:`levels.follow`:
recomputed by the sequential rule, announced in the team's channel when it moved).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.criteria import changed_blocks, team_words, unknown_criterion_blocks, update_modal
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, ActionId, BlockId
from bot.slack.metadata import CriterionMeta
from bot.usecases import home, levels
from bot.usecases.board import board_of
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.permissions import may_change_team, owners_of
from bot.usecases.teams import resolve_team
from conversations.board import (
    BoardChange,
    Source,
    Update,
    UpdateField,
    closest_criteria,
    find_criterion,
    read_set,
    read_update,
)
from conversations.model import Criterion
from conversations.text import join_and
from storage.criteria import board_entries, change_criterion, lock_team, to_change
from storage.db import read_scope, session_scope
from storage.models import Team
from storage.workspaces import get_team

FIELD_BLOCKS: dict[UpdateField, str] = {
    UpdateField.STATUS: BlockId.CRITERION_STATUS,
    UpdateField.VALUE: BlockId.CRITERION_VALUE,
    UpdateField.LINK: BlockId.CRITERION_LINK,
    UpdateField.NOTE: BlockId.CRITERION_NOTE,
}
TEAM_GONE = "I can't find that team any more."
CRITERION_GONE = "That button belongs to a criterion I no longer track."
SET_USAGE = (
    f"Tell me which criterion and what it is now: `{COMMAND} set <criterion id> <value> "
    f"[team name]`, e.g. `{COMMAND} set cd.deploy_under_10min 7 min` or "
    f"`{COMMAND} set cd.automated_rollback yes`. `{COMMAND} board` shows the ids."
)


def refusal(team: Team, *, plain: bool = False) -> str:
    """The polite no: who may change the team's board. ``plain`` for a form's field
    (plain text: no mention, no markup)."""
    if plain:
        return (
            "Only the team's owners or a workspace admin can change its board, so I've left "
            "it as it is."
        )
    owners = [f"<@{o}>" for o in owners_of(team) if o[:1] in ("U", "W") and o.isalnum()]
    who = f"{join_and(owners)} (the team's owners)" if owners else "the team's owners"
    return (
        f"Only {who} or a workspace admin can change *{team_words(team.name)}*'s board. "
        "I've left it as it is."
    )


# ------------------------------------------------------------------ the Update form


def open_update(
    deps: Deps,
    client: WebClient,
    where: Where,
    *,
    team_id: int,
    criterion_id: str,
    response_url: str,
    from_home: bool = False,
) -> Answer:
    """*Update* beside a criterion: its form, for someone who may change the team
    (``from_home``: clicked on the App Home, which is published again once it is saved)."""
    c = find_criterion(criterion_id)
    if c is None:
        raise UserFacingError(CRITERION_GONE)
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = _team(session, ws, team_id)
        entry = board_entries(session=session, workspace_id=ws, team_id=team_id).get(c.id)
    if not may_change_team(client, team, where.user_id):
        raise UserFacingError(refusal(team))
    meta = CriterionMeta(
        team=team_id,
        criterion=c.id,
        channel=where.channel_id,
        response_url=response_url,
        home=from_home,
    )
    return Answer(modal=update_modal(team_name=team.name, c=c, entry=entry, metadata=meta.encode()))


def _form_text(values: dict[str, dict[str, Any]], block: str) -> str:
    element = (values.get(block) or {}).get(ActionId.RUNBOOK_INPUT) or {}
    return str(element.get("value") or "") if isinstance(element, dict) else ""


def _form_choice(values: dict[str, dict[str, Any]], block: str) -> str | None:
    element = (values.get(block) or {}).get(ActionId.RUNBOOK_INPUT) or {}
    if not isinstance(element, dict):
        return None
    picked = (element.get("selected_option") or {}).get("value") or element.get("value")
    return str(picked) if picked else None


def save_update(
    deps: Deps,
    client: WebClient,
    where: Where,
    meta: CriterionMeta,
    values: dict[str, dict[str, Any]],
) -> Answer:
    """The submitted form: messages beside its fields (nothing saved, the form stays open),
    a polite no for someone who may not change the team, or the change saved — and the
    board it was opened from shown again, up to date, in its place (from the App Home:
    the Home, published again, shows it). The Homes of the people concerned follow."""
    c = find_criterion(meta.criterion)
    if c is None:
        return Answer(errors={BlockId.CRITERION_STATUS: CRITERION_GONE})
    read = read_update(
        c.id,
        status=_form_choice(values, BlockId.CRITERION_STATUS),
        value=_form_text(values, BlockId.CRITERION_VALUE),
        link=_form_text(values, BlockId.CRITERION_LINK),
        note=_form_text(values, BlockId.CRITERION_NOTE),
    )
    if isinstance(read, dict):
        return Answer(errors={FIELD_BLOCKS[f]: message for f, message in read.items()})
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = get_team(session=session, workspace_id=ws, team_id=meta.team)
    if team is None:
        return Answer(errors={BlockId.CRITERION_STATUS: TEAM_GONE})
    if not may_change_team(client, team, where.user_id):
        return Answer(errors={BlockId.CRITERION_STATUS: refusal(team, plain=True)})
    done = apply_update(deps, where, meta.team, read, source=Source.BOARD)
    home.refresh(deps, client, where, [meta.team])
    if meta.home:  # the Home, published again, shows the change: the form just closes
        return Answer()
    said = changed_blocks(
        team_name=done.team_name,
        change=done.change,
        c=c,
        level_before=done.level_before,
        level_after=done.level_after,
        channel=done.channel,
    )
    text = f"Updated “{c.label}” on {escape_mrkdwn(done.team_name)}'s board."
    if not meta.response_url:  # not opened from a board message: just say what changed
        return Answer(text=text, blocks=[b.to_dict() for b in said])
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        fresh = _team(session, ws, meta.team)
        shown = board_of(session, ws, fresh)
    return Answer(text=text, blocks=[b.to_dict() for b in [*said, *shown]], replace=True)


# ------------------------------------------------------------------ `/maturity set`


def set_command(deps: Deps, client: WebClient, where: Where, args: Sequence[str]) -> Answer:
    """``/maturity set <criterion id> <value> [team name]``: the value in the answers'
    vocabulary (yes, no, partly — or blocked — or a figure for a numeric criterion, read
    as the check-in reads it: ``about 60%``, ``14 min``); the team named after it, else
    the channel's own. An unknown id gets the closest ids, each a button that runs the
    command with it."""
    if not args:
        raise UserFacingError(SET_USAGE)
    typed, words = args[0], list(args[1:])
    c = find_criterion(typed)
    if c is None:
        suggestions = closest_criteria(typed)
        blocks = unknown_criterion_blocks(typed, suggestions, " ".join(words))
        first = blocks[0].to_dict()["text"]["text"]
        raise UserFacingError(first, blocks=[b.to_dict() for b in blocks])
    if not words:
        raise UserFacingError(
            f"What is “{escape_mrkdwn(c.label)}” now? For example "
            f"`{COMMAND} set {c.id} {'65%' if c.is_numeric else 'yes'}`."
        )
    update, team_name = _value_and_team(c, words)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            example=f"{COMMAND} set {c.id} {' '.join(words[:1])} Payments Platform",
        )
        assert team.id is not None
    if not may_change_team(client, team, where.user_id):
        raise UserFacingError(refusal(team))
    done = apply_update(deps, where, team.id, update, source=Source.BOARD)
    home.refresh(deps, client, where, [team.id])
    said = changed_blocks(
        team_name=done.team_name,
        change=done.change,
        c=c,
        level_before=done.level_before,
        level_after=done.level_after,
        channel=done.channel,
    )
    return Answer(
        text=f"Set “{c.label}” on {escape_mrkdwn(done.team_name)}'s board.",
        blocks=[b.to_dict() for b in said],
    )


def _value_and_team(c: Criterion, words: list[str]) -> tuple[Update, str | None]:
    """Split what follows the id into the value and the team name: the longest start that
    reads as a value is the value (``about 60%``, ``1 hour 30 min``), the rest the team."""
    for k in range(len(words), 0, -1):
        read = read_set(c.id, " ".join(words[:k]))
        if isinstance(read, Update):
            return read, " ".join(words[k:]) or None
    message = read_set(c.id, words[0])
    assert isinstance(message, str)
    raise UserFacingError(escape_mrkdwn(message.replace(", or pick a button", "")))


# ------------------------------------------------------------------ one change, saved


@dataclass(frozen=True)
class Applied:
    team_name: str
    change: BoardChange | None  # None: nothing changed
    level_before: int | None
    level_after: int | None
    channel: bool  # the team has a channel to hear about a level change


def apply_update(deps: Deps, where: Where, team_id: int, update: Update, *, source: str) -> Applied:
    """Record ``update`` on the team's board and let the level follow, in one unit of work
    (the team's row locked first, so changes to one team are decided one at a time)."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = lock_team(session=session, workspace_id=ws, team_id=team_id)
        if team is None:
            raise UserFacingError(TEAM_GONE)
        before = team.level
        _row, event = change_criterion(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            criterion_id=update.criterion_id,
            status=update.status,
            value=update.value,
            user_id=where.user_id,
            source=source,
            note=update.note,
            link=update.link,
        )
        session.flush()
        levels.follow(
            session,
            ws,
            team,
            user_id=where.user_id,
            source=source,
            criterion_id=update.criterion_id,
        )
        return Applied(
            team_name=team.name,
            change=to_change(event) if event is not None else None,
            level_before=before,
            level_after=team.level,
            channel=bool(team.channel_id),
        )


def _team(session: Session, ws: int, team_id: int) -> Team:
    team = get_team(session=session, workspace_id=ws, team_id=team_id)
    if team is None:
        raise UserFacingError(TEAM_GONE)
    return team
