"""``/maturity hook [team name]`` and ``/maturity hook rotate [team name]``: a team's
evidence hook token, for its owners and workspace admins only.

Only the token's SHA-256 is kept, so ``hook`` can say whether a token exists (and when it
was made, by whom), never show it; ``hook rotate`` makes a new one, replacing the old one
at once, and shows it this once — in an answer only the person who asked sees.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.criteria import team_words
from bot.blocks.hooks import hook_status_blocks, new_token_blocks
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.permissions import may_change_team, owners_of
from bot.usecases.teams import resolve_team
from conversations.text import join_and
from storage.db import read_scope, session_scope
from storage.evidence import rotate_token, token_of
from storage.models import Team
from storage.workspaces import get_team

ROTATE = "rotate"


def refusal(team: Team) -> str:
    owners = [f"<@{o}>" for o in owners_of(team) if o[:1] in ("U", "W") and o.isalnum()]
    who = f"{join_and(owners)} (the team's owners)" if owners else "the team's owners"
    return (
        f"Only {who} or a workspace admin can see or change *{team_words(team.name)}*'s hook "
        "token, so I've left it as it is."
    )


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    words = rest.split()
    rotate = bool(words) and words[0].lower() == ROTATE
    team_name = " ".join(words[1:] if rotate else words) or None
    verb = f"hook {ROTATE}" if rotate else "hook"
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} {verb} Payments Platform",
            unknown_hint=f"`{COMMAND} assess` puts one there.",
        )
        assert team.id is not None
        team_id = team.id
    if not may_change_team(client, team, where.user_id):
        raise UserFacingError(refusal(team))
    if rotate:
        return _rotate(deps, where, ws, team_id)
    with read_scope(deps.engine) as session:
        row = token_of(session=session, workspace_id=ws, team_id=team_id)
    blocks = hook_status_blocks(
        team.name, row.created_at if row else None, row.created_by if row else ""
    )
    return Answer(
        text=f"Evidence hooks for {team_words(team.name)}", blocks=[b.to_dict() for b in blocks]
    )


def _rotate(deps: Deps, where: Where, ws: int, team_id: int) -> Answer:
    with session_scope(deps.engine) as session:
        team = get_team(session=session, workspace_id=ws, team_id=team_id)
        if team is None:
            raise UserFacingError("I can't find that team any more.")
        replaced = token_of(session=session, workspace_id=ws, team_id=team_id) is not None
        token = rotate_token(
            session=session, workspace_id=ws, team_id=team_id, user_id=where.user_id
        )
        name = team.name
    blocks = new_token_blocks(name, token, replaced)
    return Answer(
        text=f"A new hook token for {team_words(name)} (shown once)",
        blocks=[b.to_dict() for b in blocks],
    )
