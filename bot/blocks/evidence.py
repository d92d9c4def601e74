"""``/maturity evidence``: what feeds a team's board with evidence — its GitHub Actions
connection, its hook token — and what that evidence measures right now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.criteria import fit_section, team_words, who
from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from bot.slack.ids import COMMAND
from conversations.board import format_value
from conversations.evidence import Measurement, is_context
from conversations.model import criterion

TEAM_TOKEN, SETTING_TOKEN = "team", "setting"
WORDS = {"met": "met", "partly": "partly met", "not_met": "not met", "blocked": "blocked"}


@dataclass(frozen=True)
class GitHubView:
    """A team's GitHub connection as ``/maturity evidence`` shows it (never its token)."""

    repo: str
    workflow: str
    token: str  # "team" (its own, set by token_set_by), "setting" (GITHUB_TOKEN) or ""
    token_set_by: str
    polled_at: datetime | None
    outcome: str
    next_poll: datetime | None
    resume_at: datetime | None


def _typed(team_name: str) -> str:
    return escape_mrkdwn(" ".join(team_name.split())).replace("`", "'")


def _at(at: datetime | None) -> str:
    return f"{at:%d %b %H:%M} UTC" if at else "not yet"


def _github_text(team_name: str, g: GitHubView | None) -> str:
    if g is None or not g.repo:
        own = ""
        if g is not None and g.token == TEAM_TOKEN:
            own = " The team's own GitHub token is kept (encrypted)."
        return (
            f":octocat: *GitHub Actions:* not connected.{own} "
            f"`{COMMAND} evidence github <owner/repo> [workflow file] {_typed(team_name)}` "
            "polls a repository's production workflow for deploys."
        )
    which = f"workflow `{escape_mrkdwn(g.workflow)}`" if g.workflow else "every workflow"
    token = {
        TEAM_TOKEN: f"the team's own token (set by {who(g.token_set_by)}, kept encrypted)",
        SETTING_TOKEN: "the bot's GITHUB_TOKEN",
    }.get(g.token, "no token (public repositories only, at GitHub's lowest rate)")
    lines = [
        f":octocat: *GitHub Actions:* `{escape_mrkdwn(g.repo)}`, {which}, with {token}.",
        f"Last poll: {_at(g.polled_at)}"
        + (f" — {escape_and_truncate(g.outcome, 200)}" if g.outcome else "")
        + f". Next: {_at(g.resume_at if g.resume_at and not g.next_poll else g.next_poll)}.",
    ]
    return "\n".join(lines)


def _measured_lines(measured: Mapping[str, Measurement]) -> list[str]:
    lines = []
    for cid, m in sorted(measured.items(), key=lambda kv: (not is_context(kv[0]), kv[0])):
        words = escape_and_truncate(m.evidence, 200)
        if is_context(cid):
            lines.append(f"• Deploys: {words}")
            continue
        c = criterion(cid)
        figure = f" ({format_value(c, m.value)})" if m.value is not None and c.is_numeric else ""
        lines.append(
            f"• {escape_mrkdwn(c.label)}: *{WORDS.get(str(m.status), 'unknown')}*{figure} — {words}"
        )
    return lines


def evidence_blocks(
    team_name: str,
    github: GitHubView | None,
    hook_made_at: datetime | None,
    measured: Mapping[str, Measurement],
    window_days: int,
) -> list[Block]:
    team = team_words(team_name)
    hook = (
        f":link: *Deploy and incident hooks:* a token made {hook_made_at:%d %b %Y}."
        if hook_made_at
        else f":link: *Deploy and incident hooks:* no token; `{COMMAND} hook rotate "
        f"{_typed(team_name)}` makes one (owners)."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Evidence for {team}*")),
        SectionBlock(text=MarkdownTextObject(text=fit_section(_github_text(team_name, github)))),
        SectionBlock(text=MarkdownTextObject(text=hook)),
    ]
    lines = _measured_lines(measured)
    body = (
        f"*Measured, last {window_days} days:*\n" + "\n".join(lines)
        if lines
        else f"Nothing measured in the last {window_days} days yet."
    )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=fit_section(body))))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="A criterion nobody has answered follows its measurement; a person's "
                    "answer is never overridden (the board shows the measurement beside it). "
                    "A measurement expires when its source goes quiet for the whole window."
                )
            ]
        )
    )
    return blocks
