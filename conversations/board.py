"""The criteria board as the domain sees it: where each criterion stands, and its changes.

Plain values (storage maps its rows to these): the board renderer and the rules read them
without knowing how they are kept. Also what a person may put on the board — a status, a
figure for a numeric criterion (read like a check-in answer: ``about 60%``, ``14 min``),
an evidence link and a note — checked here (:func:`read_update`, :func:`read_set`), and
the story a level change tells (:func:`level_story`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from conversations.model import CRITERIA, Criterion, CriterionKind, criterion, question
from conversations.scoring import (
    AnswerError,
    Choice,
    Status,
    criterion_status,
    first_unmet,
    format_minutes,
    parse_answer,
    read_choice,
)
from conversations.text import closest, format_number


class Source(StrEnum):
    """Where a change on the board came from (stored with it)."""

    CHECKIN = "assessment"
    BOARD = "board"
    RUNBOOK = "runbook"
    EVIDENCE = "evidence"
    WEEKLY = "check-in"  # a weekly check-in's answer (issue 13)


SOURCE_WORDS: dict[str, str] = {
    Source.CHECKIN: "check-in",
    Source.BOARD: "board",
    Source.RUNBOOK: "runbook",
    Source.EVIDENCE: "evidence",
    Source.WEEKLY: "weekly check-in",
}

# What a person may set on the board, in the order the form offers it.
BOARD_STATUSES: tuple[Status, ...] = (Status.MET, Status.PARTLY, Status.NOT_MET, Status.BLOCKED)
# A status as a label (capitalised) and in a sentence; every Status has both.
STATUS_LABELS: dict[Status, str] = {
    Status.MET: "Met",
    Status.PARTLY: "In progress",
    Status.NOT_MET: "Not met",
    Status.BLOCKED: "Blocked",
    Status.UNKNOWN: "Unknown",
}
STATUS_WORDS: dict[Status, str] = {s: label.lower() for s, label in STATUS_LABELS.items()}
NOT_ANSWERED = "not answered"

NOTE_MAX = 500
LINK_MAX = 2000
_LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)
# Words ``/maturity set`` takes besides the answers' vocabulary.
_BLOCKED_WORDS = {"blocked", "block", "stuck"}
_CHOICE_STATUS = {Choice.YES: Status.MET, Choice.NO: Status.NOT_MET, Choice.PARTLY: Status.PARTLY}


def status_of(raw: str | None) -> Status:
    """A stored status string as a Status (anything unknown reads as ``UNKNOWN``)."""
    try:
        return Status(raw or "")
    except ValueError:
        return Status.UNKNOWN


@dataclass(frozen=True)
class BoardEntry:
    """One criterion's current status on a team's board, and who moved it last."""

    criterion_id: str
    status: Status
    value: float | None
    source: str
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class BoardChange:
    """One change in a criterion's history: old → new, who, when, from where, and why.

    ``old_status`` is ``UNKNOWN`` for a criterion's first status, None for a change
    recorded before the board kept what a change replaced.
    """

    criterion_id: str
    status: Status
    value: float | None
    source: str
    user_id: str
    created_at: datetime
    evidence: str = ""
    old_status: Status | None = None
    old_value: float | None = None
    note: str = ""
    link: str = ""
    id: int = 0


@dataclass(frozen=True)
class LevelMove:
    """A change of a team's level, as the board's criteria moved it."""

    from_level: int | None
    to_level: int
    user_id: str
    source: str
    criterion_id: str
    created_at: datetime
    id: int = 0

    @property
    def up(self) -> bool:
        return self.to_level > (self.from_level or 0)


# ------------------------------------------------------------------ criteria by name


def find_criterion(typed: str) -> Criterion | None:
    """The criterion whose id was typed (any case), or None."""
    key = typed.strip().lower()
    return next((c for c in CRITERIA if c.id == key), None)


def closest_criteria(typed: str, limit: int = 3) -> list[str]:
    """The ids a mistyped criterion id most likely meant, best first (at most ``limit``):
    by the whole id, by the part after the dot (``deploy_under_10``), by the label's words."""
    ids = [c.id for c in CRITERIA]
    found: list[str] = []
    remaining = list(ids)
    key = typed.strip().lower()
    tail = key.rpartition(".")[2]
    for _ in range(limit):
        best = closest(key, remaining, cutoff=0.5)
        if best is None:
            by_tail = {c.rpartition(".")[2]: c for c in remaining}
            near = closest(tail, list(by_tail), cutoff=0.5) if tail else None
            best = by_tail[near] if near else None
        if best is None:
            break
        found.append(best)
        remaining.remove(best)
    if not found and tail:
        words = set(re.findall(r"[a-z0-9]+", tail))
        scored = [
            (len(words & set(re.findall(r"[a-z0-9]+", c.id + " " + c.label.lower()))), c.id)
            for c in CRITERIA
        ]
        found = [cid for score, cid in sorted(scored, key=lambda x: -x[0]) if score][:limit]
    return found


