"""Reading ``/maturity runbook add`` arguments: ``"<title>" <frequency> <minutes>m [team]``.

Also the small text rules every runbook input shares: how long one run may take
(:func:`parse_minutes`, :func:`check_minutes`) and how a title is cleaned and compared
(:func:`clean_title`, :func:`title_key`).

No Slack, no database. Titles are the user's own words: escape before rendering mrkdwn.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.runbook.ranking import Frequency, parse_frequency

# ------------------------------------------------------------------ minutes

MIN_MINUTES = 1
MAX_MINUTES = 7 * 24 * 60  # a single run longer than a week is not a runbook step
_DURATION = re.compile(
    r"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*(?:m|min|mins|minute|minutes)?)?$"
)


def parse_minutes(text: str) -> int | None:
    """``"30m"``, ``"30"``, ``"45 min"``, ``"1h"``, ``"1.5h"``, ``"1h30m"`` → minutes; else None.

    Rounded to whole minutes; None when it is not a duration or is 0.
    """
    raw = text.strip().lower()
    if not raw:
        return None
    match = _DURATION.match(raw)
    if match is None or not (match.group("h") or match.group("m")):
        return None
    hours = float((match.group("h") or "0").replace(",", "."))
    minutes = float((match.group("m") or "0").replace(",", "."))
    total = hours * 60 + minutes
    if not math.isfinite(total) or total <= 0:
        return None
    return max(1, round(total))


# ------------------------------------------------------------------ `runbook add` arguments

TITLE_MAX = 200
SECTION_MAX = 120
NOTE_MAX = 500
ADD_EXAMPLE = '/maturity runbook add "Rotate TLS certificates" weekly 30m'
FREQUENCY_CHOICES = "per-deploy, daily, weekly, monthly, quarterly or yearly"


class RunbookInputError(ValueError):
    """Input we cannot use; the message says what to type instead."""


@dataclass(frozen=True)
class AddRequest:
    title: str
    frequency: Frequency
    minutes: int
    team_name: str | None = None


def clean_title(text: str, limit: int = TITLE_MAX) -> str:
    """One line, single spaces, no control characters, at most ``limit`` characters."""
    if not text.isprintable():  # printable text has no control or format characters
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def title_key(text: str) -> str:
    """Case-, width- and spacing-insensitive key: "Rotate  certs" and "rotate certs" are one."""
    return unicodedata.normalize("NFKC", clean_title(text)).casefold()[:TITLE_MAX]


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


LOCATION_MAX = 2000
_WEB_LINK = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)


def is_web_link(text: str) -> bool:
    """An http(s) address (no spaces, no mrkdwn brackets): the only script location shown
    as a link. Any other location (``git@host:repo.git``, ``ops/rotate.sh``) is text."""
    return bool(_WEB_LINK.match(text)) and len(text) <= LOCATION_MAX


def check_minutes(minutes: int | None, typed: str) -> int:
    if minutes is None:
        raise RunbookInputError(
            f"“{clean_title(typed, 40)}” isn't a duration I can read. Give the minutes one run "
            "takes, like `30m`, `45` or `1h30m`."
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise RunbookInputError(
            "One run has to take between 1 minute and a week. Split longer work into steps."
        )
    return minutes


def _frequency_at(args: Sequence[str], i: int) -> tuple[Frequency | None, int]:
    """The frequency starting at ``args[i]`` and how many words it used."""
    word = args[i].lower()
    if word in ("per", "every", "each", "on") and i + 1 < len(args):
        nxt = args[i + 1].lower().rstrip("s")
        if nxt in ("deploy", "deployment", "release"):
            return Frequency.PER_DEPLOY, 2
    return parse_frequency(args[i]), 1


def parse_add(args: Sequence[str]) -> AddRequest:
    """``"<title>" <frequency> <minutes>m [team name]`` (the words after ``runbook add``).

    The title may be quoted or not: the frequency is the first frequency word followed by a
    duration, so ``Send weekly report weekly 15m`` is "Send weekly report", weekly, 15 min.
    """
    if not args:
        raise RunbookInputError(
            f"Tell me the operation, how often it runs and how long: `{ADD_EXAMPLE}`."
        )
    for i in range(1, len(args)):
        frequency, used = _frequency_at(args, i)
        if frequency is None or i + used >= len(args):
            continue
        minutes = parse_minutes(args[i + used])
        if minutes is None:
            continue
        title = clean_title(" ".join(args[:i]))
        if not has_words(title):
            break
        team = " ".join(args[i + used + 1 :]).strip() or None
        return AddRequest(title, frequency, check_minutes(minutes, args[i + used]), team)
    # Say what is wrong with the most likely reading: title, then frequency, then minutes.
    title = clean_title(args[0])
    if not has_words(title):
        raise RunbookInputError(
            f"The operation needs a title with a letter or digit in it: `{ADD_EXAMPLE}`."
        )
    if len(args) < 2:
        raise RunbookInputError(
            f"How often does “{clean_title(title, 60)}” run, and how long does it take? "
            f"For example: `{ADD_EXAMPLE}`."
        )
    frequency, used = _frequency_at(args, 1)
    if frequency is None:
        raise RunbookInputError(
            f"“{clean_title(args[1], 40)}” isn't a frequency I know. Use {FREQUENCY_CHOICES} "
            f"(put a title of several words in quotes): `{ADD_EXAMPLE}`."
        )
    if 1 + used >= len(args):
        raise RunbookInputError(
            f"How long does one run take? Add the minutes, like `30m`: `{ADD_EXAMPLE}`."
        )
    check_minutes(parse_minutes(args[1 + used]), args[1 + used])
    raise RunbookInputError(f"I couldn't read that. Try: `{ADD_EXAMPLE}`.")  # pragma: no cover
