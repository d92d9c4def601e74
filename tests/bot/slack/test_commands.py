"""``/maturity`` text parsing, and the usage answer every unknown input gets back.

The usage answer quotes what the user typed, so it is where user text meets Slack's mrkdwn:
whatever they type must come back as literal text, never as a mention, a link or formatting.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.usage import usage_blocks, usage_text
from bot.slack.commands import MAX_COMMAND_TEXT, SUBCOMMANDS, parse
from bot.slack.ids import ActionId, BlockId

SECTION_TEXT_LIMIT = 3000  # Slack's cap on a section block's text
MESSAGE_BLOCK_LIMIT = 50

# ------------------------------------------------------------------ parse()


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t "])
def test_nothing_typed_means_help(text: str | None) -> None:
    parsed = parse(text)
    assert parsed.name == "help"
    assert parsed.args == ()


def test_unknown_subcommand_has_no_name_and_keeps_what_was_typed() -> None:
    parsed = parse("  frobnicate the  platform team ")
    assert parsed.name is None
    assert parsed.raw == "frobnicate the  platform team"


@pytest.mark.parametrize("typed", ["HELP", "Help", "hElP"])
def test_subcommands_are_case_insensitive(typed: str) -> None:
    assert parse(typed).name == "help"


def test_assess_keeps_the_team_names_case_and_spacing() -> None:
    parsed = parse("ASSESS Platform   Team")
    assert parsed.name == "assess"
    assert parsed.rest == "Platform   Team"
    assert parsed.args == ("Platform", "Team")


def test_quoted_words_stay_together() -> None:
    parsed = parse("assess \"Platform Team\" 'SRE crew'")
    assert parsed.name == "assess"
    assert parsed.args == ("Platform Team", "SRE crew")
    assert parsed.rest == "\"Platform Team\" 'SRE crew'"


@pytest.mark.parametrize(
    ("typed", "args"),
    [
        ('assess "Platform Team', ('"Platform', "Team")),
        ("assess Bob's team", ("Bob's", "team")),
    ],
)
def test_an_unbalanced_quote_keeps_the_words_as_typed(typed: str, args: tuple[str, ...]) -> None:
    parsed = parse(typed)
    assert parsed.name == "assess"
    assert parsed.args == args


def test_a_subcommand_name_must_be_the_whole_first_word() -> None:
    assert parse("helpme").name is None
    assert parse("assessment now").name is None


def test_very_long_text_is_capped() -> None:
    parsed = parse("x" * 10_000)
    assert parsed.name is None
    assert len(parsed.raw) == MAX_COMMAND_TEXT
    long_team = parse("assess " + "t" * 10_000)
    assert long_team.name == "assess"
    assert len(long_team.raw) <= MAX_COMMAND_TEXT
    assert len(long_team.rest) < MAX_COMMAND_TEXT


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("asess", "assess"),
        ("assesss", "assess"),
        ("Asses Payments Platform", "assess Payments Platform"),  # the rest kept as typed
        ("bord", "board"),
        ("digets preview", "digest preview"),
        ("runbok add x", "runbook add x"),
        ("hlep", "help"),
        ("assessment now", "assess now"),
    ],
)
def test_a_near_miss_subcommand_comes_with_what_was_meant(typed: str, meant: str) -> None:
    parsed = parse(typed)
    assert parsed.name is None
    assert parsed.suggestion == meant


@pytest.mark.parametrize("typed", ["frobnicate", "Payments Platform", "x", "<!channel>", "42"])
def test_a_word_near_no_subcommand_has_no_suggestion(typed: str) -> None:
    assert parse(typed).suggestion is None


def test_a_newline_after_the_subcommand_still_reads_it() -> None:
    parsed = parse("assess\nPayments Platform")
    assert (parsed.name, parsed.rest) == ("assess", "Payments Platform")


# ------------------------------------------------------------------ usage blocks


def _validated(blocks: list[dict[str, Any]]) -> list[Block]:
    """Each block through slack_sdk's Block Kit models, which enforce Slack's limits."""
    assert 0 < len(blocks) <= MESSAGE_BLOCK_LIMIT
    parsed = []
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"slack_sdk does not know this block: {raw}"
        block.validate_json()  # raises SlackObjectFormationError past a limit
        assert block.to_dict() == raw, "the block does not round-trip through slack_sdk"
        parsed.append(block)
    return parsed


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e["text"] for e in block.get("elements", []) if "text" in e)
    return out


def _quoted(blocks: list[dict[str, Any]]) -> str:
    """What the "didn't catch" line echoes back, between its backticks."""
    error = next(b for b in blocks if b.get("block_id") == BlockId.ERROR)
    match = re.fullmatch(
        r"I didn't catch `(.*)`\. Here is what I can do:", error["text"]["text"], re.S
    )
    assert match, error["text"]["text"]
    return match.group(1)


def test_help_lists_every_subcommand_and_passes_block_kit_validation() -> None:
    blocks = usage_blocks()
    _validated(blocks)
    assert all(b.get("block_id") != BlockId.ERROR for b in blocks)
    shown = html.unescape("\n".join(_texts(blocks)))  # as Slack displays it
    for sub in SUBCOMMANDS:
        assert f"`{sub.usage}`" in shown
        assert sub.usage in html.unescape(usage_text())


def test_an_unknown_command_says_so_before_the_usage() -> None:
    blocks = usage_blocks("frobnicate")
    _validated(blocks)
    assert blocks[0]["block_id"] == BlockId.ERROR
    assert _quoted(blocks) == "frobnicate"
    assert any(b.get("block_id") == BlockId.USAGE for b in blocks[1:])
    assert usage_text("frobnicate").startswith("I didn't catch that.")


HOSTILE = [
    pytest.param("<!channel> deploy now", id="channel-mention"),
    pytest.param("<!here|here> <!everyone>", id="here-everyone"),
    pytest.param("ping <@U123> and <#C123|general>", id="user-and-channel-mention"),
    pytest.param("<!subteam^S0123|@oncall>", id="group-mention"),
    pytest.param("<https://evil.example|click here>", id="disguised-link"),
    pytest.param("fish &amp; chips & <b>", id="entities"),
    pytest.param("`code` ```block``` ``", id="backticks"),
    pytest.param("*bold* _italic_ ~struck~ :skull:", id="formatting"),
    pytest.param("first line\n> quoted <!channel>\n*bold*\n\n```\nx\n```", id="newlines"),
    pytest.param("<" * 5_000 + ">" * 5_000, id="10k-angle-brackets"),
    pytest.param("&" * 10_000, id="10k-ampersands"),
]


@pytest.mark.parametrize("typed", HOSTILE)
def test_user_text_is_echoed_as_literal_text(typed: str) -> None:
    blocks = usage_blocks(parse(typed).raw)
    _validated(blocks)
    assert all(len(text) <= SECTION_TEXT_LIMIT for text in _texts(blocks))
    quoted = _quoted(blocks)
    # `<` and `>` start every mention and link; `&` may only begin an escape.
    assert "<" not in quoted
    assert ">" not in quoted
    assert not re.search(r"&(?!amp;|lt;|gt;)", quoted), quoted
    # No backtick can close the code span early, and no newline can end it: everything
    # the user typed stays inside the one inline-code span, so nothing in it formats.
    assert "`" not in quoted
    assert "\n" not in quoted, f"the echoed text spans lines: {quoted!r}"


def test_the_usage_text_escapes_its_own_placeholders() -> None:
    # Slack reads `<...>` as a link or mention, in blocks and in the notification `text`
    # alike: a placeholder such as <weekday> must be sent as &lt;weekday&gt; or it shows
    # mangled.
    for text in [*_texts(usage_blocks()), usage_text(), usage_text("x")]:
        raw = re.findall(r"<[^>]*>?", text)
        assert not raw, f"unescaped {raw} in usage text: {text!r}"
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text


@pytest.mark.parametrize(
    "typed", ["<!channel>", "<@U123>", "<https://evil|click>", "&amp;", "a < b > c & d"]
)
def test_the_echo_shows_exactly_what_was_typed(typed: str) -> None:
    # Slack decodes &amp; &lt; &gt; for display: the user reads back their own characters.
    assert html.unescape(_quoted(usage_blocks(typed))) == typed


def test_a_10000_character_input_is_echoed_short() -> None:
    blocks = usage_blocks(parse("y" * 10_000).raw)
    _validated(blocks)
    quoted = _quoted(blocks)
    assert quoted.startswith("yyyy")
    assert quoted.endswith("…")
    assert len(quoted) <= 300


# ------------------------------------------------------------------ did you mean


def test_a_near_miss_is_answered_with_did_you_mean_and_a_button_that_runs_it() -> None:
    parsed = parse("asess Payments Platform")
    blocks = usage_blocks(parsed.raw, parsed.suggestion)
    _validated(blocks)
    assert blocks[0]["text"]["text"] == (
        "I didn't catch `asess Payments Platform`. "
        "Did you mean `/maturity assess Payments Platform`?"
    )
    button = blocks[1]["elements"][0]
    assert (button["action_id"], button["value"]) == (
        ActionId.COMMAND_RUN,
        "assess Payments Platform",
    )
    assert any(b.get("block_id") == BlockId.USAGE for b in blocks[2:])  # usage follows
    assert usage_text(parsed.raw, parsed.suggestion) == (
        "I didn't catch that. Did you mean /maturity assess Payments Platform?"
    )


@pytest.mark.parametrize("rest", [p.values[0] for p in HOSTILE])
def test_a_suggestion_echoes_user_text_as_literal_text(rest: str) -> None:
    parsed = parse(f"asess {rest}")
    blocks = usage_blocks(parsed.raw, parsed.suggestion)
    _validated(blocks)
    said = blocks[0]["text"]["text"]
    assert "<" not in said and ">" not in said
    assert not re.search(r"&(?!amp;|lt;|gt;)", said), said
    assert said.count("`") == 4  # two inline-code spans, nothing more