# ------------------------------------------------------------------ figures and bars


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_value(c: Criterion | str, value: float | None) -> str:
    """A numeric criterion's figure in its unit: ``"65%"``, ``"14 min"``, ``"120 min"``
    (minutes as minutes, the way the board has always shown them); "" for none (or a
    yes/no criterion)."""
    if isinstance(c, str):
        c = criterion(c)
    if value is None or not c.is_numeric:
        return ""
    if c.kind is CriterionKind.PERCENT:
        return f"{format_number(value)}%"
    return f"{format_number(value)} min"


def bar_phrase(c: Criterion) -> str:
    """What a numeric criterion needs, in words: ``"at least 80%"``, ``"under 10 min"``."""
    if c.threshold is None:
        return "yes"
    if c.kind is CriterionKind.PERCENT:
        return f"at least {format_number(c.threshold)}%"
    return f"under {format_minutes(c.threshold)}"


def value_status(c: Criterion, value: float) -> Status:
    """Met or not met, for a figure against the criterion's bar."""
    return criterion_status(c, _number_text(value))


def unit_hint(c: Criterion) -> str:
    """What to type for a numeric criterion's figure."""
    if c.kind is CriterionKind.PERCENT:
        return "A percentage, like 65% or about 60%"
    return "How long, like 14 min, 1h30 or 2 days"


# ------------------------------------------------------------------ what people set


@dataclass(frozen=True)
class Update:
    """A change someone asked for: the new status, the figure (numeric criteria), why."""

    criterion_id: str
    status: Status
    value: float | None = None
    note: str = ""
    link: str = ""


class UpdateField(StrEnum):
    STATUS = "status"
    VALUE = "value"
    LINK = "link"
    NOTE = "note"


def read_link(text: str) -> str | None:
    """An evidence link as given ("" for none); None when it is not an http(s) link (or
    too long to keep)."""
    link = text.strip()
    if not link:
        return ""
    if len(link) > LINK_MAX or not _LINK.match(link):
        return None
    try:
        host = urlsplit(link).hostname
    except ValueError:
        return None
    return link if host else None


def clean_note(text: str) -> str:
    """A note on one line, cut to :data:`NOTE_MAX` characters."""
    return " ".join(text.split())[:NOTE_MAX]


def _read_figure(c: Criterion, raw: str) -> tuple[Status, float | None] | str:
    """A typed figure for a numeric criterion, read like a check-in answer: its status
    against the bar and the number (None for a range, which names no one figure); or
    what to type instead."""
    parsed = parse_answer(question(c.id), raw)
    if isinstance(parsed, AnswerError):
        return parsed.message
    if parsed.skipped or parsed.number is None:
        return f"Give the figure, {unit_hint(c)[0].lower()}{unit_hint(c)[1:]}."
    status = criterion_status(c, parsed.value)
    return status, (parsed.number if parsed.exact else None)


def read_update(
    criterion_id: str, *, status: str | None, value: str = "", link: str = "", note: str = ""
) -> Update | dict[UpdateField, str]:
    """The board's form, checked: an :class:`Update`, or messages by field.

    A numeric criterion's figure is read like a check-in answer (``about 60%``, ``2h``)
    and refused outside its range; with a figure the status must agree with the bar — a
    figure past the bar is met, and one short of it is not (in progress, not met or
    blocked, as the person says). With no status picked, the figure decides it.
    """
    c = criterion(criterion_id)
    errors: dict[UpdateField, str] = {}
    picked: Status | None = None
    if status:
        try:
            picked = Status(status)
        except ValueError:
            picked = None
        if picked not in BOARD_STATUSES:
            errors[UpdateField.STATUS] = "Pick one of the statuses."
    number: float | None = None
    figure_status: Status | None = None
    if c.is_numeric and value.strip():
        figure = _read_figure(c, value)
        if isinstance(figure, str):
            errors[UpdateField.VALUE] = figure
        else:
            figure_status, number = figure
    if UpdateField.STATUS not in errors and UpdateField.VALUE not in errors:
        if picked is None and figure_status is None:
            errors[UpdateField.STATUS] = "Pick a status."
        elif picked is not None and figure_status is not None:
            shown = format_value(c, number) or value.strip()
            if picked is Status.MET and figure_status is not Status.MET:
                errors[UpdateField.VALUE] = (
                    f"{shown} is short of the bar ({bar_phrase(c)}): change the figure, or "
                    "pick another status."
                )
            elif picked is not Status.MET and figure_status is Status.MET:
                errors[UpdateField.STATUS] = (
                    f"{shown} meets the bar ({bar_phrase(c)}): pick Met, or change the figure."
                )
    good_link = read_link(link)
    if good_link is None:
        errors[UpdateField.LINK] = (
            f"A link starts with https:// (up to {LINK_MAX:,} characters), or leave it empty."
        )
    if len(" ".join(note.split())) > NOTE_MAX:
        errors[UpdateField.NOTE] = f"Keep the note under {NOTE_MAX} characters."
    if errors:
        return errors
    final = picked or figure_status
    assert final is not None
    return Update(criterion_id, final, number, clean_note(note), good_link or "")


