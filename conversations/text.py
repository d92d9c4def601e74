"""Small, pure text helpers of the domain: cutting, numbers, lists, plurals, near misses.

Everything the domain produces (explanations, nudges, answer errors) is *plain text*; making
it safe for Slack's mrkdwn is the rendering's job (``bot.blocks.text``).
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with ``…`` when cut."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def format_number(value: float) -> str:
    """``85.0 -> "85"``, ``7.5 -> "7.5"``, ``1500 -> "1,500"``."""
    if not math.isfinite(value):
        raise ValueError("only finite numbers can be formatted")
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def join_and(items: Sequence[str]) -> str:
    """``["a", "b", "c"] -> "a, b and c"``; empty gives ``""``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "service") == "1 service"``, ``plural(12, "service") == "12 services"``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"


def closest(word: str, choices: Sequence[str], *, cutoff: float = 0.6) -> str | None:
    """The choice ``word`` was most likely meant to be (a typo, a near miss), or None.

    Case- and width-insensitive: ``Rmove`` → ``remove``, ``paymnts platform`` →
    ``Payments Platform``.
    """

    def key(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold().strip()

    keyed = {key(c): c for c in choices}
    found = difflib.get_close_matches(key(word), list(keyed), n=1, cutoff=cutoff)
    return keyed[found[0]] if found else None
