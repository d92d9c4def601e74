"""``/maturity`` subcommands, parsed in one place.

The parser is plain Python (no Slack objects) so it is trivially testable; the listener
in ``bot/listeners/commands/maturity.py`` routes on its result.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot.slack.ids import COMMAND

MAX_COMMAND_TEXT = 4000


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("assess", f"{COMMAND} assess [team name]", "check in on where a team stands"),
    Subcommand(
        "board",
        f"{COMMAND} board [team name]",
        "the team's success criteria: status, who moved each and when",
    ),
    Subcommand(
        "digest",
        f"{COMMAND} digest schedule <weekday> <HH:MM> [time zone] [teams all | teams <names>]",
        "post a weekly progress digest in this channel",
    ),
    Subcommand("digest", f"{COMMAND} digest preview", "show this week's digest, just to you"),
    Subcommand("digest", f"{COMMAND} digest off", "stop this channel's weekly digest"),
    Subcommand(
        "runbook",
        f"{COMMAND} runbook [team name]",
        "the team's manual operations ranked by toil: what to script next, with one-click "
        "reminders",
    ),
    Subcommand(
        "runbook",
        f'{COMMAND} runbook add "<title>" <frequency> <minutes>m [team name]',
        'add a manual operation, e.g. `add "Rotate TLS certificates" weekly 30m`; frequency: '
        "per-deploy, daily, weekly, monthly, quarterly or yearly",
    ),
    Subcommand(
        "runbook",
        f"{COMMAND} runbook import <URL> [team name]",
        "import the steps of a runbook from a raw Markdown or text file (preview first)",
    ),
    Subcommand("help", f"{COMMAND} help", "show this help"),
)
_NAMES = {s.name for s in SUBCOMMANDS}


@dataclass(frozen=True)
class Parsed:
    """A recognised subcommand with its arguments, or ``name=None`` with what was typed."""

    name: str | None
    args: tuple[str, ...] = field(default_factory=tuple)
    rest: str = ""
    raw: str = ""


def parse(text: str | None) -> Parsed:
    raw = (text or "").strip()[:MAX_COMMAND_TEXT]
    if not raw:
        return Parsed(name="help", raw=raw)
    head, _, rest = raw.partition(" ")
    name = head.lower()
    if name not in _NAMES:
        return Parsed(name=None, raw=raw)
    rest = rest.strip()
    try:
        args = tuple(shlex.split(rest))
    except ValueError:  # an unbalanced quote: keep the words as typed
        args = tuple(rest.split())
    return Parsed(name=name, args=args, rest=rest, raw=raw)
