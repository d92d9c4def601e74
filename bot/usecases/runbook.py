"""A team's runbook, end to end: list, add, edit, remove; who may change what; the
``scripted.ops_80pct`` criterion it feeds.

Order of work, as in the check-in: decide and save in one transaction, then talk to Slack.
After every change the scripted share is recorded on the team's criteria board with source
``runbook``, so the next check-in takes it as known instead of asking.

Imports live in :mod:`bot.usecases.runbook_import`, reminders in
:mod:`bot.usecases.runbook_reminders`.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.runbook import (
    FormValues,
    OpLine,
    RunbookPage,
    added_blocks,
    form_modal,
    list_blocks,
    list_text,
    q,
    to_dicts,
)
from bot.deps import Deps
from bot.scheduling.reminder_times import local_phrase
from bot.slack import people
from bot.slack.answer import Answer
from bot.slack.commands import SUBCOMMANDS
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, ActionId, BlockId
from bot.usecases import teams
from bot.usecases.context import Where, workspace_id_for
from conversations.model import DEPLOYS_PER_DAY
from conversations.runbook import (
    DEFAULT_DEPLOYS_PER_DAY,
    FREQUENCY_LABELS,
    MAX_MINUTES,
    MIN_MINUTES,
    NOTE_MAX,
    Frequency,
    Operation,
    RunbookInputError,
    has_words,
    parse_add,
    parse_minutes,
    rank,
    summarise,
    toil_phrase,
)
from conversations.scoring import Status, criterion_status, number_of
from conversations.text import escape_mrkdwn, format_number, truncate
from storage.criteria import criteria_board, record_criterion
from storage.db import session_scope
from storage.models import CriterionState, RunbookOperation, Team
from storage.runbook import (
    DuplicateOperation,
    add_operation,
    delete_operation,
    get_operation,
    latest_checkin_answers,
    list_operations,
    reminders_for,
    stop_reminders,
    update_operation,
)
from storage.workspaces import (
    get_team,
)

logger = logging.getLogger("maturity_bot.runbook")

SCRIPTED_CRITERION = "scripted.ops_80pct"
SOURCE = "runbook"
STATE_FOR = {
    Status.MET: CriterionState.MET,
    Status.PARTLY: CriterionState.PARTLY,
    Status.NOT_MET: CriterionState.NOT_MET,
    Status.UNKNOWN: CriterionState.UNKNOWN,
}
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
URL = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)


# ------------------------------------------------------------------ shared helpers


def split_words(text: str) -> list[str]:
    """Words of a command, quotes kept together (also Slack's curly quotes)."""
    flat = (text or "").translate(_QUOTES)
    try:
        return shlex.split(flat)
    except ValueError:  # an unbalanced quote: keep the words as typed
        return flat.split()


def metadata(**values: Any) -> str:
    return json.dumps(
        {k: v for k, v in values.items() if v not in (None, "")}, separators=(",", ":")
    )


def read_metadata(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


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
    team = get_team(session=session, workspace_id=ws, team_id=team_id)
    if team is None:
        raise UserFacingError("I can't find that team any more.")
    return team


def domain(row: RunbookOperation) -> Operation:
    try:
        frequency = Frequency(row.frequency)
    except ValueError:
        frequency = Frequency.MONTHLY
    return Operation(
        id=row.id or 0,
        title=row.title,
        frequency=frequency,
        minutes=row.minutes,
        scripted=row.scripted,
        kept_manual=bool(row.keep_manual_reason),
        fails=row.broken_fails,
        differs=row.broken_differs,
    )


def deploys_per_day(session: Session, ws: int, team_id: int) -> float | None:
    """The team's deploys a day from its latest check-in, None when never answered."""
    answers = latest_checkin_answers(session=session, workspace_id=ws, team_id=team_id)
    return number_of(DEPLOYS_PER_DAY, answers) if answers else None


def may_change(client: WebClient, op: RunbookOperation, team: Team, user_id: str) -> bool:
    """The operation's owner, the team's creator, or a workspace admin."""
    if user_id and user_id in (op.owner, team.created_by):
        return True
    return people.lookup(client, user_id).is_admin


def refusal(op: RunbookOperation, action: str, *, plain: bool = False) -> UserFacingError:
    """The friendly no. ``plain`` for a form field error (plain text: no mention)."""
    has_owner = re.match(r"^[UW][A-Z0-9]{2,}$", op.owner or "")
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


def check_url(url: str) -> str:
    url = url.strip()
    if url and (not URL.match(url) or len(url) > 2000):
        raise UserFacingError("The script link has to be a web address starting with https://.")
    return url


# ------------------------------------------------------------------ criteria


def record_share(session: Session, ws: int, team_id: int, user_id: str) -> None:
    """Set ``scripted.ops_80pct`` from the runbook (source ``runbook``) after a change."""
    ops = [domain(r) for r in list_operations(session=session, workspace_id=ws, team_id=team_id)]
    board = criteria_board(session=session, workspace_id=ws, team_id=team_id)
    current = board.get(SCRIPTED_CRITERION)
    if not ops:
        if current is not None and current.source == SOURCE and current.value is not None:
            record_criterion(
                session=session,
                workspace_id=ws,
                team_id=team_id,
                criterion_id=SCRIPTED_CRITERION,
                status=CriterionState.UNKNOWN,
                value=None,
                user_id=user_id,
                source=SOURCE,
                evidence="the runbook is empty again",
            )
        return
    s = summarise(ops)
    assert s.share is not None
    status = STATE_FOR[criterion_status(SCRIPTED_CRITERION, format_number(s.share))]
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


# ------------------------------------------------------------------ the list


def load_page(
    session: Session, ws: int, team: Team, viewer: str, page: int = 0, note: str = ""
) -> RunbookPage:
    assert team.id is not None
    rows = list_operations(session=session, workspace_id=ws, team_id=team.id)
    by_id = {r.id: r for r in rows}
    rate = deploys_per_day(session, ws, team.id)
    ranked = rank([domain(r) for r in rows], rate)
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


def page_reply(page: RunbookPage) -> Answer:
    return Answer(text=list_text(page), blocks=to_dicts(list_blocks(page)))


def show(deps: Deps, where: Where, team_name: str | None, page: int = 0) -> Answer:
    """``/maturity runbook [team name]``: the ranked list."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, team_name, create=not team_name)
        return page_reply(load_page(session, ws, team, where.user_id, page))


def show_team(deps: Deps, where: Where, team_id: int, page: int = 0, note: str = "") -> Answer:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = team_of(session, ws, team_id)
        return page_reply(load_page(session, ws, team, where.user_id, page, note))


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    """Route ``/maturity runbook …``."""
    words = split_words(rest)
    head = words[0].lower() if words else ""
    if head == "add":
        return add(deps, where, words[1:])
    if head == "import":
        from bot.usecases.runbook_import import import_url  # (it imports this module)

        return import_url(deps, where, words[1:])
    if head == "help" and len(words) == 1:
        lines = "\n".join(
            f"• `{escape_mrkdwn(s.usage)}` — {escape_mrkdwn(s.summary)}"
            for s in SUBCOMMANDS
            if s.name == "runbook"
        )
        return Answer(text=f"*Runbook to script*\n{lines}")
    return show(deps, where, " ".join(words) or None)


# ------------------------------------------------------------------ add


def add(deps: Deps, where: Where, words: Sequence[str]) -> Answer:
    """``/maturity runbook add "<title>" <frequency> <minutes>m [team name]``."""
    try:
        request = parse_add(words)
    except RunbookInputError as exc:  # it quotes what was typed: no mention, no link
        raise UserFacingError(escape_mrkdwn(str(exc))) from None
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, request.team_name)
        assert team.id is not None
        row = add_operation(
            session=session,
            workspace_id=ws,
            team_id=team.id,
            title=request.title,
            frequency=request.frequency.value,
            minutes=request.minutes,
            owner=where.user_id,
            created_by=where.user_id,
            source="command",
        )
        if row is None:
            raise UserFacingError(
                f"{q(request.title)} is already in {escape_mrkdwn(team.name)}'s runbook. "
                f"Change it with Edit in `{COMMAND} runbook`."
            )
        record_share(session, ws, team.id, where.user_id)
        page = load_page(session, ws, team, where.user_id)
    line = next(line for line in page.lines if line.ranked.op.id == row.id)
    todo = sum(1 for x in page.lines if x.ranked.rank is not None)
    place = f"#{line.ranked.rank} of {todo} to script" if line.ranked.rank else "scripted"
    note = (
        f":white_check_mark: Added {q(request.title)} to *{escape_mrkdwn(team.name)}*'s runbook: "
        f"{FREQUENCY_LABELS[line.ranked.op.frequency]}, {request.minutes} min a run — about "
        f"*{toil_phrase(line.ranked.toil)} of toil a month*, {place}."
    )
    return Answer(
        text=f"Added {q(request.title)} to the runbook.",
        blocks=to_dicts(added_blocks(note, page.team_id)),
    )


# ------------------------------------------------------------------ edit


NEW_DEFAULTS: dict[str, Any] = {
    "frequency": Frequency.WEEKLY.value,
    "minutes": 30,
    "section": "",
    "scripted": False,
    "script_url": "",
    "owner": "",
    "broken_fails": False,
    "broken_differs": False,
    "broken_note": "",
    "keep_manual_reason": "",
}
LATER_FIELDS = ("broken_fails", "broken_differs", "broken_note", "keep_manual_reason")


@dataclass(frozen=True)
class FormRequest:
    """What an add/edit form carries in ``private_metadata``."""

    team_id: int
    operation_id: int  # 0 for a new operation
    version: int
    channel_id: str
    response_url: str


def open_form(
    deps: Deps,
    client: WebClient,
    where: Where,
    *,
    trigger_id: str,
    response_url: str,
    team_id: int = 0,
    operation_id: int = 0,
) -> None:
    """Open the add form (``team_id``) or the edit form (``operation_id``)."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        if operation_id:
            row = get_operation(session=session, workspace_id=ws, operation_id=operation_id)
            if row is None:
                raise UserFacingError("That operation is gone from the runbook.")
            team = team_of(session, ws, row.team_id)
            values = FormValues(
                title=row.title,
                frequency=domain(row).frequency,
                minutes=row.minutes,
                section=row.section,
                scripted=row.scripted,
                script_url=row.script_url,
                fails=row.broken_fails,
                differs=row.broken_differs,
                broken_note=row.broken_note,
                keep_manual_reason=row.keep_manual_reason,
                owner=row.owner,
            )
            version = row.version
        else:
            team = team_of(session, ws, team_id)
            values = FormValues(owner=where.user_id)
            version = 0
            row = None
    if row is not None and not may_change(client, row, team, where.user_id):
        raise refusal(row, "change")
    meta = metadata(t=team.id, o=operation_id, v=version, c=where.channel_id, r=response_url)
    client.views_open(
        trigger_id=trigger_id,
        view=form_modal(values, team_name=team.name, metadata=meta, new=not operation_id),
    )


def metadata_int(value: Any) -> int:
    """A database id or version read back from ``private_metadata`` (0 if it is not one)."""
    return value if isinstance(value, int) and 0 <= value < 2**31 else 0


def form_request(raw_metadata: str) -> FormRequest:
    data = read_metadata(raw_metadata)
    return FormRequest(
        team_id=metadata_int(data.get("t")),
        operation_id=metadata_int(data.get("o")),
        version=metadata_int(data.get("v")),
        channel_id=str(data.get("c", "")),
        response_url=str(data.get("r", "")),
    )


def parse_form(
    values: dict[str, dict[str, Any]], *, new: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """A submitted add/edit form → (changes, field errors). A field missing from the
    submission (a terminal shell skipping it) is left as it was."""

    def element(block: str) -> dict[str, Any] | None:
        return (values.get(block) or {}).get(ActionId.RUNBOOK_INPUT)

    def text(block: str) -> str | None:
        el = element(block)
        return None if el is None else " ".join(str(el.get("value") or "").split())

    def checked(block: str) -> set[str] | None:
        el = element(block)
        if el is None:
            return None
        return {str(o.get("value")) for o in el.get("selected_options") or []}

    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    title = text(BlockId.RUNBOOK_TITLE)
    if title is not None or new:
        if not title or not has_words(title):
            errors[BlockId.RUNBOOK_TITLE] = "Give it a title with a letter or digit in it."
        else:
            changes["title"] = title
    freq = element(BlockId.RUNBOOK_FREQUENCY)
    if freq is not None:
        chosen = (freq.get("selected_option") or {}).get("value") or freq.get("value")
        try:
            changes["frequency"] = Frequency(str(chosen)).value
        except ValueError:
            errors[BlockId.RUNBOOK_FREQUENCY] = "Pick how often it runs."
    minutes_el = element(BlockId.RUNBOOK_MINUTES)
    if minutes_el is not None:
        raw = str(minutes_el.get("value") or "")
        minutes = parse_minutes(raw)
        if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
            errors[BlockId.RUNBOOK_MINUTES] = "Minutes one run takes: a whole number, 1 to 10080."
        else:
            changes["minutes"] = minutes
    section = text(BlockId.RUNBOOK_SECTION)
    if section is not None:
        changes["section"] = section
    url = text(BlockId.RUNBOOK_SCRIPT_URL)
    if url is not None:
        if url and (not URL.match(url) or len(url) > 2000):
            errors[BlockId.RUNBOOK_SCRIPT_URL] = "A web address starting with https://, please."
        changes["script_url"] = url
    scripted = checked(BlockId.RUNBOOK_SCRIPTED)
    if scripted is not None:
        changes["scripted"] = "scripted" in scripted
    if changes.get("script_url"):
        changes["scripted"] = True
    broken = checked(BlockId.RUNBOOK_BROKEN)
    if broken is not None:
        changes["broken_fails"] = "fails" in broken
        changes["broken_differs"] = "differs" in broken
    for block, key in (
        (BlockId.RUNBOOK_BROKEN_NOTE, "broken_note"),
        (BlockId.RUNBOOK_KEEP_MANUAL, "keep_manual_reason"),
    ):
        value = text(block)
        if value is not None:
            changes[key] = value[:NOTE_MAX]
    owner = element(BlockId.RUNBOOK_OWNER)
    if owner is not None:
        picked = str(owner.get("selected_user") or owner.get("value") or "").strip()
        if picked and not re.match(r"^[UW][A-Z0-9]{2,}$", picked):
            errors[BlockId.RUNBOOK_OWNER] = "Pick the owner from the list."
        elif picked:
            changes["owner"] = picked
    return changes, errors


@dataclass(frozen=True)
class Saved:
    """What saving a form came to: field errors for the form (nothing saved), or the
    refreshed list to show once the submission is acknowledged."""

    errors: dict[str, str]
    reply: Answer | None = None


def save_form(
    deps: Deps, client: WebClient, where: Where, request: FormRequest, changes: dict[str, Any]
) -> Saved:
    """Save a submitted form (the database only: the caller acknowledges, then tells).

    Who may change an operation is decided here, from the operation as stored and the
    person who submitted, never from the form's ``private_metadata``.
    """
    outcome = _save_form(deps, client, where, request, changes)
    if isinstance(outcome, RunbookPage):
        return Saved({}, page_reply(outcome))
    return Saved(outcome)


def _save_form(
    deps: Deps, client: WebClient, where: Where, request: FormRequest, changes: dict[str, Any]
) -> dict[str, str] | RunbookPage:
    if request.operation_id:
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            row = get_operation(session=session, workspace_id=ws, operation_id=request.operation_id)
            if row is None:
                return {
                    BlockId.RUNBOOK_TITLE: "This operation was removed while you were editing it."
                }
            team = team_of(session, ws, row.team_id)
        if not may_change(client, row, team, where.user_id):
            return {BlockId.RUNBOOK_TITLE: str(refusal(row, "change", plain=True))}
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            current = get_operation(
                session=session, workspace_id=ws, operation_id=request.operation_id, lock=True
            )
            if current is None:
                return {
                    BlockId.RUNBOOK_TITLE: "This operation was removed while you were editing it."
                }
            unchanged = all(getattr(current, k) == v for k, v in changes.items())
            if current.version != request.version and not unchanged:
                return {
                    BlockId.RUNBOOK_TITLE: "Someone changed this operation while you had it open. "
                    "Close the form and click Edit again to see their version."
                }
            try:
                updated = update_operation(
                    session=session, workspace_id=ws, operation_id=current.id or 0, **changes
                )
            except DuplicateOperation:
                return {
                    BlockId.RUNBOOK_TITLE: "This section already has an operation with that title."
                }
            if updated is None:
                return {
                    BlockId.RUNBOOK_TITLE: "That collided with another change. Please save again."
                }
            if updated.scripted or updated.keep_manual_reason:
                stop_reminders(session=session, workspace_id=ws, operation_id=updated.id or 0)
            record_share(session, ws, team.id or 0, where.user_id)
            page = load_page(
                session, ws, team, where.user_id, note=f":pencil2: Saved {q(updated.title)}."
            )
    else:
        fields = {**NEW_DEFAULTS, **changes}
        with session_scope(deps.engine) as session:
            ws = workspace_id_for(session, where)
            team = team_of(session, ws, request.team_id)
            assert team.id is not None
            created = add_operation(
                session=session,
                workspace_id=ws,
                team_id=team.id,
                title=str(fields["title"]),
                frequency=str(fields["frequency"]),
                minutes=int(fields["minutes"]),
                section=str(fields["section"]),
                scripted=bool(fields["scripted"]),
                script_url=str(fields["script_url"]),
                owner=str(fields["owner"] or where.user_id),
                created_by=where.user_id,
                source="form",
            )
            if created is None:
                return {
                    BlockId.RUNBOOK_TITLE: "This section already has an operation with that title."
                }
            later = {k: fields[k] for k in LATER_FIELDS if fields[k]}
            if later:
                update_operation(
                    session=session, workspace_id=ws, operation_id=created.id or 0, **later
                )
            record_share(session, ws, team.id, where.user_id)
            page = load_page(
                session,
                ws,
                team,
                where.user_id,
                note=f":white_check_mark: Added {q(created.title)}.",
            )
    return page


# ------------------------------------------------------------------ remove


def remove(deps: Deps, client: WebClient, where: Where, operation_id: int) -> tuple[Answer, bool]:
    """Remove an operation. (reply, whether it replaces the list message)."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_operation(session=session, workspace_id=ws, operation_id=operation_id)
        if row is None:
            return Answer(text="That operation is already gone from the runbook."), False
        team = team_of(session, ws, row.team_id)
    if not may_change(client, row, team, where.user_id):
        raise refusal(row, "remove")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        gone = delete_operation(session=session, workspace_id=ws, operation_id=operation_id)
        if gone is None:
            return Answer(text="That operation is already gone from the runbook."), False
        record_share(session, ws, gone.team_id, where.user_id)
        page = load_page(
            session, ws, team, where.user_id, note=f":wastebasket: Removed {q(gone.title)}."
        )
    return page_reply(page), True
