"""Teams as things people manage: ``/maturity teams`` (every team of the workspace, paged),
``/maturity team [name]`` (one team, with its controls), and changing a team — its owners,
name and channel — or deleting it (asked first).

Anyone may look at a team. Only its owners (until someone sets them: the person who created
it) and workspace admins may change or delete it: :func:`~bot.usecases.permissions.
may_change_team` decides, every time a change is *made* — when a command runs, a control
on the card is used or a confirmation clicked — never from what a message showed earlier.
A refusal says who may, and changes nothing.

Slack sends people and channels picked from its autocomplete as ``<@U123|name>`` and
``<#C123|name>``; those are read here. Everything a person typed is escaped before it is
shown again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.blocks.team_card import TeamCard, card_blocks, card_text, contents, delete_team_blocks
from bot.blocks.teams_list import (
    PAGE_SIZE,
    TeamLine,
    channel_link,
    owners_phrase,
    page_count,
    teams_list_blocks,
    teams_list_text,
)
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases.checkins import change_members, follow_owners, team_plan_phrase
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.permissions import may_change_team, owners_of
from bot.usecases.teams import in_dm, q, resolve_team
from storage.db import read_scope, session_scope
from storage.models import Team
from storage.types import utcnow
from storage.workspaces import (
    ChannelTaken,
    TeamNameTaken,
    clean_team_name,
    count_teams,
    delete_team,
    get_team,
    last_changes,
    move_team,
    rename_team,
    set_owners,
    team_row_counts,
    teams_page,
)

MENTION = re.compile(r"<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")
MAX_OWNERS = 20
CONFIRM_FOR = timedelta(minutes=15)
UNKNOWN_HINT = f"`{COMMAND} teams` lists this workspace's teams."
GONE = "That team isn't on the board any more: nothing to change."
EXPIRED = (
    "That confirmation has expired, so nothing was deleted. Type the command again if you "
    "still mean it."
)


# ------------------------------------------------------------------ looking


def listing(deps: Deps, where: Where, page: int = 0, *, replace: bool = False) -> Answer:
    """Page ``page`` (from 0) of the workspace's teams, A to Z."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        total = count_teams(session=session, workspace_id=ws)
        page = min(max(0, page), page_count(total) - 1)
        rows = teams_page(
            session=session, workspace_id=ws, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
        ids = [t.id for t in rows if t.id is not None]
        changed = last_changes(session=session, workspace_id=ws, team_ids=ids)
    lines = [
        TeamLine(
            team_id=t.id or 0,
            name=t.name,
            level=t.level,
            channel_id=t.channel_id,
            owners=owners_of(t),
            last_change=changed.get(t.id or 0),
        )
        for t in rows
    ]
    blocks = teams_list_blocks(lines, total=total, page=page)
    return Answer(
        text=teams_list_text(total, page), blocks=[b.to_dict() for b in blocks], replace=replace
    )


def show(deps: Deps, client: WebClient, where: Where, team_name: str | None) -> Answer:
    """``/maturity team [name]``: the named team, else the channel's own."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} team Payments Platform",
            unknown_hint=UNKNOWN_HINT,
        )
    return card(deps, client, where, team.id or 0)


def card(
    deps: Deps,
    client: WebClient,
    where: Where,
    team_id: int,
    *,
    note: str = "",
    replace: bool = False,
) -> Answer:
    """The team's card, for the person looking (controls only for those who may change it);
    ``note`` (mrkdwn, escaped) says what just happened; ``replace``: in place of the card the
    person used (a command's answer never replaces anything)."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = get_team(session=session, workspace_id=ws, team_id=team_id)
        if team is None:
            raise UserFacingError(GONE)
        changed = last_changes(session=session, workspace_id=ws, team_ids=[team_id])
        checkin_plan = team_plan_phrase(session, ws, team_id)
    shown = TeamCard(
        team_id=team_id,
        name=team.name,
        level=team.level,
        target_level=team.target_level,
        channel_id=team.channel_id,
        owners=owners_of(team),
        owners_set=bool(team.owners),
        created_by=team.created_by,
        created_at=team.created_at,
        last_change=changed.get(team_id),
        may_change=may_change_team(client, team, where.user_id),
        note=note,
        checkins=checkin_plan
        if checkin_plan != "off"
        else f"off (`{COMMAND} checkin schedule` turns them on)",
    )
    text = f"{note} {card_text(shown)}" if note else card_text(shown)
    return Answer(text=text, blocks=[b.to_dict() for b in card_blocks(shown)], replace=replace)


# ------------------------------------------------------------------ the `team` command


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """``/maturity team …``: ``owners``, ``rename``, ``channel``, ``delete`` — or a team's
    name (or nothing: the channel's own) to show it."""
    parts = rest.strip().split(None, 1)
    verb = parts[0].lower() if parts else ""
    tail = parts[1].strip() if len(parts) > 1 else ""
    if verb == "owners":
        return owners_command(deps, client, where, tail)
    if verb == "members":
        return members_command(deps, client, where, tail)
    if verb == "rename":
        return rename_command(deps, client, where, tail)
    if verb == "channel":
        return channel_command(deps, client, where, tail)
    if verb == "delete":
        return delete_command(deps, client, where, tail)
    return show(deps, client, where, rest.strip() or None)


def _leading(pattern: re.Pattern[str], text: str) -> tuple[list[str], str]:
    """The ids of the mentions ``text`` starts with (separated by spaces or commas), and
    what follows them."""
    found: list[str] = []
    rest = text.strip()
    while True:
        match = pattern.match(rest)
        if match is None:
            return found, rest
        found.append(match.group(1))
        rest = rest[match.end() :].lstrip(" ,\t\n")


def owners_command(deps: Deps, client: WebClient, where: Where, tail: str) -> Answer:
    """``/maturity team owners @a @b [team name]``."""
    owners, team_text = _leading(MENTION, tail)
    usage = (
        f"`{COMMAND} team owners @alice @bob` (the team's name after them for a team other "
        "than this channel's)"
    )
    if not owners:
        if "@" in tail:
            raise UserFacingError(
                "I couldn't tell who you mean: pick each person from Slack's @ list as you "
                f"type, e.g. {usage}. Or use the Owners menu on `{COMMAND} team`. Nothing "
                "was changed."
            )
        raise UserFacingError(f"Who should own the team? {usage}.")
    if MENTION.search(team_text):
        raise UserFacingError(f"Put the people first, then the team's name: {usage}.")
    if len(set(owners)) > MAX_OWNERS:
        raise UserFacingError(f"A team can have up to {MAX_OWNERS} owners. Nothing was changed.")
    ws, team = _changeable(deps, client, where, team_text or None, "owners @alice @bob")
    return _set_owners(deps, client, where, ws, team, owners)


def members_command(deps: Deps, client: WebClient, where: Where, tail: str) -> Answer:
    """``/maturity team members @a @b [team name]`` (``none``: nobody): people the owners
    add to the team's weekly check-ins, asked like owners (issue 13)."""
    usage = (
        f"`{COMMAND} team members @alice @bob` (the team's name after them for a team other "
        f"than this channel's; `{COMMAND} team members none` to remove them all)"
    )
    words = tail.split(None, 1)
    clear = bool(words) and words[0].lower() in ("none", "nobody", "off")
    members, team_text = (
        ([], words[1] if len(words) > 1 else "") if clear else _leading(MENTION, tail)
    )
    if not members and not clear:
        if "@" in tail:
            raise UserFacingError(
                "I couldn't tell who you mean: pick each person from Slack's @ list as you "
                f"type, e.g. {usage}. Nothing was changed."
            )
        raise UserFacingError(f"Who else should the weekly check-in ask? {usage}.")
    if MENTION.search(team_text):
        raise UserFacingError(f"Put the people first, then the team's name: {usage}.")
    if len(set(members)) > MAX_OWNERS:
        raise UserFacingError(f"Up to {MAX_OWNERS} members. Nothing was changed.")
    ws, team = _changeable(deps, client, where, team_text.strip() or None, "members @alice @bob")
    assert team.id is not None
    change_members(deps, client, where, ws, team.id, members)
    note = (
        f"*{q(team.name)}*'s weekly check-ins now ask {owners_phrase(members, MAX_OWNERS)} "
        "too, besides its owners."
        if members
        else f"*{q(team.name)}*'s weekly check-ins ask its owners only."
    )
    return card(deps, client, where, team.id, note=note)


def owners_picked(
    deps: Deps, client: WebClient, where: Where, team_id: int, owners: list[str]
) -> Answer:
    """The Owners menu on a team's card."""
    owners = [o for o in owners if USER_ID.fullmatch(o)]
    ws, team = _changeable_by_id(deps, client, where, team_id)
    if not owners:
        raise UserFacingError(
            "A team needs at least one owner (workspace admins can always change it too). "
            "Nothing was changed."
        )
    if len(set(owners)) > MAX_OWNERS:
        raise UserFacingError(f"A team can have up to {MAX_OWNERS} owners. Nothing was changed.")
    return _set_owners(deps, client, where, ws, team, owners, on_card=True)


def _set_owners(
    deps: Deps,
    client: WebClient,
    where: Where,
    ws: int,
    team: Team,
    owners: list[str],
    *,
    on_card: bool = False,
) -> Answer:
    assert team.id is not None
    with session_scope(deps.engine) as session:
        changed = set_owners(session=session, workspace_id=ws, team_id=team.id, owners=owners)
        if changed is None:
            raise UserFacingError(GONE)
        now = list(changed.owners)
    follow_owners(deps, client, ws, team.id)  # weekly check-ins go to the new owners
    note = f"*{q(team.name)}* is now owned by {owners_phrase(now, MAX_OWNERS)}."
    return card(deps, client, where, team.id, note=note, replace=on_card)


def rename_command(deps: Deps, client: WebClient, where: Where, tail: str) -> Answer:
    """``/maturity team rename <new name>``: this channel's team."""
    if not tail.strip():
        raise UserFacingError(
            f"What should the team be called? `{COMMAND} team rename <new name>`."
        )
    if in_dm(where) or not where.channel_id:
        raise UserFacingError(
            f"Here in our DM I can't tell which team to rename: type `{COMMAND} team rename "
            f"<new name>` in the team's channel, or open the team with `{COMMAND} team <name>` "
            "and rename it there."
        )
    ws, team = _changeable(
        deps,
        client,
        where,
        None,
        "rename Payments Platform",
        hint=f"To rename another team, open it with `{COMMAND} team <name>` and rename it "
        "on its card.",
    )
    return _rename(deps, client, where, ws, team, tail)


def renamed(deps: Deps, client: WebClient, where: Where, team_id: int, name: str) -> Answer:
    """The name field on a team's card."""
    ws, team = _changeable_by_id(deps, client, where, team_id)
    return _rename(deps, client, where, ws, team, name, on_card=True)


def _rename(
    deps: Deps,
    client: WebClient,
    where: Where,
    ws: int,
    team: Team,
    name: str,
    *,
    on_card: bool = False,
) -> Answer:
    assert team.id is not None
    cleaned = clean_team_name(name)
    if not any(ch.isalnum() for ch in cleaned):
        raise UserFacingError("A team needs a name with at least one letter. Nothing was changed.")
    if cleaned == team.name:
        raise UserFacingError(f"The team is called “{q(cleaned)}” already.")
    old = team.name
    try:
        with session_scope(deps.engine) as session:
            done = rename_team(session=session, workspace_id=ws, team_id=team.id, name=cleaned)
            if done is None:
                raise UserFacingError(GONE)
    except TeamNameTaken as taken:
        raise UserFacingError(
            f"There's already a team called “{q(taken.name)}”. Pick another name; nothing "
            "was changed."
        ) from None
    note = f"Renamed *{q(old)}* to *{q(cleaned)}*."
    return card(deps, client, where, team.id, note=note, replace=on_card)


def channel_command(deps: Deps, client: WebClient, where: Where, tail: str) -> Answer:
    """``/maturity team channel #channel [team name]``."""
    channels, team_text = _leading(CHANNEL, tail)
    usage = (
        f"`{COMMAND} team channel #payments` (the team's name after it for a team other than "
        "this channel's)"
    )
    if len(channels) != 1:
        if tail.strip().startswith("#") or len(channels) > 1:
            raise UserFacingError(
                f"Pick one channel from Slack's # list as you type, e.g. {usage}. Or use the "
                f"Channel menu on `{COMMAND} team`. Nothing was changed."
            )
        raise UserFacingError(f"Which channel? {usage}.")
    ws, team = _changeable(deps, client, where, team_text or None, "channel #payments")
    return _move(deps, client, where, ws, team, channels[0])


def channel_picked(
    deps: Deps, client: WebClient, where: Where, team_id: int, channel_id: str
) -> Answer:
    """The Channel menu on a team's card."""
    ws, team = _changeable_by_id(deps, client, where, team_id)
    if not CHANNEL_ID.fullmatch(channel_id):
        raise UserFacingError("Pick a channel for the team (not a DM). Nothing was changed.")
    return _move(deps, client, where, ws, team, channel_id, on_card=True)


def _move(
    deps: Deps,
    client: WebClient,
    where: Where,
    ws: int,
    team: Team,
    channel_id: str,
    *,
    on_card: bool = False,
) -> Answer:
    assert team.id is not None
    if team.channel_key == channel_id:
        raise UserFacingError(f"“{q(team.name)}” lives in {channel_link(channel_id)} already.")
    try:
        with session_scope(deps.engine) as session:
            done = move_team(
                session=session, workspace_id=ws, team_id=team.id, channel_id=channel_id
            )
            if done is None:
                raise UserFacingError(GONE)
    except ChannelTaken as taken:
        other = f", “{q(taken.name)}”" if taken.name else ""
        raise UserFacingError(
            f"{channel_link(channel_id)} has a team of its own already{other}. Rename or "
            f"delete that one first (`{COMMAND} team` in that channel); nothing was changed."
        ) from None
    note = (
        f"*{q(team.name)}* now lives in {channel_link(channel_id)}: commands there mean this "
        "team, and its news is posted there."
    )
    return card(deps, client, where, team.id, note=note, replace=on_card)


# ------------------------------------------------------------------ deleting a team


def delete_command(deps: Deps, client: WebClient, where: Where, tail: str) -> Answer:
    """``/maturity team delete <name>``: asks first (the name must be given)."""
    if not tail.strip():
        raise UserFacingError(
            f"Which team? Name it: `{COMMAND} team delete <team name>`. I'll ask before "
            "deleting anything."
        )
    ws, team = _changeable(deps, client, where, tail, "delete Payments Platform")
    return _ask_delete(deps, ws, team)


def delete_clicked(deps: Deps, client: WebClient, where: Where, team_id: int) -> Answer:
    """*Delete team…* on a team's card: asks first."""
    ws, team = _changeable_by_id(deps, client, where, team_id)
    return _ask_delete(deps, ws, team)


def _ask_delete(deps: Deps, ws: int, team: Team) -> Answer:
    assert team.id is not None
    with read_scope(deps.engine) as session:
        counts = team_row_counts(session=session, workspace_id=ws, team_id=team.id)
    blocks = delete_team_blocks(
        team_id=team.id, name=team.name, contents=contents(counts), issued=utcnow().isoformat()
    )
    return Answer(
        text=f"Delete the team “{q(team.name)}” and everything kept about it?",
        blocks=[b.to_dict() for b in blocks],
    )


def delete_confirmed(
    deps: Deps, client: WebClient, where: Where, team_id: int, issued: str
) -> Answer:
    """The confirmation's *Delete* button: checked again, then the team and everything
    kept about it go, in one unit of work."""
    if not fresh(issued):
        raise UserFacingError(EXPIRED)
    ws, team = _changeable_by_id(deps, client, where, team_id, gone="That team is deleted already.")
    with session_scope(deps.engine) as session:
        counts = delete_team(session=session, workspace_id=ws, team_id=team_id)
    if counts is None:
        raise UserFacingError("That team is deleted already.")
    return Answer(
        text=f"Deleted the team “{q(team.name)}” and everything kept about it "
        f"({contents(counts)}).",
        replace=True,
    )


def keep() -> Answer:
    """*Keep it* on a confirmation."""
    return Answer(text="Kept. Nothing was deleted.", replace=True)


def fresh(issued: str, *, now: datetime | None = None) -> bool:
    """A confirmation issued at ``issued`` (ISO 8601) may still be used."""
    try:
        at = datetime.fromisoformat(issued)
    except ValueError:
        return False
    if at.tzinfo is None:
        return False
    age = (now or utcnow()) - at
    return timedelta(0) - timedelta(minutes=1) <= age <= CONFIRM_FOR


# ------------------------------------------------------------------ who may change


def refusal(team: Team) -> UserFacingError:
    owners = owners_of(team)
    if not owners:
        return UserFacingError(
            f"Only a workspace admin can change “{q(team.name)}” (it has no owners yet). "
            "Nothing was changed."
        )
    return UserFacingError(
        f"Only the owners of “{q(team.name)}” ({owners_phrase(owners)}) or a workspace admin "
        "can change it. Nothing was changed."
    )


def _changeable(
    deps: Deps,
    client: WebClient,
    where: Where,
    team_name: str | None,
    example: str,
    *,
    hint: str = UNKNOWN_HINT,
) -> tuple[int, Team]:
    """The team a command names (else the channel's own), if the person may change it."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} team {example}",
            unknown_hint=hint,
        )
    if not may_change_team(client, team, where.user_id):
        raise refusal(team)
    return ws, team


def _changeable_by_id(
    deps: Deps, client: WebClient, where: Where, team_id: int, *, gone: str = GONE
) -> tuple[int, Team]:
    """The team a control or button is about — looked up in the clicker's own workspace —
    if the person may change it."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = get_team(session=session, workspace_id=ws, team_id=team_id) if team_id else None
    if team is None:
        raise UserFacingError(gone)
    if not may_change_team(client, team, where.user_id):
        raise refusal(team)
    return ws, team
