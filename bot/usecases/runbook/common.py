"""What the runbook's use cases share: the team a command is about, who may change what,
the ``scripted.ops_80pct`` criterion the runbook may feed, and a page of the ranked list.

A runbook's scripted share is evidence about the operations it lists. After every change
(:func:`record_share`) it is recorded on the team's criteria board — replacing the answer a
person gave — only when the team said its runbook lists all of its operations
(``Team.runbook_complete``, see ``conversations.runbook.coverage``); the next check-in then
takes it as known. Otherwise the person's answer stands and the runbook is shown beside it.
"""

from __future__ import annotations

import re
import shlex

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.runbook.common import q, to_dicts
from bot.blocks.runbook.listing import OpLine, RunbookPage, list_blocks, list_text
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.scheduling.reminder_times import local_phrase
from bot.slack import people
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases import teams
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.levels import follow
from conversations.model import DEPLOYS_PER_DAY, criterion
from conversations.runbook.adding import LOCATION_MAX, clean_title
from conversations.runbook.coverage import SCRIPTED_CRITERION, RunbookEvidence, coverage_of
from conversations.runbook.ranking import DEFAULT_DEPLOYS_PER_DAY, rank, summarise
from conversations.scoring import Status, number_of
from conversations.text import format_number, truncate
from storage.criteria import answer_back, criteria_board, lock_team, record_criterion
from storage.db import read_scope
from storage.evidence import measurements_of
from storage.models import RunbookOperation, Team
from storage.runbook import (
    get_operation,
    latest_answer,
    list_operations,
    operation_counts,
    reminders_for,
    to_operation,
)
from storage.workspaces import get_team

SOURCE = "runbook"
URL_MAX = LOCATION_MAX
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
GONE = "That operation is gone from the runbook."


# ------------------------------------------------------------------ words and links


def split_words(text: str) -> list[str]:
    """Words of a command, quotes kept together (also Slack's curly quotes)."""
    flat = (text or "").translate(_QUOTES)
    try:
        return shlex.split(flat)
    except ValueError:  # an unbalanced quote: keep the words as typed
        return flat.split()


def script_location(text: str) -> str | None:
    """Where a script lives, as given — a link, ``git@github.com:acme/ops.git``, an
    ``ssh://`` URL, ``ops/scripts/rotate.sh`` — on one line; "" for none. None when it is
    longer than we keep (the caller says so). Rendered as a link only when it is http(s)."""
    flat = clean_title(text, URL_MAX + 1)
    return None if len(flat) > URL_MAX else flat


LOCATION_TOO_LONG = f"Keep the script's location under {URL_MAX:,} characters."


def is_user_id(text: str) -> bool:
    return bool(_USER_ID.match(text or ""))


# ------------------------------------------------------------------ teams


def resolve_team(
    session: Session, ws: int, where: Where, team_name: str | None, *, create: bool = True
) -> Team:
    """The team a runbook command is about: the one named, else the channel's own."""
    shown = escape_mrkdwn(truncate(" ".join((team_name or "").split()), 80))
    return teams.resolve_team(
        session,
        ws,
        where,
        team_name,
        create=create,
        example=f"{COMMAND} runbook Payments Platform",
        unknown_hint=(
            f'Add its first operation with `{COMMAND} runbook add "…" weekly 30m {shown}`.'
        ),
    )


def team_of(session: Session, ws: int, team_id: int) -> Team:
    """A team of this workspace by id (ids come back from buttons and modal metadata)."""
    team = get_team(session=session, workspace_id=ws, team_id=team_id)
    if team is None:
        raise UserFacingError("I can't find that team any more.")
    return team


def deploys_per_day(session: Session, ws: int, team_id: int) -> float | None:
    """The team's deploys a day from its latest check-in that answered it, else as its
    deploy events measure it (issue 15); None when neither says (per-deploy toil is then
    an estimate at one deploy a day). A person's answer stands over a measurement."""
    raw = latest_answer(session=session, workspace_id=ws, team_id=team_id, qid=DEPLOYS_PER_DAY)
    if raw is not None:
        return number_of(DEPLOYS_PER_DAY, {DEPLOYS_PER_DAY: raw})
    measured = measurements_of(session=session, workspace_id=ws, team_id=team_id)
    row = measured.get(DEPLOYS_PER_DAY)
    return row.value if row is not None else None


# ------------------------------------------------------------------ who may change what


def may_change(client: WebClient, op: RunbookOperation, team: Team, user_id: str) -> bool:
    """The operation's owner, the team's creator, or a workspace admin."""
    if user_id and user_id in (op.owner, team.created_by):
        return True
    return people.lookup(client, user_id).is_admin


def may_declare(client: WebClient, team: Team, owners: set[str], user_id: str) -> bool:
    """Who may say what the team's runbook covers: the team's creator, anyone who owns one
    of its operations (``owners``), or a workspace admin."""
    if user_id and (user_id == team.created_by or user_id in owners):
        return True
    return people.lookup(client, user_id).is_admin


def refusal(op: RunbookOperation, action: str, *, plain: bool = False) -> UserFacingError:
    """The friendly no. ``plain`` for a form field error (plain text: no mention)."""
    has_owner = is_user_id(op.owner)
    if plain:
        who = "its owner, " if has_owner else ""
        what = f"“{truncate(op.title, 80)}”"
    else:
        who = f"<@{op.owner}> (its owner), " if has_owner else ""
        what = q(op.title, 80)
    return UserFacingError(
        f"Only {who}the team's creator or a workspace admin can {action} {what}. "
        "I've left it as it is."
    )


