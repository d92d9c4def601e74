"""``/maturity board [team name]``: a team's criteria board, just to the asker, with where
each status came from (and, under the scripted share, the runbook's evidence) and an
*Update* button beside each criterion (``bot/usecases/criteria.py`` opens its form).

The board reads each criterion's latest change and the few newest ones, never the whole
history: a team with 10,000 changes gets its board as quickly as a new one.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.blocks.board import board_blocks
from bot.blocks.checkins import Split
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.ids import COMMAND
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.teams import resolve_team
from conversations.checkins import split_of
from conversations.runbook.coverage import RunbookEvidence, coverage_of
from storage.checkins import open_calibrations
from storage.criteria import board_entries, board_history
from storage.db import read_scope
from storage.evidence import measurement, measurements_of
from storage.models import Team
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
        blocks = board_of(session, ws, team)
        text = f"Criteria board for {escape_mrkdwn(team.name)}"
    return Answer(text=text, blocks=[b.to_dict() for b in blocks])


def board_of(session: Session, ws: int, team: Team) -> list[Block]:
    """The team's board as Block Kit blocks (with its *Update* buttons)."""
    assert team.id is not None
    board = board_entries(session=session, workspace_id=ws, team_id=team.id)
    history = board_history(session=session, workspace_id=ws, team_id=team.id)
    scripted, total = operation_counts(session=session, workspace_id=ws, team_id=team.id)
    runbook = RunbookEvidence(scripted, total, coverage_of(team.runbook_complete))
    measured = {
        cid: measurement(m)
        for cid, m in measurements_of(session=session, workspace_id=ws, team_id=team.id).items()
    }
    splits = {
        c.criterion_id: Split(
            calibration_id=c.id or 0,
            team_name=team.name,
            criterion_id=c.criterion_id,
            groups=split_of(c.criterion_id, c.answers),
            notes=dict(c.notes or {}),
        )
        for c in open_calibrations(session=session, workspace_id=ws, team_id=team.id)
    }
    return board_blocks(
        team_name=team.name,
        level=team.level,
        board=board,
        history=history,
        runbook=runbook,
        team_id=team.id,
        measured=measured,
        splits=splits,
    )
