"""``/maturity …``: one place that routes a typed command to its use case.

The slash command and the buttons that carry a command on — *Create team “general”* after
"this channel has no team yet", *Use “Payments”* and *Run /maturity assess* after a near
miss — all come through :func:`route`, so a click does exactly what typing the command
does. Help and anything not understood are answered by :func:`quick` (no database, no
Web API call: the slash command answers them in its acknowledgement).
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.text import escape_mrkdwn
from bot.blocks.usage import usage_blocks, usage_text
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.commands import Parsed, parse
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases import (
    assessment,
    board,
    checkins,
    criteria,
    digest,
    evidence_sources,
    export,
    history,
    hooks,
    nudges,
    teams_admin,
    workspace_data,
)
from bot.usecases.context import Where
from bot.usecases.runbook import listing as runbook
from bot.usecases.teams import (
    EXAMPLE_TEAM,
    Ask,
    TeamQuestion,
    create_team,
    q,
    question_blocks,
    question_text,
    read_create_value,
)
from conversations.text import truncate

STALE_CREATE = "That button has expired. Type the command again and I'll ask afresh."


def what(text: str | None) -> str:
    """The command in a few words, for logs: ``/maturity assess``."""
    return f"{COMMAND} {parse(text).name or 'unknown'}"


def quick(text: str | None) -> Answer | None:
    """Help, or "I didn't catch that" (with "did you mean …?" for a near miss); None for
    a command that needs :func:`route`."""
    parsed = parse(text)
    if parsed.name == "help":
        return Answer(text=usage_text(), blocks=usage_blocks())
    if parsed.name is None:
        return Answer(
            text=usage_text(parsed.raw, parsed.suggestion),
            blocks=usage_blocks(parsed.raw, parsed.suggestion),
        )
    return None


def route(deps: Deps, client: WebClient, where: Where, text: str | None) -> Answer | None:
    """Run ``text`` (what follows ``/maturity``) as ``where.user_id`` typed it there."""
    answer = quick(text)
    if answer is not None:
        return answer
    parsed = parse(text)
    try:
        return _dispatch(deps, client, where, parsed)
    except TeamQuestion as question:
        raise _with_command(question.ask, parsed) from None


def _dispatch(deps: Deps, client: WebClient, where: Where, parsed: Parsed) -> Answer | None:
    if parsed.name == "assess":
        if checkins.TEAM_WIDE_FLAG in parsed.args:  # issue 13: everyone, then agreement
            return checkins.team_wide(deps, client, where, parsed.rest)
        return assessment.start(deps, client, where, parsed.rest or None)
    if parsed.name == "board":
        return board.show(deps, where, parsed.rest or None)
    if parsed.name == "set":
        return criteria.set_command(deps, client, where, parsed.args)
    if parsed.name == "history":
        return history.command(deps, where, parsed.rest)
    if parsed.name == "nudges":
        return nudges.listing(deps, where, parsed.rest or None)
    if parsed.name == "digest":
        return digest.command(deps, client, where, parsed.rest)
    if parsed.name == "runbook":
        return runbook.command(deps, client, where, parsed.rest)
    if parsed.name == "teams":
        return teams_admin.listing(deps, where)
    if parsed.name == "team":
        return teams_admin.command(deps, client, where, parsed.rest)
    if parsed.name == "export":
        return export.command(deps, client, where, parsed.rest)
    if parsed.name == "workspace":
        return workspace_data.command(deps, client, where, parsed.rest)
    if parsed.name == "checkin":
        return checkins.command(deps, client, where, parsed.rest)
    if parsed.name == "away":
        return checkins.away(deps, client, where, parsed.rest)
    if parsed.name == "hook":
        return hooks.command(deps, client, where, parsed.rest)
    if parsed.name == "evidence":
        return evidence_sources.command(deps, client, where, parsed.rest)
    return None  # pragma: no cover - every SUBCOMMANDS name is routed above


def _with_command(ask: Ask, parsed: Parsed) -> UserFacingError:
    """The team question, with buttons that carry on with the command as typed and, for
    the channel's own team, how to name the team in that same command instead."""
    example = f"{COMMAND} {parsed.raw} {EXAMPLE_TEAM}" if ask.typed is None else None
    text = question_text(ask, example=example)
    return UserFacingError(text, blocks=question_blocks(ask, text, command=parsed.raw))


def run(deps: Deps, client: WebClient, where: Where, value: str) -> Answer | None:
    """*Run /maturity assess* or *Use “Payments”*: the command the button carries."""
    return route(deps, client, where, value)


def create_and_run(deps: Deps, client: WebClient, where: Where, value: str) -> Answer | None:
    """*Create team “general”*: create the team, then carry on with the typed command.

    Only the click that created the team carries on (a double click, or a second person
    clicking later, is told the team is there), so a command is never run twice.
    """
    request = read_create_value(value)
    if request is None:
        raise UserFacingError(STALE_CREATE)
    done = create_team(deps, where, request)
    name = q(done.name)
    again = f" `{COMMAND} {_shown(request.command)}` carries on." if request.command else ""
    if not done.created:
        return Answer(text=f"“{name}” is on the board already.{again}")
    note = f"Created the team “{name}”."
    if not request.command:
        return Answer(text=f"{note} Carry on with what you were doing.")
    try:
        answer = route(deps, client, where, request.command)
    except UserFacingError as exc:
        raise UserFacingError(f"{note} {exc}", blocks=_noted_blocks(note, exc.blocks)) from None
    if answer is None:
        return Answer(text=note)
    return Answer(
        text=f"{note} {answer.text}".strip(),
        blocks=_noted_blocks(note, answer.blocks),
        replace=answer.replace,
        modal=answer.modal,
    )


def _noted_blocks(note: str, blocks: list[dict]) -> list[dict]:
    if not blocks:
        return []
    return [SectionBlock(text=MarkdownTextObject(text=note)).to_dict(), *blocks][:50]


def _shown(command: str) -> str:
    """A command echoed in an inline-code span: escaped, one line, no backtick."""
    return escape_mrkdwn(truncate(" ".join(command.split()), 200)).replace("`", "'")
