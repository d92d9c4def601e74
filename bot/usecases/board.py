"""``/maturity board [team name]``: a team's criteria board, read-only, just to the asker,
with where each status came from and, under the scripted share, the runbook's evidence."""

from __future__ import annotations

from bot.blocks.board import board_blocks
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.ids import COMMAND
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import resolve_team
from conversations.runbook.coverage import RunbookEvidence, coverage_of
from storage.criteria import board_changes, board_entries
from storage.db import read_scope
from storage.runbook import operation_counts


def show(deps: Deps, where: Where, team_name: str | None) -> Answer:
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} board Payments Platform",
            unknown_hint=f"`{COMMAND} assess` puts one there.",
        )
        assert team.id is not None
        board = board_entries(session=session, workspace_id=ws, team_id=team.id)
        history = board_changes(session=session, workspace_id=ws, team_id=team.id)
        scripted, total = operation_counts(session=session, workspace_id=ws, team_id=team.id)
        runbook = RunbookEvidence(scripted, total, coverage_of(team.runbook_complete))
        blocks = board_blocks(
            team_name=team.name, level=team.level, board=board, history=history, runbook=runbook
        )
        text = f"Criteria board for {escape_mrkdwn(team.name)}"
    return Answer(text=text, blocks=[b.to_dict() for b in blocks])
