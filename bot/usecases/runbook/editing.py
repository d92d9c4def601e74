"""Adding, editing and removing runbook operations: ``/maturity runbook add …``, the
add/edit form (opened from the list, saved from its submission), and Remove.

Who may change an operation is decided from the operation as stored and the person
acting, never from a form's ``private_metadata``. Order of work, as in the check-in:
decide and save in one transaction, then talk to Slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient

from bot.blocks.runbook.common import q, to_dicts
from bot.blocks.runbook.forms import FormValues, form_modal
from bot.blocks.runbook.listing import RunbookPage, added_blocks
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, ActionId, BlockId
from bot.slack.metadata import FormMeta
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.runbook.common import (
    LOCATION_TOO_LONG,
    is_user_id,
    load_for_change,
    load_page,
    may_change,
    page_answer,
    record_share,
    refusal,
    resolve_team,
    script_location,
    team_of,
)
from conversations.runbook.adding import (
    MAX_MINUTES,
    MIN_MINUTES,
    NOTE_MAX,
    RunbookInputError,
    has_words,
    parse_add,
    parse_minutes,
)
from conversations.runbook.ranking import FREQUENCY_LABELS, Frequency, Ranked, toil_phrase
from storage.db import read_scope, session_scope
from storage.runbook import (
    DuplicateOperation,
    add_operation,
    delete_operation,
    get_operation,
    stop_reminders,
    to_operation,
    update_operation,
)

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
REMOVED_WHILE_EDITING = "This operation was removed while you were editing it."
TITLE_TAKEN = "This section already has an operation with that title."
ALREADY_GONE = "That operation is already gone from the runbook."


# ------------------------------------------------------------------ add, typed


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
        warning = record_share(session, ws, team.id, where.user_id)
        page = load_page(session, ws, team, where.user_id)
    line = next(line for line in page.lines if line.ranked.op.id == row.id)
    todo = sum(1 for x in page.lines if x.ranked.rank is not None)
    place = f"#{line.ranked.rank} of {todo} to script" if line.ranked.rank else "not ranked"
    note = (
        f":white_check_mark: Added {q(request.title)} to *{escape_mrkdwn(team.name)}*'s runbook: "
        f"{FREQUENCY_LABELS[line.ranked.op.frequency]}, {request.minutes} min a run — "
        f"{toil_words(line.ranked, page.deploys_per_day)}, {place}."
    )
    if warning:
        note += f"\n{warning}"
    return Answer(
        text=f"Added {q(request.title)} to the runbook.",
        blocks=to_dicts(added_blocks(note, page.team_id)),
    )


def toil_words(r: Ranked, deploys_per_day: float) -> str:
    """``*2.2 h of toil a month*``; for an estimate, ``about …`` and what it assumed."""
    text = f"*{toil_phrase(r.toil, estimated=r.estimated)} of toil a month*"
    if r.estimated and r.op.frequency is Frequency.PER_DEPLOY and not r.op.minutes_guessed:
        rate = "one deploy" if deploys_per_day == 1 else f"{deploys_per_day:g} deploys"
        text += f" if you ship {rate} a day (assumed until `{COMMAND} assess` records your rate)"
    elif r.estimated:
        text += " (an estimate)"
    return text


# ------------------------------------------------------------------ the form


def open_form(
    deps: Deps,
    client: WebClient,
    where: Where,
    *,
    response_url: str,
    team_id: int = 0,
    operation_id: int = 0,
) -> Answer:
    """The add form (``team_id``) or the edit form (``operation_id``), to open."""
    if operation_id:
        row, team = load_for_change(deps, client, where, operation_id, "change")
        values = FormValues(
            title=row.title,
            frequency=to_operation(row).frequency,
            minutes=row.minutes,
            minutes_guessed=row.minutes_guessed,
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
        with read_scope(deps.engine) as session:
            team = team_of(session, workspace_id_for(session, where), team_id)
        values, version = FormValues(owner=where.user_id), 0
    meta = FormMeta(
        team=team.id or 0,
        operation=operation_id,
        version=version,
        channel=where.channel_id,
        response_url=response_url,
    )
    return Answer(
        modal=form_modal(values, team_name=team.name, metadata=meta.encode(), new=not operation_id)
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
        raw = str(minutes_el.get("value") or "").strip()
        minutes = parse_minutes(raw)
        if not raw and not new:
            pass  # left empty on an operation whose minutes are a guess: the guess stays
        elif minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
            errors[BlockId.RUNBOOK_MINUTES] = "Minutes one run takes: a whole number, 1 to 10080."
        else:
            changes["minutes"] = minutes
            changes["minutes_guessed"] = False  # someone said it
    section = text(BlockId.RUNBOOK_SECTION)
    if section is not None:
        changes["section"] = section
    url = text(BlockId.RUNBOOK_SCRIPT_URL)
    if url is not None:
        location = script_location(url)
        if location is None:
            errors[BlockId.RUNBOOK_SCRIPT_URL] = LOCATION_TOO_LONG
        else:
            changes["script_url"] = location
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
        if picked and not is_user_id(picked):
            errors[BlockId.RUNBOOK_OWNER] = "Pick the owner from the list."
        elif picked:
            changes["owner"] = picked
    return changes, errors


def save_form(
    deps: Deps,
    client: WebClient,
    where: Where,
    meta: FormMeta,
    values: dict[str, dict[str, Any]],
) -> Answer:
    """A submitted add/edit form: field errors for the form (nothing saved), or the
    refreshed list in place of the one the form was opened from."""
    changes, errors = parse_form(values, new=not meta.operation)
    if errors:
        return Answer(errors=errors)
    if meta.operation:
        outcome = _save_edit(deps, client, where, meta, changes)
    else:
        outcome = _save_new(deps, where, meta, changes)
    if isinstance(outcome, RunbookPage):
        return page_answer(outcome, replace=True)
    return Answer(errors={BlockId.RUNBOOK_TITLE: outcome})


def _save_edit(
    deps: Deps, client: WebClient, where: Where, meta: FormMeta, changes: dict[str, Any]
) -> RunbookPage | str:
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_operation(session=session, workspace_id=ws, operation_id=meta.operation)
        if row is None:
            return REMOVED_WHILE_EDITING
        team = team_of(session, ws, row.team_id)
    if not may_change(client, row, team, where.user_id):
        return str(refusal(row, "change", plain=True))
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        current = get_operation(
            session=session, workspace_id=ws, operation_id=meta.operation, lock=True
        )
        if current is None:
            return REMOVED_WHILE_EDITING
        unchanged = all(getattr(current, k) == v for k, v in changes.items())
        if current.version != meta.version and not unchanged:
            return (
                "Someone changed this operation while you had it open. "
                "Close the form and click Edit again to see their version."
            )
        try:
            updated = update_operation(
                session=session, workspace_id=ws, operation_id=current.id or 0, **changes
            )
        except DuplicateOperation:
            return TITLE_TAKEN
        if updated is None:
            return "That collided with another change. Please save again."
        if updated.scripted or updated.keep_manual_reason:
            stop_reminders(session=session, workspace_id=ws, operation_id=updated.id or 0)
        warning = record_share(session, ws, team.id or 0, where.user_id)
        note = f":pencil2: Saved {q(updated.title)}." + (f"\n{warning}" if warning else "")
        return load_page(session, ws, team, where.user_id, note=note)


def _save_new(
    deps: Deps, where: Where, meta: FormMeta, changes: dict[str, Any]
) -> RunbookPage | str:
    fields = {**NEW_DEFAULTS, **changes}
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = team_of(session, ws, meta.team)
        assert team.id is not None
        created = add_operation(
            session=session,
            workspace_id=ws,
            team_id=team.id,
            title=str(fields["title"]),
            frequency=str(fields["frequency"]),
            minutes=int(fields["minutes"]),
            minutes_guessed=bool(fields.get("minutes_guessed")),
            section=str(fields["section"]),
            scripted=bool(fields["scripted"]),
            script_url=str(fields["script_url"]),
            owner=str(fields["owner"] or where.user_id),
            created_by=where.user_id,
            source="form",
        )
        if created is None:
            return TITLE_TAKEN
        later = {k: fields[k] for k in LATER_FIELDS if fields[k]}
        if later:
            update_operation(
                session=session, workspace_id=ws, operation_id=created.id or 0, **later
            )
        warning = record_share(session, ws, team.id, where.user_id)
        note = f":white_check_mark: Added {q(created.title)}." + (f"\n{warning}" if warning else "")
        return load_page(session, ws, team, where.user_id, note=note)


# ------------------------------------------------------------------ remove


def remove(deps: Deps, client: WebClient, where: Where, operation_id: int) -> Answer:
    """Remove an operation: the refreshed list in place of the one clicked."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_operation(session=session, workspace_id=ws, operation_id=operation_id)
        if row is None:
            return Answer(text=ALREADY_GONE)
        team = team_of(session, ws, row.team_id)
    if not may_change(client, row, team, where.user_id):
        raise refusal(row, "remove")
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        gone = delete_operation(session=session, workspace_id=ws, operation_id=operation_id)
        if gone is None:
            return Answer(text=ALREADY_GONE)
        warning = record_share(session, ws, gone.team_id, where.user_id)
        note = f":wastebasket: Removed {q(gone.title)}." + (f"\n{warning}" if warning else "")
        page = load_page(session, ws, team, where.user_id, note=note)
    return page_answer(page, replace=True)
