"""Importing a whole runbook: from a URL, a pasted text, or any Slack message.

Every import is parsed (``conversations.runbook.parse_runbook``) into steps with guessed
frequencies and stored as a *preview* (a ``runbook_imports`` row) before anything else: the
person reviews and adjusts it, then confirms. Confirming is a compare-and-set from
``pending``, so a double click imports once; operations already in the runbook are skipped.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.blocks.runbook import (
    FROM_CODE,
    PREVIEW_PAGE_SIZE,
    Preview,
    PreviewState,
    codes_of,
    notice_modal,
    paste_modal,
    preview_card_blocks,
    preview_modal,
    preview_text,
    q,
    to_dicts,
)
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import ActionId, BlockId
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.runbook import (
    load_page,
    metadata,
    metadata_int,
    page_reply,
    read_metadata,
    record_share,
    resolve_team,
    team_of,
)
from bot.usecases.runbook_fetch import FetchError, fetch_runbook
from conversations.runbook import ParsedRunbook, RunbookParseError, parse_runbook
from conversations.text import escape_mrkdwn, plural, truncate
from storage.db import session_scope
from storage.models import RunbookImport, RunbookImportStatus
from storage.runbook import (
    add_operations,
    create_import,
    finish_import,
    get_import,
    set_import_counts,
)

IMPORT_EXAMPLE = (
    "/maturity runbook import https://raw.githubusercontent.com/acme/ops/main/runbook.md"
)
PASTED = "pasted text"
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


def parse_or_explain(text: str) -> ParsedRunbook:
    try:
        return parse_runbook(text)
    except RunbookParseError as exc:
        raise UserFacingError(str(exc)) from None


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


# ------------------------------------------------------------------ from a URL


def import_url(deps: Deps, where: Where, words: Sequence[str]) -> Answer:
    """``/maturity runbook import <URL> [team name]``: fetch, parse, preview."""
    if not words:
        raise UserFacingError(
            f"Which file? Give me a link to a raw Markdown file: `{IMPORT_EXAMPLE}`."
        )
    url = _unwrap(words[0])
    team_name = " ".join(words[1:]) or None
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, team_name)
        team_id, name = team.id or 0, team.name
    try:
        fetched = fetch_runbook(url, allow_hosts=deps.settings.runbook_allow_hosts)
    except FetchError as exc:
        raise UserFacingError(escape_mrkdwn(str(exc))) from None
    parsed = parse_or_explain(fetched.text)
    key = new_key()
    steps = steps_of(parsed)
    label = truncate(fetched.url, 255)
    save_preview(deps, where, team_id, key, source="url", label=label, steps=steps)
    preview = Preview(key=key, team_name=name, source_label=label, steps=steps)
    return Answer(text=preview_text(preview), blocks=to_dicts(preview_card_blocks(preview)))


def save_preview(
    deps: Deps,
    where: Where,
    team_id: int,
    key: str,
    *,
    source: str,
    label: str,
    steps: list[dict[str, Any]],
) -> None:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team_of(session, ws, team_id)  # the team id came from modal metadata: this workspace's?
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


# ------------------------------------------------------------------ pasted


def open_paste(
    deps: Deps, client: WebClient, where: Where, *, team_id: int, trigger_id: str, response_url: str
) -> None:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = team_of(session, ws, team_id)
        name = team.name
    meta = metadata(t=team_id, n=truncate(name, 80), c=where.channel_id, r=response_url)
    client.views_open(trigger_id=trigger_id, view=paste_modal(name, meta))


@dataclass(frozen=True)
class PastePreview:
    team_id: int
    key: str
    steps: list[dict[str, Any]]
    view: dict[str, Any]


def paste_preview(raw_metadata: str, text: str) -> PastePreview:
    """The preview modal for pasted text, built without touching the database (the
    submission is acknowledged with it at once; :func:`save_preview` stores it after).
    Raises :class:`RunbookParseError` for text with no steps."""
    meta = read_metadata(raw_metadata)
    parsed = parse_runbook(text)
    key = new_key()
    steps = steps_of(parsed)
    preview = Preview(key=key, team_name=str(meta.get("n", "")), source_label=PASTED, steps=steps)
    state = PreviewState(
        key=key,
        page=0,
        codes=codes_of(steps),
        response_url=str(meta.get("r", "")),
        channel_id=str(meta.get("c", "")),
        replace=bool(meta.get("r")),  # pasted from the list: the list shows the result
    )
    return PastePreview(metadata_int(meta.get("t")), key, steps, preview_modal(preview, state))


# ------------------------------------------------------------------ from a message


def from_message(
    deps: Deps,
    client: WebClient,
    where: Where,
    *,
    trigger_id: str,
    text: str,
    response_url: str,
) -> None:
    """The "Add steps to runbook" message shortcut: preview the message's steps."""
    if where.channel_id.startswith("D") or not where.channel_id:
        client.views_open(
            trigger_id=trigger_id,
            view=notice_modal(
                "A runbook belongs to a team, and a team to its channel. Use *Add steps to "
                "runbook* on a message in your team's channel, or paste the steps with "
                "`/maturity runbook Team Name` → *Paste a runbook*."
            ),
        )
        return
    try:
        parsed = parse_runbook(slack_to_plain(text))
    except RunbookParseError as exc:
        client.views_open(trigger_id=trigger_id, view=notice_modal(escape_mrkdwn(str(exc))))
        return
    key = new_key()
    steps = steps_of(parsed)
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(session, ws, where, None)
        name = team.name
        label = f"a message in #{where.channel_name}" if where.channel_name else "a message"
        create_import(
            session=session,
            workspace_id=ws,
            team_id=team.id or 0,
            user_id=where.user_id,
            key=key,
            source="message",
            source_label=label,
            steps=steps,
        )
    state = PreviewState(
        key=key,
        page=0,
        codes=codes_of(steps),
        response_url=response_url,
        channel_id=where.channel_id,
    )
    preview = Preview(key=key, team_name=name, source_label=label, steps=steps)
    client.views_open(trigger_id=trigger_id, view=preview_modal(preview, state))


