"""Guessing from a step's own words how often it runs and how long one run takes.

Words that say it ("nightly", "before each deploy", "every Monday", "(15 min)") win; then
what the step is (a restore is rare, a backup daily); then :data:`DEFAULT_FREQUENCY`, said
to be a guess. Pure text work: no Slack, no database, no Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.runbook.adding import MAX_MINUTES, MIN_MINUTES, clean_title
from conversations.runbook.ranking import Frequency

# ------------------------------------------------------------------ how often


@dataclass(frozen=True)
class Guess:
    frequency: Frequency
    reason: str  # plain text: why this frequency ("says “nightly”", "a guess")
    explicit: bool  # the words said how often; otherwise inferred from what it is


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.IGNORECASE)


_DEPLOY_NOUN = r"(?:deploy(?:ment|ing)?s?|releases?|rollouts?|ship(?:ping)?)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
# Words that say how often something runs, most specific first.
_EXPLICIT: tuple[tuple[re.Pattern[str], Frequency], ...] = (
    (
        _words(
            rf"(?:every|each|per|any)\s+{_DEPLOY_NOUN}",
            rf"(?:before|after|during|on)\s+(?:every|each|a|the)?\s*{_DEPLOY_NOUN}",
            r"per[- ]deploy",
            r"on\s+deploy",
        ),
        Frequency.PER_DEPLOY,
    ),
    (
        _words(
            r"hourly",
            r"every\s+hour",
            r"daily",
            r"nightly",
            r"every\s+(?:day|night|morning|evening|shift)",
            r"each\s+(?:day|night|morning|evening|shift)",
            r"once\s+a\s+day",
            r"per\s+day",
            r"end\s+of\s+(?:the\s+)?day",
            r"start\s+of\s+(?:the\s+)?day",
        ),
        Frequency.DAILY,
    ),
    (
        _words(
            r"weekly",
            r"bi-?weekly",
            r"fortnightly",
            r"every\s+(?:other\s+|two\s+|2\s+)?weeks?",
            r"each\s+week",
            r"once\s+a\s+week",
            r"per\s+week",
            rf"(?:every|each|on)\s+{_WEEKDAY}",
            r"(?:every|each)\s+sprint",
        ),
        Frequency.WEEKLY,
    ),
    (
        _words(
            r"monthly",
            r"every\s+month",
            r"each\s+month",
            r"once\s+a\s+month",
            r"per\s+month",
            r"month[- ]end",
            r"end\s+of\s+(?:the\s+)?month",
            r"start\s+of\s+(?:the\s+)?month",
        ),
        Frequency.MONTHLY,
    ),
    (
        _words(
            r"quarterly",
            r"every\s+quarter",
            r"each\s+quarter",
            r"every\s+(?:three|3|six|6)\s+months",
            r"every\s+90\s+days",
            r"half[- ]yearly",
            r"semi[- ]annual(?:ly)?",
            r"twice\s+a\s+year",
        ),
        Frequency.QUARTERLY,
    ),
    (
        _words(r"yearly", r"annual(?:ly)?", r"every\s+year", r"each\s+year", r"once\s+a\s+year"),
        Frequency.YEARLY,
    ),
)
# What an operation *is*, when no words say how often: (pattern, frequency, reason).
_KINDS: tuple[tuple[re.Pattern[str], Frequency, str], ...] = (
    (
        _words(r"renew(?:al)?s?\s+(?:the\s+)?domains?", r"domain\s+renewals?", r"licen[cs]es?"),
        Frequency.YEARLY,
        "renewals come round about once a year",
    ),
    (
        _words(
            r"certs?",
            r"certificates?",
            r"rotate",
            r"rotation",
            r"credentials?",
            r"passwords?",
            r"secrets?",
            r"api\s+keys?",
        ),
        Frequency.QUARTERLY,
        "rotations and renewals come round every few months",
    ),
    (
        _words(
            r"restore",
            r"restoring",
            r"recover(?:y)?",
            r"disaster",
            r"dr",
            r"fail\s*over",
            r"failback",
            r"rebuild",
            r"drill",
        ),
        Frequency.QUARTERLY,
        "restores and failovers are rare (or drilled every few months)",
    ),
    (
        _words(r"audit", r"access\s+review"),
        Frequency.QUARTERLY,
        "audits and reviews tend to be quarterly",
    ),
    (
        _words(
            r"deploy(?:ing|ment)?",
            r"releas(?:e|ing)",
            r"rollouts?",
            r"canary",
            r"migrations?",
            r"smoke\s+tests?",
            r"tag\s+the",
            r"changelog",
            r"pipeline",
        ),
        Frequency.PER_DEPLOY,
        "sounds like part of a deploy",
    ),
    (
        _words(
            r"backups?",
            r"back\s+up",
            r"snapshots?",
            r"dashboards?",
            r"handover",
            r"hand-off",
            r"stand-?up",
        ),
        Frequency.DAILY,
        "backups and checks like this are usually daily",
    ),
    (
        _words(
            r"incidents?",
            r"outages?",
            r"pages?",
            r"paged",
            r"pager",
            r"on-?call",
            r"escalat\w*",
            r"post-?mortems?",
            r"status\s+page",
            r"roll\s*back",
            r"rollbacks?",
            r"hotfix\w*",
        ),
        Frequency.MONTHLY,
        "incident work: roughly monthly, adjust to your reality",
    ),
    (
        _words(
            r"patch(?:es|ing)?",
            r"upgrades?",
            r"upgrading",
            r"onboard\w*",
            r"offboard\w*",
            r"new\s+hires?",
            r"access\s+requests?",
            r"billing",
            r"invoices?",
            r"costs?",
        ),
        Frequency.MONTHLY,
        "this kind of chore tends to be monthly",
    ),
)
DEFAULT_FREQUENCY = Frequency.MONTHLY


def _explicit(text: str) -> tuple[Frequency, str] | None:
    best: tuple[int, Frequency, str] | None = None
    for pattern, frequency in _EXPLICIT:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), frequency, " ".join(match.group(0).split()))
    return None if best is None else (best[1], best[2])


def _kind(text: str) -> tuple[Frequency, str] | None:
    for pattern, frequency, reason in _KINDS:
        if pattern.search(text):
            return frequency, reason
    return None


def guess_frequency(text: str, context: Sequence[str] = ()) -> Guess:
    """How often a step runs, from its words and then its headings (innermost first).

    Words that say it ("nightly", "before each deploy", "every Monday") win; then what the
    step is (a restore is rare, a backup daily, a canary check part of each deploy); then
    monthly, as an honest guess.
    """
    found = _explicit(text)
    if found:
        return Guess(found[0], f"says “{found[1]}”", True)
    for heading in context:
        found = _explicit(heading)
        if found:
            return Guess(found[0], f"under “{clean_title(heading, 40)}”", True)
    for words in (text, *context):
        kind = _kind(words)
        if kind:
            return Guess(kind[0], kind[1], False)
    return Guess(DEFAULT_FREQUENCY, "no clue in the words: a guess", False)


# ------------------------------------------------------------------ how long

_DURATION_IN_TEXT = re.compile(
    r"(?:(?P<open>[(\[])|~|≈|\babout\s|\bapprox\.?\s*|\baround\s|\btakes?\s+(?:about\s+|around\s+|~)?"
    r"|\btook\s+|\bfor\s+(?:about\s+|around\s+|~)?|\ballow\s+|(?:^|\s)[-–—:,]\s*)"
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>h|hrs?|hours?|m|mins?|minutes?)"
    r"(?:\s*(?P<num2>\d+)\s*(?:m|mins?|minutes?))?\b"
    r"(?(open)\s*[)\]]|)",
    re.IGNORECASE,
)


def minutes_in(text: str) -> tuple[int, str] | None:
    """A duration the step's words give (``(15 min)``, ``~30m``, ``takes 2h``, ``— 20 min``):
    (minutes, the matched words) or None. Durations that are not the step's own length,
    like "within 24h", are not taken."""
    for match in _DURATION_IN_TEXT.finditer(text):
        value = float(match.group("num").replace(",", "."))
        unit = match.group("unit").lower()
        minutes = value * 60 if unit.startswith("h") else value
        if match.group("num2"):
            minutes += float(match.group("num2"))
        if MIN_MINUTES <= minutes <= MAX_MINUTES:
            return round(minutes), match.group(0)
    return None


def without_duration(text: str) -> str:
    """The text without its own duration when that is an aside: ``(15 min)`` anywhere, or
    ``— takes about 2h`` at the end (the minutes are kept apart from the title)."""
    for match in _DURATION_IN_TEXT.finditer(text):
        if match.group("open") or not text[match.end() :].strip(" .;"):
            return (text[: match.start()] + " " + text[match.end() :]).strip()
    return text
