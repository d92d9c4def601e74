"""Importing a whole runbook: from a URL, a pasted text, or any Slack message.

Every import is parsed (``conversations.runbook.parse_runbook``) into steps with guessed
frequencies (and minutes, where the words give none) and stored as a *preview* (a
``runbook_imports`` row) before anything else: the person reviews it, adjusting how often
each step runs and setting the minutes of a run, page by page (each page's minutes are kept
on the preview), then confirms. Minutes nobody set stay marked as guesses on the operations.
Confirming is a compare-and-set from ``pending``, so a double click imports once;
operations already in the runbook are skipped.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from bot.blocks.runbook.common import q, to_dicts
from bot.blocks.runbook.importing import (
    FROM_CODE,
    PREVIEW_PAGE_SIZE,
    Preview,
    codes_of,
    notice_modal,
    paste_modal,
    preview_card_blocks,
    preview_modal,
    preview_text,
)
from bot.blocks.text import escape_mrkdwn
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND, ActionId, BlockId
from bot.slack.metadata import PasteMeta, PreviewMeta
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.runbook.common import load_page, page_answer, record_share, resolve_team, team_of
from bot.usecases.runbook.fetch import FetchError, check_form, fetch_runbook
from conversations.runbook.adding import MAX_MINUTES, MIN_MINUTES, parse_minutes
from conversations.runbook.parsing import ParsedRunbook, RunbookParseError, parse_runbook
from conversations.text import plural, truncate
from storage.db import read_scope, session_scope
from storage.models import RunbookImport, RunbookImportStatus
from storage.runbook import (
    add_operations,
    create_import,
    finish_import,
    get_import,
    save_import_steps,
    set_import_counts,
)

IMPORT_EXAMPLE = (
    f"{COMMAND} runbook import https://raw.githubusercontent.com/acme/ops/main/runbook.md"
)
PASTED = "pasted text"
NOT_IN_A_DM = (
    "A runbook belongs to a team, and a team to its channel. Use *Add steps to "
    f"runbook* on a message in your team's channel, or paste the steps with "
    f"`{COMMAND} runbook Team Name` → *Paste a runbook*."
)
# Bounded ({1,N}): a message of 40,000 characters of ``<!<!<!…`` must not rescan the rest
# of the text from every ``<`` (that took seconds per click before the bounds).
_SLACK_LINK = re.compile(r"<(https?://[^|>]{1,3000})(?:\|([^>]{0,1000}))?>")
_SLACK_REF = re.compile(r"<([@#!])([^|>]{1,200})(?:\|([^>]{0,1000}))?>")
_SLACK_BOLD_LINE = re.compile(r"^(\s*)\*(?!\s)([^*\n]+?)\*\s*:?\s*$", re.MULTILINE)


def new_key() -> str:
    return secrets.token_hex(16)


def steps_of(parsed: ParsedRunbook) -> list[dict[str, Any]]:
    return [
        {
            "title": s.title,
            "section": s.section,
            "frequency": s.frequency.value,
            "minutes": s.minutes,
            "scripted": s.scripted,
            "reason": s.reason,
            "minutes_guessed": s.minutes_guessed,
        }
        for s in parsed.steps
    ]


def slack_to_plain(text: str) -> str:
    """A Slack message's text as the runbook it was written as: links and mentions to their
    words, ``*bold*`` lines to Markdown headings' bold, entities decoded."""
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text or "")

    def ref(m: re.Match[str]) -> str:
        label = (m.group(3) or "").lstrip("@#")  # "<!subteam^S1|@sre>" is "@sre", not "@@sre"
        if m.group(1) == "!":
            return "@" + (label or m.group(2).split("^")[0])
        return ("@" if m.group(1) == "@" else "#") + (label or m.group(2))

    text = _SLACK_REF.sub(ref, text)
    text = _SLACK_BOLD_LINE.sub(lambda m: f"{m.group(1)}**{m.group(2)}**", text)
    return html.unescape(text)


def _unwrap(url: str) -> str:
    """Slack may hand a typed link over as ``<https://…>`` or ``<https://…|label>``."""
    url = url.strip()
    match = _SLACK_LINK.fullmatch(url)
    return match.group(1) if match else url.strip("<>")


