"""What the runbook's use cases share: the team a command is about, who may change what,
the ``scripted.ops_80pct`` criterion the runbook feeds, and a page of the ranked list.

After every change the scripted share is recorded on the team's criteria board with source
``runbook`` (:func:`record_share`), so the next check-in takes it as known instead of asking.
"""

from __future__ import annotations

import re
import shlex

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.runbook.common import q, to_dicts
from bot.blocks.runbook.listing import OpLine, RunbookPage, list_blocks, list_text
from bot.deps import Deps
from bot.scheduling.reminder_times import local_phrase
from bot.slack import people
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases import teams
from bot.usecases.context import Where, workspace_id_for
from conversations.model import DEPLOYS_PER_DAY
from conversations.runbook.ranking import DEFAULT_DEPLOYS_PER_DAY, rank, summarise
from conversations.scoring import Status, criterion_status, number_of
from conversations.text import escape_mrkdwn, format_number, truncate
from storage.criteria import criteria_board, record_criterion
from storage.db import read_scope
from storage.models import RunbookOperation, Team
from storage.runbook import (
    get_operation,
    latest_checkin_answers,
    list_operations,
    reminders_for,
    to_operation,
)
from storage.workspaces import get_team

SCRIPTED_CRITERION = "scripted.ops_80pct"
SOURCE = "runbook"
URL_MAX = 2000
_URL = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)
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


def is_web_address(url: str) -> bool:
    """An http(s) address a script link may be (no spaces, no mrkdwn brackets)."""
    return bool(_URL.match(url)) and len(url) <= URL_MAX


def check_url(url: str) -> str:
    """A script link as typed (trimmed): empty, or a web address; refused otherwise."""
    url = url.strip()
    if url and not is_web_address(url):
        raise UserFacingError("The script link has to be a web address starting with https://.")
    return url


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
    """The team's deploys a day from its latest check-in, None when never answered."""
    answers = latest_checkin_answers(session=session, workspace_id=ws, team_id=team_id)
    return number_of(DEPLOYS_PER_DAY, answers) if answers else None


# ------------------------------------------------------------------ who may change what


def may_change(client: WebClient, op: RunbookOperation, team: Team, user_id: str) -> bool:
    """The operation's owner, the team's creator, or a workspace admin."""
    if user_id and user_id in (op.owner, team.created_by):
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


def record_share(session: Session, ws: int, team_id: int, user_id: str) -> None:
    """Set ``scripted.ops_80pct`` from the runbook (source ``runbook``) after a change."""
    rows = list_operations(session=session, workspace_id=ws, team_id=team_id)
    ops = [to_operation(r) for r in rows]
    board = criteria_board(session=session, workspace_id=ws, team_id=team_id)
    current = board.get(SCRIPTED_CRITERION)
    if not ops:
        if current is not None and current.source == SOURCE and current.value is not None:
            record_criterion(
                session=session,
                workspace_id=ws,
                team_id=team_id,
                criterion_id=SCRIPTED_CRITERION,
                status=Status.UNKNOWN,
                value=None,
                user_id=user_id,
                source=SOURCE,
                evidence="the runbook is empty again",
            )
        return
    s = summarise(ops)
    assert s.share is not None
    status = criterion_status(SCRIPTED_CRITERION, format_number(s.share))
    changed = current is None or current.status != status or current.value != s.share
    record_criterion(
        session=session,
        workspace_id=ws,
        team_id=team_id,
        criterion_id=SCRIPTED_CRITERION,
        status=status,
        value=s.share,
        user_id=user_id,
        source=SOURCE,
        evidence=(f"{s.scripted} of {s.total} runbook operations scripted" if changed else ""),
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
    )


def page_answer(page: RunbookPage, *, replace: bool = False) -> Answer:
    """A page of the list as an answer (``replace``: in place of the list acted on)."""
    return Answer(text=list_text(page), blocks=to_dicts(list_blocks(page)), replace=replace)
