"""Text helpers: user text stays inert in mrkdwn, and long text fits Slack's fields."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.text import escape_and_truncate, escape_mrkdwn
from conversations.text import ELLIPSIS, format_number, join_and, plural, truncate


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel> deploy now", "&lt;!channel&gt; deploy now"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("R&D", "R&amp;D"),
        ("&lt; already", "&amp;lt; already"),
        ("plain *bold* text", "plain *bold* text"),
    ],
)
def test_escape_makes_mentions_links_and_entities_inert(raw, escaped):
    assert escape_mrkdwn(raw) == escaped


@given(st.text())
def test_escaped_text_has_no_control_characters_and_reads_back(text):
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert _unescape(escaped) == text


def _unescape(text: str) -> str:
    return re.sub(r"&(amp|lt|gt);", lambda m: {"amp": "&", "lt": "<", "gt": ">"}[m[1]], text)


def test_truncate_leaves_short_text_alone_and_marks_a_cut():
    assert truncate("short", 10) == "short"
    assert truncate("exactly10!", 10) == "exactly10!"
    assert truncate("a long runbook title", 10) == "a long ru" + ELLIPSIS
    assert truncate("word   gap", 6) == "word" + ELLIPSIS  # no dangling spaces before …


def test_truncate_rejects_a_limit_below_one():
    with pytest.raises(ValueError):
        truncate("x", 0)
    with pytest.raises(ValueError):
        escape_and_truncate("x", 0)


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_truncate_never_exceeds_the_limit_and_keeps_a_prefix(text, limit):
    out = truncate(text, limit)
    assert len(out) <= limit
    if out != text:
        assert out.endswith(ELLIPSIS)
        assert text.startswith(out[:-1])


@given(st.text(alphabet="ab<>& ", max_size=60), st.integers(min_value=1, max_value=80))
def test_escape_and_truncate_fits_and_never_splits_an_entity(text, limit):
    out = escape_and_truncate(text, limit)
    assert len(out) <= limit
    body = out[:-1] if out.endswith(ELLIPSIS) and out != escape_mrkdwn(text) else out
    assert "<" not in body and ">" not in body
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:].startswith(("&amp;", "&lt;", "&gt;"))


def test_escape_and_truncate_keeps_short_text_whole():
    assert escape_and_truncate("<!here>", 100) == "&lt;!here&gt;"


@pytest.mark.parametrize(
    ("value", "text"),
    [(85.0, "85"), (7.5, "7.5"), (1500, "1,500"), (0.25, "0.25"), (0, "0")],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_number_refuses_nan():
    with pytest.raises(ValueError):
        format_number(float("nan"))


def test_join_and_and_plural():
    assert join_and([]) == ""
    assert join_and(["a"]) == "a"
    assert join_and(["a", "b", "c"]) == "a, b and c"
    assert plural(1, "service") == "1 service"
    assert plural(12, "service") == "12 services"


def test_closest_finds_the_near_miss_and_nothing_for_a_stranger() -> None:
    from conversations.text import closest

    assert closest("rmove", ["add", "import", "remove", "help"]) == "remove"
    assert closest("PAYMNTS platform", ["Payments Platform", "Core"]) == "Payments Platform"
    assert closest("xyz", ["add", "remove"]) is None
    assert closest("", ["add"]) is None
