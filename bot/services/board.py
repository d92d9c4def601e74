"""``/maturity board [team name]``: a team's criteria board, read-only, just to the asker."""

from __future__ import annotations

from bot.blocks.board import board_blocks
from bot.deps import Deps
from bot.errors import UserFacingError
from bot.ids import COMMAND
from bot.services.assessment import Reply, Where, workspace_id_for
from conversations.text import escape_mrkdwn, truncate
from storage.criteria import criteria_board, criterion_history
from storage.db import session_scope
from storage.workspaces import find_channel_team, find_team_by_name


def show(deps: Deps, where: Where, team_name: str | None) -> Reply:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        if team_name:
            team = find_team_by_name(session=session, workspace_id=ws, name=team_name)
            missing = f"I don't know a team called “{escape_mrkdwn(truncate(team_name, 80))}”"
        else:
            if where.channel_id.startswith("D"):
                raise UserFacingError(f"Which team? In a DM, name it: `{COMMAND} board Payments`.")
            team = find_channel_team(session=session, workspace_id=ws, channel_id=where.channel_id)
            missing = "This channel has no team on the board yet"
        if team is None or team.id is None:
            raise UserFacingError(f"{missing}. `{COMMAND} assess` puts a team on it.")
        board = criteria_board(session=session, workspace_id=ws, team_id=team.id)
        history = criterion_history(session=session, workspace_id=ws, team_id=team.id)
        blocks = board_blocks(team_name=team.name, level=team.level, board=board, history=history)
        text = f"Criteria board for {team.name}"
    return Reply(text=text, blocks=[b.to_dict() for b in blocks])
