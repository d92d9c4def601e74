"""``/maturity`` subcommands, parsed in one place.

The parser is plain Python (no Slack objects) so it is trivially testable; the router
(``bot/usecases/router.py``) routes on its result. A first word that is nearly a
subcommand (``asess``) comes back with the command it probably meant (``suggestion``).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot.slack.ids import COMMAND
from conversations.text import closest

MAX_COMMAND_TEXT = 4000


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("assess", f"{COMMAND} assess [team name]", "check in on where a team stands"),
    Subcommand(
        "assess",
        f"{COMMAND} assess --team-wide [team name]",
        "the same check-in to every owner and member; the result shows where they agree, "
        "then the level",
    ),
    Subcommand(
        "board",
        f"{COMMAND} board [team name]",
        "the team's success criteria: status, who moved each and when",
    ),
    Subcommand(
        "set",
        f"{COMMAND} set <criterion id> <value> [team name]",
        "move a criterion: yes, no, partly, blocked, or a figure "
        "(e.g. `set cd.deploy_under_10min 7 min`)",
    ),
    Subcommand(
        "history",
        f"{COMMAND} history [team name] [since YYYY-MM-DD]",
        "the team's level and criterion changes, newest first",
    ),
    Subcommand(
        "digest",
        f"{COMMAND} digest schedule <weekday> <HH:MM> [time zone] [teams all | teams <names>]",
        "post a weekly progress digest in this channel: this channel's team, every team, or "
        "the teams named (e.g. `teams Payments Platform, Search`)",
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
    Subcommand(
        "nudges",
        f"{COMMAND} nudges [team name]",
        "the team's active nudges: mistakes in sight, and when the next level pays off",
    ),
    Subcommand("teams", f"{COMMAND} teams", "every team here: level, channel, owners, last change"),
    Subcommand("team", f"{COMMAND} team [team name]", "one team: its settings, export, delete"),
    Subcommand(
        "team",
        f"{COMMAND} team owners @a @b [team name]",
        "who may change the team (besides workspace admins)",
    ),
    Subcommand(
        "team",
        f"{COMMAND} team members @a @b [team name]",
        "ask these people the weekly check-in too, so the team sees where it disagrees",
    ),
    Subcommand("team", f"{COMMAND} team rename <new name>", "rename this channel's team"),
    Subcommand(
        "team", f"{COMMAND} team channel #channel [team name]", "move the team to a channel"
    ),
    Subcommand(
        "team", f"{COMMAND} team delete <team name>", "delete a team and its history (asks first)"
    ),
    Subcommand(
        "export",
        f"{COMMAND} export [team name] csv|json",
        "a team's check-ins, history and nudges as a file in our DM (`all`: every team, admins)",
    ),
    Subcommand(
        "workspace",
        f"{COMMAND} workspace [export | delete]",
        "what I keep here, and for how long; admins export it all (JSON) or delete it all",
    ),
    Subcommand(
        "checkin",
        f"{COMMAND} checkin schedule <weekday> <HH:MM> [time zone]",
        "a short weekly check-in DM to each of this channel's team's owners (default Monday "
        "10:00, each owner's own time zone)",
    ),
    Subcommand("checkin", f"{COMMAND} checkin off", "stop the team's weekly check-ins"),
    Subcommand(
        "away",
        f"{COMMAND} away 2w|3d|<date>|off",
        "pause your check-ins and reminders (weeks, days, or through a date)",
    ),
    Subcommand(
        "hook",
        f"{COMMAND} hook [team name]",
        "owners: the team's evidence hooks for deploy and incident events (is there a token?)",
    ),
    Subcommand(
        "hook",
        f"{COMMAND} hook rotate [team name]",
        "owners: a new hook token, shown to you once (the old one stops working)",
    ),
    Subcommand(
        "evidence",
        f"{COMMAND} evidence [team name]",
        "what feeds the team's board with evidence (GitHub Actions, hooks) and what it measures",
    ),
    Subcommand(
        "evidence",
        f"{COMMAND} evidence github <owner/repo> [workflow file] [team name]",
        "owners: read deploys from a repository's GitHub Actions runs (e.g. `evidence github "
        "acme/payments deploy.yml`); `evidence github token <token>`: the team's own token, "
        "kept encrypted; `evidence github off`: stop",
    ),
    Subcommand("help", f"{COMMAND} help", "show this help"),
)
NAMES: tuple[str, ...] = tuple(dict.fromkeys(s.name for s in SUBCOMMANDS))
DIGEST_VERBS: tuple[str, ...] = ("schedule", "preview", "off")


@dataclass(frozen=True)
class Parsed:
    """A recognised subcommand with its arguments, or ``name=None`` with what was typed."""

    name: str | None
    args: tuple[str, ...] = field(default_factory=tuple)
    rest: str = ""
    raw: str = ""
    suggestion: str | None = None  # for a near miss: the command text probably meant


def parse(text: str | None) -> Parsed:
    raw = (text or "").strip()[:MAX_COMMAND_TEXT]
    if not raw:
        return Parsed(name="help", raw=raw)
    head, rest = _first_word(raw)
    name = head.lower()
    if name not in NAMES:
        near = closest(head, NAMES)
        return Parsed(name=None, raw=raw, suggestion=f"{near} {rest}".strip() if near else None)
    try:
        args = tuple(shlex.split(rest))
    except ValueError:  # an unbalanced quote: keep the words as typed
        args = tuple(rest.split())
    return Parsed(name=name, args=args, rest=rest, raw=raw)


def _first_word(text: str) -> tuple[str, str]:
    """The first word and the rest, split at any whitespace (a newline too)."""
    parts = text.split(None, 1)
    return (parts[0], parts[1].strip()) if len(parts) == 2 else (text, "")