# ------------------------------------------------------------------ review, confirm, cancel


def review(
    deps: Deps, client: WebClient, where: Where, key: str, *, trigger_id: str, response_url: str
) -> Answer | None:
    """ "Review and import" on a preview card: the preview modal, page 1."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = _own_pending(get_import(session=session, workspace_id=ws, key=key), where.user_id)
        if row.status == RunbookImportStatus.IMPORTED:
            return Answer(text=f"Already imported: {plural(row.added, 'operation')} added.")
        preview = _preview(row, team_of(session, ws, row.team_id).name)
    state = PreviewState(
        key=key,
        page=0,
        codes=codes_of(preview.steps),
        response_url=response_url,
        channel_id=where.channel_id,
        replace=True,
    )
    client.views_open(trigger_id=trigger_id, view=preview_modal(preview, state))
    return None


def page_choices(state: PreviewState, values: dict[str, dict[str, Any]]) -> str:
    """The frequency codes with this page's choices applied (a skipped field keeps its guess)."""
    codes = list(state.codes)
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


def is_last_page(state: PreviewState) -> bool:
    return (state.page + 1) * PREVIEW_PAGE_SIZE >= len(state.codes)


def next_page(deps: Deps, where: Where, state: PreviewState) -> dict[str, Any]:
    """The preview modal's next page (its steps are read from the stored preview)."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_import(session=session, workspace_id=ws, key=state.key)
        if row is None or row.user_id != where.user_id or row.status != RunbookImportStatus.PENDING:
            return notice_modal("This preview is no longer open. Start the import again.")
        preview = _preview(row, team_of(session, ws, row.team_id).name)
    state.page += 1
    return preview_modal(preview, state)


def confirm(deps: Deps, where: Where, key: str, codes: str | None = None) -> Answer:
    """Save a preview's steps (with the frequencies chosen, or as guessed)."""
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = _own_pending(get_import(session=session, workspace_id=ws, key=key), where.user_id)
        team = team_of(session, ws, row.team_id)
        if row.status == RunbookImportStatus.IMPORTED:
            return Answer(text=f"Already imported: {plural(row.added, 'operation')} added.")
        steps = [dict(s) for s in row.steps]
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
            return Answer(text="Already imported.")
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
        record_share(session, ws, row.team_id, where.user_id)
        already = f" ({plural(skipped, 'step')} already in the runbook, skipped)" if skipped else ""
        source = (
            "the pasted text"
            if row.source_label == PASTED
            else escape_mrkdwn(truncate(row.source_label, 120))
        )
        note = f":inbox_tray: Imported {plural(len(added), 'operation')} from {source}{already}."
        page = load_page(session, ws, team, where.user_id, note=note)
    return page_reply(page)


def cancel(deps: Deps, where: Where, key: str) -> Answer:
    with session_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        row = get_import(session=session, workspace_id=ws, key=key)
        if row is None:
            raise UserFacingError("I can't find that import preview any more; nothing to cancel.")
        if row.user_id != where.user_id:
            raise UserFacingError("Only the person who started this import can cancel it.")
        if row.status == RunbookImportStatus.IMPORTED:
            return Answer(text=f"Already imported: {plural(row.added, 'operation')} added.")
        finish_import(
            session=session, workspace_id=ws, key=key, status=RunbookImportStatus.CANCELLED
        )
    return Answer(text=f"Cancelled. Nothing from {q(row.source_label, 80)} was saved.")
