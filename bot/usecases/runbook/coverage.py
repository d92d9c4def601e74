"""What a team's runbook covers: "does it list all of your operations?", asked once on the
list (two buttons), changeable later from the same place.

Only when the answer is "all of them" does the runbook's scripted share stand in for the
team's ``scripted.ops_80pct`` answer (``conversations.runbook.coverage``): recorded on the
board at once, and taken as known by the next check-in. "Only some" leaves the share as
evidence and gives the criterion back to the answer a person gave. Who may answer: the
team's creator, an owner of one of its operations, or a workspace admin.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.runbook.common import name
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, RunbookScopeAction
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.runbook.common import (
    evidence_of,
    load_page,
    may_declare,
    page_answer,
    record_share,
    team_of,
)
from conversations.model import criterion
from conversations.runbook.coverage import SCRIPTED_CRITERION, Coverage, RunbookEvidence
from conversations.scoring import Status
from conversations.text import format_number
from storage.db import read_scope, session_scope
from storage.runbook import runbook_owners, set_runbook_complete

COVERAGE_OF_ACTION = {RunbookScopeAction.ALL: Coverage.ALL, RunbookScopeAction.SOME: Coverage.SOME}
REFUSED = (
    "Only the team's creator, an owner of one of its runbook's operations or a workspace "
    "admin can say what the runbook covers. I've left it as it is."
)


def declare(
    deps: Deps, client: WebClient, where: Where, team_id: int, action: RunbookScopeAction
) -> Answer:
    """Record what the team's runbook covers; the list again, in place, saying what the
    answer changes (above all, when the runbook's share now puts a level at risk)."""
    coverage = COVERAGE_OF_ACTION[action]
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = team_of(session, ws, team_id)
        owners = runbook_owners(session=session, workspace_id=ws, team_id=team_id)
    if not may_declare(client, team, owners, where.user_id):
        raise UserFacingError(REFUSED)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        updated = set_runbook_complete(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            complete=coverage is Coverage.ALL,
        )
        if updated is None:
            raise UserFacingError("I can't find that team any more.")
        before = updated.level
        record_share(session, ws, team_id, where.user_id)  # the level follows the share
        updated = team_of(session, ws, team_id)
        evidence = evidence_of(session, ws, updated)
        note = _note(updated.name, before, updated.level, evidence)
        page = load_page(session, ws, updated, where.user_id, note=note)
    return page_answer(page, replace=True)


def _note(team_name: str, before: int | None, now: int | None, e: RunbookEvidence) -> str:
    """What the answer changes, in mrkdwn (the team's name escaped); the team's level
    ``before`` the answer and ``now`` (it follows the share at once)."""
    bar = escape_mrkdwn(criterion(SCRIPTED_CRITERION).label)
    share = f"{escape_mrkdwn(e.counts())}, {format_number(round(e.share or 0))}%"
    if e.coverage is Coverage.SOME:
        return (
            f":ballot_box_with_check: Noted: this runbook lists some of *{name(team_name)}*'s "
            f"operations. Its share — {share} — stays evidence; the team's own answer to "
            f"“{bar}” stands, and `{COMMAND} assess` asks it."
        )
    text = (
        f":ballot_box_with_check: Noted: this runbook lists all of *{name(team_name)}*'s "
        f"operations, so its share — {share} — is now the team's answer to “{bar}”, and check-ins "
        "won't ask it."
    )
    if e.status is not Status.MET and before is not None and before >= 1:
        text += (
            f" That's under the bar: the team was at Level {before}, and is at Level "
            f"{now or 0} until more gets scripted. Not every operation listed? Say so with "
            "*It lists only some*, and the level comes back."
        )
    return text