def _preview(row: RunbookImport, team_name: str) -> Preview:
    return Preview(
        key=row.key, team_name=team_name, source_label=row.source_label, steps=list(row.steps)
    )


def _own_pending(row: RunbookImport | None, user_id: str) -> RunbookImport:
    if row is None:
        raise UserFacingError("I can't find that import preview any more. Start the import again.")
    if row.user_id != user_id:
        raise UserFacingError("Only the person who started this import can confirm it.")
    if row.status == RunbookImportStatus.CANCELLED:
        raise UserFacingError("That import was cancelled, so nothing was saved. Start it again.")
    return row


def _already(row: RunbookImport, *, replace: bool = False) -> Answer:
    return Answer(
        text=f"Already imported: {plural(row.added, 'operation')} added.", replace=replace
    )


def _store(
    session: Session,
    ws: int,
    where: Where,
    team_id: int,
    *,
    source: str,
    label: str,
    steps: list[dict[str, Any]],
) -> str:
    """Store a preview; its key."""
    key = new_key()
    create_import(
        session=session,
        workspace_id=ws,
        team_id=team_id,
        user_id=where.user_id,
        key=key,
        source=source,
        source_label=label,
        steps=steps,
    )
    return key


def _first_page(
    preview: Preview, where: Where, response_url: str, *, replace: bool
) -> dict[str, Any]:
    meta = PreviewMeta(
        key=preview.key,
        page=0,
        codes=codes_of(preview.steps),
        replace=replace,
        channel=where.channel_id,
        response_url=response_url,
    )
    return preview_modal(preview, meta)


# ------------------------------------------------------------------ from a URL


def import_url(deps: Deps, where: Where, words: Sequence[str]) -> Answer:
    """``/maturity runbook import <URL> [team name]``: fetch, parse, preview."""
    if not words:
        raise UserFacingError(
            f"Which file? Give me a link to a raw Markdown file: `{IMPORT_EXAMPLE}`."
        )
    url = _unwrap(words[0])
    team_name = " ".join(words[1:]) or None
    try:  # a link that can never be fetched is refused before anything else is asked
        check_form(url, allow_hosts=deps.settings.runbook_allow_hosts)
    except FetchError as exc:
        raise UserFacingError(escape_mrkdwn(str(exc))) from None
    with session_scope(deps.engine) as session:  # a team named here is created on first use
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, team_name)
        team_id, name = team.id or 0, team.name
    try:
        fetched = fetch_runbook(url, allow_hosts=deps.settings.runbook_allow_hosts)
    except FetchError as exc:
        raise UserFacingError(escape_mrkdwn(str(exc))) from None
    steps = steps_of(_parse(fetched.text))
    label = truncate(fetched.url, 255)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        key = _store(session, ws, where, team_id, source="url", label=label, steps=steps)
    preview = Preview(key=key, team_name=name, source_label=label, steps=steps)
    return Answer(text=preview_text(preview), blocks=to_dicts(preview_card_blocks(preview)))


def _parse(text: str) -> ParsedRunbook:
    try:
        return parse_runbook(text)
    except RunbookParseError as exc:
        raise UserFacingError(str(exc)) from None


# ------------------------------------------------------------------ pasted


def open_paste(deps: Deps, where: Where, *, team_id: int, response_url: str) -> Answer:
    """ "Paste a runbook" on the list: the modal to paste it in."""
    with read_scope(deps.engine) as session:
        name = team_of(session, workspace_id_for(session, where), team_id).name
    meta = PasteMeta(
        team=team_id,
        team_name=truncate(name, 80),
        channel=where.channel_id,
        response_url=response_url,
    )
    return Answer(modal=paste_modal(name, meta.encode()))


def paste(deps: Deps, where: Where, meta: PasteMeta, text: str) -> Answer:
    """Pasted text: its preview, in place of the paste modal (or why it has no steps,
    beside the text). Pasted from the list, the import's result replaces the list."""
    try:
        parsed = parse_runbook(text)
    except RunbookParseError as exc:
        return Answer(errors={BlockId.RUNBOOK_TEXT: str(exc)})
    steps = steps_of(parsed)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        name = team_of(session, ws, meta.team).name  # the id came back from a modal: ours?
        key = _store(session, ws, where, meta.team, source="paste", label=PASTED, steps=steps)
    preview = Preview(key=key, team_name=name, source_label=PASTED, steps=steps)
    return Answer(
        view=_first_page(preview, where, meta.response_url, replace=bool(meta.response_url))
    )