def read_set(criterion_id: str, raw: str) -> Update | str:
    """``/maturity set <criterion> <value>``'s value, in the answers' vocabulary — yes, no,
    partly (or blocked), or for a numeric criterion a figure — as an :class:`Update`; or
    what to type instead (plain text)."""
    c = criterion(criterion_id)
    text = " ".join(raw.split()).lower()
    if text in _BLOCKED_WORDS:
        return Update(criterion_id, Status.BLOCKED)
    choice = read_choice(text)
    if choice in _CHOICE_STATUS:
        return Update(criterion_id, _CHOICE_STATUS[choice])
    if c.is_numeric and choice is None:
        figure = _read_figure(c, raw)
        if isinstance(figure, str):
            return figure
        status, number = figure
        return Update(criterion_id, status, number)
    if c.is_numeric:
        return f"Say yes, no, partly or blocked, or give the figure: {unit_hint(c).lower()}."
    return "Say yes, no, partly or blocked."


# ------------------------------------------------------------------ a level change


@dataclass(frozen=True)
class Moved:
    """One criterion over a batch of changes: where it was before the first, where it is
    after the last, and who moved it last."""

    criterion_id: str
    before: Status | None
    before_value: float | None
    after: Status
    after_value: float | None
    user_id: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class LevelStory:
    """What a level change says: from where to where, what moved (and who moved it), the
    criteria that fell (a drop), and what the next step still needs."""

    from_level: int | None
    to_level: int
    moved: tuple[Moved, ...]
    fell: tuple[str, ...]
    needs: tuple[tuple[str, Status], ...]
    people: tuple[str, ...] = field(default=())

    @property
    def up(self) -> bool:
        return self.to_level > (self.from_level or 0)


def moved_criteria(changes: Sequence[BoardChange]) -> tuple[Moved, ...]:
    """Changes (oldest first) folded per criterion, in the order they first moved; a
    criterion that ended where it started is left out."""
    first: dict[str, BoardChange] = {}
    last: dict[str, BoardChange] = {}
    for change in changes:
        first.setdefault(change.criterion_id, change)
        last[change.criterion_id] = change
    out = []
    for cid, start in first.items():
        end = last[cid]
        if (start.old_status, start.old_value) == (end.status, end.value):
            continue
        out.append(
            Moved(
                cid,
                start.old_status,
                start.old_value,
                end.status,
                end.value,
                end.user_id,
                end.source,
                end.note,
            )
        )
    return tuple(out)


def level_story(
    from_level: int | None,
    to_level: int,
    changes: Sequence[BoardChange],
    statuses: Mapping[str, Status | str],
) -> LevelStory:
    """The story of a level change from ``from_level`` to ``to_level``: ``changes`` are
    the board's changes around it (oldest first), ``statuses`` the board now."""
    moved = moved_criteria(changes)
    fell: tuple[str, ...] = ()
    if from_level is not None and to_level < from_level:
        lost = [
            c.id
            for c in CRITERIA
            if to_level < c.step <= from_level and str(statuses.get(c.id, "")) != Status.MET
        ]
        dropped = [
            m.criterion_id for m in moved if m.before is Status.MET and m.after is not Status.MET
        ]
        fell = tuple(cid for cid in lost if cid in dropped) or tuple(lost)
    needs = tuple(
        (cid, status_of(str(statuses[cid])) if cid in statuses else Status.UNKNOWN)
        for cid in first_unmet(statuses, to_level)
    )
    people = tuple(dict.fromkeys(m.user_id for m in moved if m.user_id))
    return LevelStory(from_level, to_level, moved, fell, needs, people)
