"""Which team a command is about: the one named, else the channel's own — and asking
before a team is created from a channel's name.

:func:`resolve_team` never creates a team from a channel's name by itself: a command with
no team name, in a channel with no team yet, is answered with a question
(:class:`TeamQuestion`, a :class:`~bot.slack.errors.UserFacingError` with buttons). A named
team that does not exist is created on first use, unless its name is close to a team the
workspace has: then the person is asked whether they meant that one. The router
(``bot/usecases/router.py``) puts the typed command into the buttons, so a click carries on
with it (:func:`create_team`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session

from bot.blocks.teams import BUTTON_VALUE_MAX, team_question_blocks
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases.context import Where, workspace_id_for
from conversations.text import closest, truncate
from storage.db import session_scope
from storage.models import Team
from storage.workspaces import (
    channel_team_name,
    clean_team_name,
    ensure_channel_team,
    ensure_named_team,
    find_channel_team,
    find_team_by_name,
    get_or_create_named_team,
    team_names,
)

EXAMPLE_TEAM = "Payments Platform"


def in_dm(where: Where) -> bool:
    return where.channel_id.startswith("D")


def q(name: str) -> str:
    """A team name (user text) as shown in a message: escaped, cut to 80 characters."""
    return escape_mrkdwn(truncate(" ".join(name.split()), 80))


@dataclass(frozen=True)
class Ask:
    """What to ask: create ``create`` (the channel's own team when ``channel``), and/or use
    ``suggestion`` — the existing team closest to ``typed``."""

    typed: str | None  # the team name as the use case got it (None: the channel's own)
    create: str | None  # the name of the team the Create button makes (None: no button)
    channel: bool  # the team to create is the channel's own
    suggestion: str | None  # an existing team's name, when ``typed`` was nearly it
    example: str  # how to name the team in the command instead
    hint: str = ""  # said after "I don't know a team called …"


class TeamQuestion(UserFacingError):
    """A command needs a team that does not exist yet: ask before creating one."""

    def __init__(self, ask: Ask) -> None:
        self.ask = ask
        text = question_text(ask)
        super().__init__(text, blocks=question_blocks(ask, text, command=None))


def question_text(ask: Ask, *, example: str | None = None) -> str:
    example = example or ask.example
    if ask.typed is None:
        name = q(ask.create or "")
        return (
            f"This channel has no team on the board yet. Shall I create one called "
            f"“{name}”? If the team goes by another name, give it after the command "
            f"instead: `{escape_mrkdwn(example)}`."
        )
    typed, near = q(clean_team_name(ask.typed)), q(ask.suggestion or "")
    if ask.create is None:  # a command that only reads a team
        text = f"I don't know a team called “{typed}” yet."
        if ask.suggestion:
            text += f" Did you mean “{near}”?"
        return text + (f" {ask.hint}" if ask.hint else "")
    return (
        f"There's no team called “{typed}” yet. Did you mean “{near}”? Or create "
        f"“{typed}” as a new team."
    )


def create_value(ask: Ask, command: str | None) -> str:
    """The Create button's value: the team to create and the command to carry on with."""
    return json.dumps(
        {"name": ask.create, "channel": ask.channel, "command": command or ""},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def question_blocks(ask: Ask, text: str, *, command: str | None) -> list[dict]:
    """The question with its buttons; ``command`` (as typed after ``/maturity``) is carried
    on after a click. Without it (or when it is too long for a button), Create only
    creates the team."""
    use = None
    if ask.suggestion and ask.typed and command:
        corrected = replace_last(command, ask.typed, ask.suggestion)
        if corrected is not None:
            use = (ask.suggestion, corrected)
    create = None
    if ask.create:
        value = create_value(ask, command)
        if len(value) > BUTTON_VALUE_MAX:
            value = create_value(ask, None)
        create = (ask.create, value)
    return team_question_blocks(text, create=create, use=use)


def replace_last(command: str, typed: str, meant: str) -> str | None:
    """``command`` with the last occurrence of ``typed`` replaced by ``meant``, or None
    when ``typed`` does not appear in it as written."""
    at = command.rfind(typed) if typed else -1
    if at < 0:
        return None
    return command[:at] + meant + command[at + len(typed) :]


def resolve_team(
    session: Session,
    ws: int,
    where: Where,
    team_name: str | None,
    *,
    create: bool = True,
    example: str,
    unknown_hint: str = "",
) -> Team:
    """The named team (created on first use when ``create``), else the channel's own team.

    Asks instead (raises :class:`TeamQuestion`) when the channel has no team yet and
    ``create`` is on, and when a name is unknown but close to a team the workspace has.
    ``example`` is the command to show when a DM names no team (and how to name a team
    instead of the channel's); ``unknown_hint`` follows "I don't know a team called …"
    when ``create`` is off.
    """
    if team_name:
        cleaned = clean_team_name(team_name)
        if not any(ch.isalnum() for ch in cleaned):
            raise UserFacingError("A team needs a name with at least one letter.")
        found = find_team_by_name(session=session, workspace_id=ws, name=cleaned)
        if found is not None:
            return found
        near = closest(cleaned, team_names(session=session, workspace_id=ws))
        ask = Ask(
            typed=team_name,
            create=cleaned if create else None,
            channel=False,
            suggestion=near,
            example=example,
            hint=unknown_hint,
        )
        if not create or near is not None:
            raise TeamQuestion(ask)
        return get_or_create_named_team(
            session=session,
            workspace_id=ws,
            name=cleaned,
            channel_id=None if in_dm(where) else where.channel_id or None,
            user_id=where.user_id,
        )
    if in_dm(where) or not where.channel_id:
        raise UserFacingError(f"Which team? Here in our DM, name it: `{example}`.")
    found = find_channel_team(session=session, workspace_id=ws, channel_id=where.channel_id)
    if found is not None:
        return found
    if not create:
        raise UserFacingError(
            "This channel has no team on the board yet."
            + (f" {unknown_hint}" if unknown_hint else "")
        )
    proposal = channel_team_name(
        session=session, workspace_id=ws, channel_name=where.channel_name or where.channel_id
    )
    raise TeamQuestion(
        Ask(
            typed=None,
            create=proposal or where.channel_id,
            channel=True,
            suggestion=None,
            example=example,
        )
    )


# ------------------------------------------------------------------ the Create button


@dataclass(frozen=True)
class CreateRequest:
    name: str
    channel: bool
    command: str


def read_create_value(value: str) -> CreateRequest | None:
    """The Create button's value, or None when it is not one of ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    name, command = data.get("name"), data.get("command", "")
    if not isinstance(name, str) or not isinstance(command, str):
        return None
    return CreateRequest(name=name, channel=bool(data.get("channel")), command=command)


@dataclass(frozen=True)
class Created:
    name: str
    created: bool  # False: the team was there already (another click made it)


def create_team(deps: Deps, where: Where, request: CreateRequest) -> Created:
    """Create the team the person agreed to: the channel's own (named as shown), or a
    team named explicitly."""
    cleaned = clean_team_name(request.name)
    if not any(ch.isalnum() for ch in cleaned):
        raise UserFacingError("A team needs a name with at least one letter.")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        if request.channel:
            if in_dm(where) or not where.channel_id:
                raise UserFacingError(
                    f"Which team? Here in our DM, name it: `{COMMAND} assess {EXAMPLE_TEAM}`."
                )
            team, created = ensure_channel_team(
                session=session,
                workspace_id=ws,
                channel_id=where.channel_id,
                channel_name=cleaned,
                user_id=where.user_id,
            )
        else:
            team, created = ensure_named_team(
                session=session,
                workspace_id=ws,
                name=cleaned,
                channel_id=None if in_dm(where) else where.channel_id or None,
                user_id=where.user_id,
            )
        return Created(name=team.name, created=created)