# ------------------------------------------------------------------ from a message


def from_message(deps: Deps, where: Where, *, text: str, response_url: str) -> Answer:
    """The "Add steps to runbook" message shortcut: preview the message's steps."""
    if where.channel_id.startswith("D") or not where.channel_id:
        return Answer(modal=notice_modal(NOT_IN_A_DM))
    try:
        parsed = parse_runbook(slack_to_plain(text))
    except RunbookParseError as exc:
        return Answer(modal=notice_modal(escape_mrkdwn(str(exc))))
    steps = steps_of(parsed)
    label = f"a message in #{where.channel_name}" if where.channel_name else "a message"
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, None)
        key = _store(session, ws, where, team.id or 0, source="message", label=label, steps=steps)
        name = team.name
    preview = Preview(key=key, team_name=name, source_label=label, steps=steps)
    return Answer(modal=_first_page(preview, where, response_url, replace=False))


# ------------------------------------------------------------------ review, confirm, cancel


def review(deps: Deps, where: Where, key: str, *, response_url: str) -> Answer:
    """ "Review and import" on a preview card: the preview modal, page 1."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = _own_pending(get_import(session=session, workspace_id=ws, key=key), where.user_id)
        if row.status == RunbookImportStatus.IMPORTED:
            return _already(row)
        preview = _preview(row, team_of(session, ws, row.team_id).name)
    return Answer(modal=_first_page(preview, where, response_url, replace=True))


def page_choices(meta: PreviewMeta, values: dict[str, dict[str, Any]]) -> str:
    """The frequency codes with this page's choices applied (a skipped field keeps its guess)."""
    codes = list(meta.codes)
    for block_id, fields in values.items():
        if not block_id.startswith(BlockId.RUNBOOK_STEP_PREFIX):
            continue
        try:
            index = int(block_id.removeprefix(BlockId.RUNBOOK_STEP_PREFIX))
        except ValueError:
            continue
        chosen = ((fields.get(ActionId.RUNBOOK_INPUT) or {}).get("selected_option") or {}).get(
            "value"
        )
        code = next((c for c, f in FROM_CODE.items() if f.value == chosen), None)
        if code and 0 <= index < len(codes):
            codes[index] = code
    return "".join(codes)


MINUTES_RANGE = f"Minutes one run takes: a whole number, {MIN_MINUTES} to {MAX_MINUTES:,}."


def page_minutes(values: dict[str, dict[str, Any]]) -> tuple[dict[int, int], dict[str, str]]:
    """The minutes set on this page, by step index (an empty box keeps the guess), and the
    boxes that hold no usable number."""
    minutes: dict[int, int] = {}
    errors: dict[str, str] = {}
    for block_id, fields in values.items():
        if not block_id.startswith(BlockId.RUNBOOK_STEP_MINUTES_PREFIX):
            continue
        try:
            index = int(block_id.removeprefix(BlockId.RUNBOOK_STEP_MINUTES_PREFIX))
        except ValueError:
            continue
        raw = str((fields.get(ActionId.RUNBOOK_INPUT) or {}).get("value") or "").strip()
        if not raw:
            continue
        value = parse_minutes(raw)
        if value is None or not MIN_MINUTES <= value <= MAX_MINUTES:
            errors[block_id] = MINUTES_RANGE
        else:
            minutes[index] = value
    return minutes, errors


def with_minutes(steps: Sequence[dict[str, Any]], minutes: dict[int, int]) -> list[dict[str, Any]]:
    """The steps with the minutes someone set (no longer guesses)."""
    out = [dict(s) for s in steps]
    for index, value in minutes.items():
        if 0 <= index < len(out):
            out[index]["minutes"] = value
            out[index]["minutes_guessed"] = False
    return out


