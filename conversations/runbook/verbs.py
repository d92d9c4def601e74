"""Reading the word after ``/maturity runbook``: a verb we do, a verb that is a button on the
list, a near miss of either, or the start of a team name.

``/maturity runbook remove "Rotate certs"`` used to become a team called “remove Rotate
certs”. Now a verb is recognised first; a near miss (``ad``, ``imprt``, ``remvoe``) gets the
closest verb suggested; only words that are neither are a team name. Whether the words
name a team that exists is the caller's to check first (a team may be called "Release").

No Slack, no database.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from conversations.text import closest

# What ``/maturity runbook <verb> …`` does.
VERBS = ("add", "import", "help")
# Ways of asking for the list itself: ``/maturity runbook list [team name]``.
SHOW_VERBS = ("list", "show", "ls", "view")


class Button(StrEnum):
    """The list's buttons, for the verbs people type for them."""

    REMOVE = "Remove"
    EDIT = "Edit"
    REMIND = "Remind me to script this"
    SCRIPTED = "Edit (tick “It's scripted”)"
    PASTE = "Paste a runbook"


BUTTON_VERBS: dict[str, Button] = {
    "remove": Button.REMOVE,
    "delete": Button.REMOVE,
    "del": Button.REMOVE,
    "rm": Button.REMOVE,
    "drop": Button.REMOVE,
    "edit": Button.EDIT,
    "change": Button.EDIT,
    "update": Button.EDIT,
    "rename": Button.EDIT,
    "set": Button.EDIT,
    "remind": Button.REMIND,
    "reminder": Button.REMIND,
    "script": Button.SCRIPTED,
    "scripted": Button.SCRIPTED,
    "done": Button.SCRIPTED,
    "mark": Button.SCRIPTED,
    "paste": Button.PASTE,
}
_ALL = (*VERBS, *SHOW_VERBS, *BUTTON_VERBS)
# Near misses: close enough to a verb (difflib's ratio). Short words need a closer match.
NEAR = 0.75


class Kind(StrEnum):
    VERB = "verb"  # one of VERBS: ``verb`` and ``rest`` say what to do
    SHOW = "show"  # the list; ``rest`` may name a team
    BUTTON = "button"  # a button on the list does that: ``button``
    NEAR_MISS = "near_miss"  # ``verb`` is probably what was meant
    TEAM = "team"  # the words are a team name (``rest``: all of them)


@dataclass(frozen=True)
class Reading:
    kind: Kind
    verb: str = ""  # the verb recognised or suggested
    rest: tuple[str, ...] = ()  # the words after it (for TEAM: every word)
    button: Button | None = None
    typed: str = ""  # the word as typed


def read_verb(words: Sequence[str]) -> Reading:
    """What the words after ``/maturity runbook`` ask for (see the module docstring)."""
    if not words:
        return Reading(Kind.SHOW)
    typed = words[0]
    head, rest = typed.lower(), tuple(words[1:])
    if head in VERBS:
        return Reading(Kind.VERB, head, rest, typed=typed)
    if head in SHOW_VERBS:
        return Reading(Kind.SHOW, head, rest, typed=typed)
    if head in BUTTON_VERBS:
        return Reading(Kind.BUTTON, head, rest, BUTTON_VERBS[head], typed=typed)
    if len(head) >= 2 and head.isalpha():
        near = closest(head, _ALL, cutoff=NEAR)
        if near is not None:
            return Reading(Kind.NEAR_MISS, near, rest, BUTTON_VERBS.get(near), typed=typed)
    return Reading(Kind.TEAM, rest=tuple(words), typed=typed)


def as_typed(words: Sequence[str]) -> str:
    """Words back into a command line (a word with spaces in double quotes)."""
    return " ".join(_quoted(w) for w in words)


def _quoted(word: str) -> str:
    if word and not any(ch.isspace() for ch in word):
        return word
    return f'"{word}"' if '"' not in word else shlex.quote(word)
