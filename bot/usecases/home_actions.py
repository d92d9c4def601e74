"""*Check in* / *Resume check-in* beside one of the person's teams on the App Home: the same
check-in as ``/maturity assess <team>``, in the person's DM — resumed where they left it
when they have one open — and the Home republished so the button says what it now does.

The Home has no channel to answer in: the check-in's own DM messages are the answer, and
a refusal (a team gone, a check-in that ended) is told in the DM too.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.usecases import assessment, home
from bot.usecases.context import Where, workspace_id_for
from storage.assessments import IDLE_EXPIRY, open_assessment
from storage.db import read_scope
from storage.types import utcnow
from storage.workspaces import get_team

TEAM_GONE = "I can't find that team any more."


def check_in(deps: Deps, client: WebClient, where: Where, team_id: int) -> Answer:
    """Start a check-in of the team in the person's DM, or resume the one they have open."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = get_team(session=session, workspace_id=ws, team_id=team_id) if team_id else None
        if team is None:
            raise UserFacingError(TEAM_GONE)
        name = team.name
        existing = open_assessment(
            session=session, workspace_id=ws, team_id=team_id, user_id=where.user_id
        )
        resumable = (
            existing.id
            if existing is not None and existing.updated_at >= utcnow() - IDLE_EXPIRY
            else None
        )
    if resumable is not None:
        assessment.resume(deps, client, where, resumable)
        started = Answer()
    else:
        started = assessment.start(deps, client, where, name)
    home.refresh(deps, client, where, [])  # only the person's own Home shows the change
    # The DM shows the check-in itself; only an offer to resume or start over (a check-in
    # opened elsewhere meanwhile) needs saying.
    return started if started.blocks else Answer()