def load_for_change(
    deps: Deps, client: WebClient, where: Where, operation_id: int, action: str
) -> tuple[RunbookOperation, Team]:
    """The operation (and its team) the person may ``action``; refused otherwise.

    Read without the write lock; who may change it is decided from the operation as
    stored and the person acting, never from anything a payload carried.
    """
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_operation(session=session, workspace_id=ws, operation_id=operation_id)
        if row is None:
            raise UserFacingError(GONE)
        team = team_of(session, ws, row.team_id)
    if not may_change(client, row, team, where.user_id):
        raise refusal(row, action)
    return row, team


# ------------------------------------------------------------------ the criterion


def evidence_of(session: Session, ws: int, team: Team) -> RunbookEvidence:
    """The team's runbook as evidence: its counts, and what the team said it covers."""
    assert team.id is not None
    scripted, total = operation_counts(session=session, workspace_id=ws, team_id=team.id)
    return RunbookEvidence(scripted, total, coverage_of(team.runbook_complete))


WHY_BACK = (
    "The runbook no longer stands in for this answer ({why}): back to the last answer a "
    "person gave."
)


def record_share(session: Session, ws: int, team_id: int, user_id: str) -> str:
    """After a change to the runbook (or to what it covers), bring ``scripted.ops_80pct``
    in line: the runbook's share when it stands in (the team said it lists all of its
    operations), recorded with its source; otherwise a share the runbook set earlier goes
    back to the answer a person gave, and a person's answer is never touched.

    Returns a warning (mrkdwn) when this change takes the criterion from met to not met
    for a team at Level 1 or above, so that no level is lost without being told; else "".

    The team's row is locked first, as every path that moves the board does: two runbook
    changes at once (two people adding operations) are decided one after the other, and
    neither fails on the other's first write of the criterion."""
    team = lock_team(session=session, workspace_id=ws, team_id=team_id)
    if team is None:
        raise UserFacingError("I can't find that team any more.")
    evidence = evidence_of(session, ws, team)
    before = team.level
    if not evidence.stands_in:
        why = "it is empty" if evidence.total == 0 else "it may not list every operation"
        answer_back(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            criterion_id=SCRIPTED_CRITERION,
            source=SOURCE,
            user_id=user_id,
            evidence=WHY_BACK.format(why=why),
        )
        follow(session, ws, team, user_id=user_id, source=SOURCE, criterion_id=SCRIPTED_CRITERION)
        return ""
    current = criteria_board(session=session, workspace_id=ws, team_id=team_id).get(
        SCRIPTED_CRITERION
    )
    status, share = evidence.status, evidence.share
    changed = current is None or current.status != status or current.value != share
    was_met = current is not None and current.status == Status.MET  # before it is changed
    record_criterion(
        session=session,
        workspace_id=ws,
        team_id=team_id,
        criterion_id=SCRIPTED_CRITERION,
        status=status,
        value=share,
        user_id=user_id,
        source=SOURCE,
        evidence=evidence.phrase() if changed else "",
    )
    # The level follows the share at once (and the team's channel is told when it moves).
    follow(session, ws, team, user_id=user_id, source=SOURCE, criterion_id=SCRIPTED_CRITERION)
    if was_met and status is not Status.MET and (before or 0) >= 1:
        return level_at_stake(evidence, before or 0, team.level or 0)
    return ""


def level_at_stake(evidence: RunbookEvidence, level: int, now: int) -> str:
    """The runbook's share, standing in for the answer, fell under the bar: say what it
    cost (the level follows it at once: from ``level`` to ``now``)."""
    return (
        f":warning: That puts the runbook at {escape_mrkdwn(evidence.counts())} "
        f"({format_number(round(evidence.share or 0))}%), under the bar of "
        f"“{escape_mrkdwn(criterion(SCRIPTED_CRITERION).label)}”. The team said its runbook "
        f"lists all of its operations, so this is its answer now: the team was at Level {level}, "
        f"and is at Level {now} until more gets scripted. If the runbook "
        "doesn't list every operation, say so under the list."
    )


# ------------------------------------------------------------------ a page of the list


def load_page(
    session: Session, ws: int, team: Team, viewer: str, page: int = 0, note: str = ""
) -> RunbookPage:
    """The team's runbook ranked by toil, with the viewer's own reminders beside it."""
    assert team.id is not None
    rows = list_operations(session=session, workspace_id=ws, team_id=team.id)
    by_id = {r.id: r for r in rows}
    rate = deploys_per_day(session, ws, team.id)
    ranked = rank([to_operation(r) for r in rows], rate)
    reminders = {}
    for schedule in reminders_for(session=session, workspace_id=ws, user_id=viewer):
        op_id = (schedule.payload or {}).get("operation_id")
        if schedule.next_due_at is not None and op_id in by_id:
            reminders[op_id] = local_phrase(schedule.next_due_at, schedule.tz, with_time=False)
    lines = [
        OpLine(
            ranked=r,
            section=by_id[r.op.id].section,
            owner=by_id[r.op.id].owner,
            script_url=by_id[r.op.id].script_url,
            broken_note=by_id[r.op.id].broken_note,
            keep_manual_reason=by_id[r.op.id].keep_manual_reason,
            reminder=reminders.get(r.op.id, ""),
        )
        for r in ranked
    ]
    return RunbookPage(
        team_id=team.id,
        team_name=team.name,
        lines=lines,
        summary=summarise([r.op for r in ranked], rate),
        deploys_per_day=DEFAULT_DEPLOYS_PER_DAY if rate is None else rate,
        deploys_known=rate is not None,
        page=page,
        note=note,
        coverage=coverage_of(team.runbook_complete),
    )


def page_answer(page: RunbookPage, *, replace: bool = False) -> Answer:
    """A page of the list as an answer (``replace``: in place of the list acted on)."""
    return Answer(text=list_text(page), blocks=to_dicts(list_blocks(page)), replace=replace)
