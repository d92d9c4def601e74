"""The weekly check-in, as the domain sees it: which few criteria to ask a team's owner
this week, what an answer puts on the board, and how long someone is away.

A weekly check-in is never the whole assessment again: it asks the criteria of the team's
current step that are still open (the step into ``level + 1``), then any criterion
nobody has confirmed for :data:`STALE_AFTER` (90 days) — two to five questions in all.
No Slack, no database here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from conversations.model import CRITERIA, question
from conversations.scoring import (
    AnswerError,
    Status,
    button_answer,
    criterion_status,
    first_unmet,
    level_of,
    parse_answer,
)

FEWEST = 2
MOST = 5
STALE_AFTER = timedelta(days=90)
MAX_AWAY = timedelta(days=366)
SKIP = "skip"


@dataclass(frozen=True)
class Known:
    """One criterion on the board: its status and when somebody last said so."""

    status: Status | str
    confirmed_at: datetime | None


def pick_questions(board: Mapping[str, Known], now: datetime) -> list[str]:
    """The criteria to ask this week, in the order to ask them: the open criteria of the
    team's current step first, then those nobody confirmed for 90 days (longest ago
    first), at most :data:`MOST`; padded to :data:`FEWEST` with the criteria confirmed
    longest ago (so a team at the top, or one criterion short, is still asked two)."""
    statuses = {cid: k.status for cid, k in board.items()}
    level = level_of(statuses)
    asked = first_unmet(statuses, level)[:MOST]
    step_limit = level + 1  # staleness matters up to the step the team works on

    def confirmed(cid: str) -> datetime:
        known = board.get(cid)
        return (
            known.confirmed_at
            if known and known.confirmed_at
            else datetime.min.replace(tzinfo=now.tzinfo)
        )

    reachable = [c.id for c in CRITERIA if c.step <= step_limit and c.id not in asked]
    stale = sorted(
        (cid for cid in reachable if confirmed(cid) < now - STALE_AFTER),
        key=confirmed,
    )
    for cid in stale:
        if len(asked) >= MOST:
            break
        asked.append(cid)
    if len(asked) < FEWEST:
        for cid in sorted(reachable, key=confirmed):
            if len(asked) >= FEWEST:
                break
            if cid not in asked:
                asked.append(cid)
    return asked


def confirmations_first(confirm: list[str], questions: list[str]) -> list[str]:
    """This week's questions with the measurements to confirm ahead of the rest, still
    :data:`MOST` at most (a confirmation is asked once, whatever else asks it)."""
    first = list(dict.fromkeys(confirm))[:MOST]
    return first + [q for q in questions if q not in first][: MOST - len(first)]


@dataclass(frozen=True)
class BoardAnswer:
    """What one answer puts on the board (None status: skipped, nothing to put)."""

    criterion_id: str
    raw: str  # as stored with the check-in: yes/no/partly/skip, a band, or a figure
    status: Status | None
    value: float | None = None


def read_answer(criterion_id: str, given: str, *, button: bool) -> BoardAnswer | str:
    """A click (``button``: ``given`` is the button's value) or a typed answer for one
    criterion: the board answer, or what to type instead (plain text)."""
    q = question(criterion_id)
    raw = button_answer(q, given) if button else given
    parsed = parse_answer(q, raw)
    if isinstance(parsed, AnswerError):
        return parsed.message
    if parsed.skipped:
        return BoardAnswer(criterion_id, SKIP, None)
    status = criterion_status(criterion_id, parsed.value)
    if status is Status.UNKNOWN:
        return BoardAnswer(criterion_id, SKIP, None)
    return BoardAnswer(criterion_id, parsed.value, status, parsed.number)


# ------------------------------------------------------------------ away


_SPAN = re.compile(r"^(?P<n>\d{1,3})\s*(?P<unit>d|days?|w|wks?|weeks?)$")
_UNTIL = re.compile(r"^(?:until\s+|till\s+|to\s+)?(?P<date>\d{4}-\d{2}-\d{2})$")
OFF_WORDS = {"off", "back", "stop", "none", "cancel"}
AWAY_USAGE = (
    "Say how long: `2w` (weeks), `3d` (days), a date like `2026-12-24` (the last day you're "
    "away), or `off` when you're back."
)


@dataclass(frozen=True)
class AwayFor:
    """``back_on``: the first local day check-ins may come again (None: back now)."""

    back_on: date | None


def read_away(text: str, today: date) -> AwayFor | str:
    """``2w``, ``3d``, ``2026-12-24`` (last day away) or ``off``, read against the
    person's local ``today``; what to type instead otherwise (plain text)."""
    typed = " ".join(text.lower().split())
    if typed in OFF_WORDS:
        return AwayFor(None)
    span = _SPAN.match(typed)
    if span is not None:
        n = int(span.group("n"))
        days = n * 7 if span.group("unit").startswith("w") else n
        if days < 1:
            return "Away for at least a day. " + AWAY_USAGE
        back = today + timedelta(days=days)
    else:
        until = _UNTIL.match(typed)
        if until is None:
            return AWAY_USAGE
        try:
            last = date.fromisoformat(until.group("date"))
        except ValueError:
            return f"“{until.group('date')}” is not a date I can read. " + AWAY_USAGE
        if last < today:
            return "That day has passed. Give the last day you'll be away."
        back = last + timedelta(days=1)
    if back - today > MAX_AWAY:
        return "Away for a year at most. " + AWAY_USAGE
    return AwayFor(back)


# ------------------------------------------------------------------ calibration


SAID: dict[Status, tuple[str, str]] = {
    Status.MET: ("says yes", "say yes"),
    Status.PARTLY: ("says partly", "say partly"),
    Status.NOT_MET: ("says no", "say no"),
    Status.BLOCKED: ("says blocked", "say blocked"),
}


def split_of(criterion_id: str, answers: Mapping[str, str]) -> dict[Status, list[str]]:
    """Who said what about one criterion (person -> answer as given), by status; skipped
    and unreadable answers say nothing. Statuses in order: yes, partly, no."""
    groups: dict[Status, list[str]] = {}
    for person, raw in answers.items():
        if raw == SKIP:
            continue
        status = criterion_status(criterion_id, raw)
        if status is Status.UNKNOWN:
            continue
        groups.setdefault(status, []).append(person)
    order = [Status.MET, Status.PARTLY, Status.NOT_MET, Status.BLOCKED]
    return {s: sorted(groups[s]) for s in order if s in groups}


def disagree(criterion_id: str, answers: Mapping[str, str]) -> bool:
    return len(split_of(criterion_id, answers)) > 1


def split_phrase(groups: Mapping[Status, list[str]]) -> str:
    """ "2 say yes, 1 says no" """
    parts = []
    for status, people in groups.items():
        one, many = SAID[status]
        parts.append(f"{len(people)} {one if len(people) == 1 else many}")
    return ", ".join(parts)