def submit_preview(
    deps: Deps, where: Where, meta: PreviewMeta, values: dict[str, dict[str, Any]]
) -> Answer:
    """A page of the preview modal submitted: the next page in its place, or, on the
    last page, the import (in place of the message it started from, when ``meta.replace``).
    A minutes box that holds no usable number keeps the page open, saying so beside it."""
    minutes, errors = page_minutes(values)
    if errors:
        return Answer(errors=errors)
    codes = page_choices(meta, values)
    if (meta.page + 1) * PREVIEW_PAGE_SIZE < len(codes):
        if minutes:
            _keep_minutes(deps, where, meta.key, minutes)
        following = meta.model_copy(update={"page": meta.page + 1, "codes": codes})
        return Answer(view=_next_page(deps, where, following))
    return confirm(deps, where, meta.key, codes, replace=meta.replace, minutes=minutes)


def _keep_minutes(deps: Deps, where: Where, key: str, minutes: dict[int, int]) -> None:
    """The minutes set on a page, kept on the pending preview for the pages after it."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_import(session=session, workspace_id=ws, key=key)
        if row is None or row.user_id != where.user_id:
            return  # the next page says the preview is gone (or not theirs)
        save_import_steps(
            session=session, workspace_id=ws, key=key, steps=with_minutes(row.steps, minutes)
        )


def _next_page(deps: Deps, where: Where, meta: PreviewMeta) -> dict[str, Any]:
    """A page of the preview modal (its steps are read from the stored preview)."""
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_import(session=session, workspace_id=ws, key=meta.key)
        if row is None or row.user_id != where.user_id or row.status != RunbookImportStatus.PENDING:
            return notice_modal("This preview is no longer open. Start the import again.")
        preview = _preview(row, team_of(session, ws, row.team_id).name)
    return preview_modal(preview, meta)


def confirm(
    deps: Deps,
    where: Where,
    key: str,
    codes: str | None = None,
    *,
    replace: bool = False,
    minutes: dict[int, int] | None = None,
) -> Answer:
    """Save a preview's steps (with the frequencies chosen, or as guessed, and the minutes
    set on the last page): the refreshed list (in place of the message acted on, when
    ``replace``)."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = _own_pending(get_import(session=session, workspace_id=ws, key=key), where.user_id)
        team = team_of(session, ws, row.team_id)
        if row.status == RunbookImportStatus.IMPORTED:
            return _already(row, replace=replace)
        steps = with_minutes(row.steps, minutes or {})
        for step, code in zip(steps, codes or "", strict=False):
            if code in FROM_CODE:
                step["frequency"] = FROM_CODE[code].value
        if not finish_import(
            session=session,
            workspace_id=ws,
            key=key,
            status=RunbookImportStatus.IMPORTED,
            steps=steps,
        ):
            return Answer(text="Already imported.", replace=replace)
        added, skipped = add_operations(
            session=session,
            workspace_id=ws,
            team_id=row.team_id,
            steps=steps,
            owner=where.user_id,
            created_by=where.user_id,
            source=row.source,
        )
        set_import_counts(
            session=session, workspace_id=ws, key=key, added=len(added), skipped=skipped
        )
        warning = record_share(session, ws, row.team_id, where.user_id)
        already = f" ({plural(skipped, 'step')} already in the runbook, skipped)" if skipped else ""
        source = (
            "the pasted text"
            if row.source_label == PASTED
            else escape_mrkdwn(truncate(row.source_label, 120))
        )
        note = f":inbox_tray: Imported {plural(len(added), 'operation')} from {source}{already}."
        guessed = sum(1 for op in added if op.minutes_guessed)
        if guessed:
            note += (
                f" The minutes of {plural(guessed, 'operation')} are guesses, marked _(a guess)_ "
                "with their toil shown as an estimate: set the real ones with Edit."
            )
        if warning:
            note += f"\n{warning}"
        page = load_page(session, ws, team, where.user_id, note=note)
    return page_answer(page, replace=replace)


def cancel(deps: Deps, where: Where, key: str) -> Answer:
    """Cancel on a preview card: nothing is saved; the card says so."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_import(session=session, workspace_id=ws, key=key)
        if row is None:
            raise UserFacingError("I can't find that import preview any more; nothing to cancel.")
        if row.user_id != where.user_id:
            raise UserFacingError("Only the person who started this import can cancel it.")
        if row.status == RunbookImportStatus.IMPORTED:
            return _already(row, replace=True)
        finish_import(
            session=session, workspace_id=ws, key=key, status=RunbookImportStatus.CANCELLED
        )
    return Answer(
        text=f"Cancelled. Nothing from {q(row.source_label, 80)} was saved.", replace=True
    )
