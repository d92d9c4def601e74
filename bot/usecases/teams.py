"""Which team a command is about: the one named, else the channel's own."""

from __future__ import annotations

from sqlmodel import Session

from bot.slack.errors import UserFacingError
from bot.usecases.context import Where
from conversations.text import escape_mrkdwn, truncate
from storage.models import Team
from storage.workspaces import (
    clean_team_name,
    find_channel_team,
    find_team_by_name,
    get_or_create_channel_team,
    get_or_create_named_team,
)


def in_dm(where: Where) -> bool:
    return where.channel_id.startswith("D")


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
    """The named team (created on first use when ``create``), else the channel's own team
    (named after the channel). ``example`` is the command to show when a DM names no team;
    ``unknown_hint`` follows "I don't know a team called …" when ``create`` is off."""
    if team_name:
        cleaned = clean_team_name(team_name)
        if not any(ch.isalnum() for ch in cleaned):
            raise UserFacingError("A team needs a name with at least one letter.")
        if not create:
            found = find_team_by_name(session=session, workspace_id=ws, name=cleaned)
            if found is None:
                raise UserFacingError(
                    f"I don't know a team called “{escape_mrkdwn(truncate(cleaned, 80))}” yet."
                    + (f" {unknown_hint}" if unknown_hint else "")
                )
            return found
        return get_or_create_named_team(
            session=session,
            workspace_id=ws,
            name=cleaned,
            channel_id=None if in_dm(where) else where.channel_id or None,
            user_id=where.user_id,
        )
    if in_dm(where) or not where.channel_id:
        raise UserFacingError(f"Which team? Here in our DM, name it: `{example}`.")
    if not create:
        found = find_channel_team(session=session, workspace_id=ws, channel_id=where.channel_id)
        if found is None:
            raise UserFacingError(
                "This channel has no team on the board yet."
                + (f" {unknown_hint}" if unknown_hint else "")
            )
        return found
    return get_or_create_channel_team(
        session=session,
        workspace_id=ws,
        channel_id=where.channel_id,
        channel_name=where.channel_name or where.channel_id,
        user_id=where.user_id,
    )
