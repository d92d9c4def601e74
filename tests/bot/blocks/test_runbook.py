"""Runbook Block Kit against Slack's limits (through slack_sdk's own models), at any size
and with hostile text: 50 blocks a message, 100 a modal, 3,000 characters of section text,
3,000 of private metadata; user text never becomes a mention, a link or markup."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.runbook.common import link, script_place, to_dicts
from bot.blocks.runbook.forms import FormValues, form_modal
from bot.blocks.runbook.importing import (
    Preview,
    codes_of,
    paste_modal,
    preview_card_blocks,
    preview_modal,
)
from bot.blocks.runbook.listing import PAGE_SIZE, OpLine, RunbookPage, list_blocks
from bot.blocks.runbook.reminders import (
    date_modal,
    keep_manual_modal,
    reminder_blocks,
    scripted_modal,
)
from bot.slack.ids import ActionId, BlockId, RunbookScopeAction
from bot.slack.metadata import PreviewMeta
from conversations.runbook.coverage import Coverage
from conversations.runbook.ranking import Frequency, Operation, rank, summarise

HOSTILE = "<!channel> *bold* `tick` <@U0BOSS> & <https://evil.example|click> " + "x" * 300
TEAM = "<!here> Payments & Platform " + "y" * 80


def valid_message(blocks: list[Any]) -> list[dict]:
    raw = to_dicts(blocks)
    assert 0 < len(raw) <= 50
    for block in raw:
        parsed = Block.parse(block)
        parsed.validate_json()
        assert parsed.to_dict() == block
    return raw


def valid_view(view: dict) -> dict:
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    assert len(view.get("private_metadata", "")) <= 3000
    return view


def mrkdwn_texts(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            out.append(node["text"])
        for value in node.values():
            out += mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            out += mrkdwn_texts(item)
    return out


OUR_MARKUP = re.compile(r"<@U0OWNER>|<https://git\.example\.com/[^|>]*\|script>")


def assert_safe(raw: list[dict] | dict) -> None:
    for text in mrkdwn_texts(raw):
        assert len(text) <= 3000
        stripped = OUR_MARKUP.sub("", text)
        assert "<" not in stripped and ">" not in stripped, text
        assert not re.search(r"&(?!amp;|lt;|gt;)", stripped), text


def page(n: int, *, page_no: int = 0, title: str = "Operation") -> RunbookPage:
    ops = [
        Operation(
            id=i + 1,
            title=f"{title} {i}",
            frequency=list(Frequency)[i % 6],
            minutes=1 + i,
            scripted=i % 5 == 0,
            kept_manual=i % 7 == 0,
            fails=i % 3 == 0,
            differs=i % 4 == 0,
        )
        for i in range(n)
    ]
    ranked = rank(ops, 3)
    lines = [
        OpLine(
            ranked=r,
            section=HOSTILE,
            owner="U0OWNER",
            script_url="https://git.example.com/ops/run.sh?a=1&b=2",
            broken_note=HOSTILE,
            keep_manual_reason=HOSTILE,
            reminder="Monday 7 December",
        )
        for r in ranked
    ]
    return RunbookPage(
        team_id=1,
        team_name=TEAM,
        lines=lines,
        summary=summarise(ops, 3),
        deploys_per_day=3,
        deploys_known=True,
        page=page_no,
        note="Saved.",
    )


@pytest.mark.parametrize("n", [0, 1, 3, PAGE_SIZE, 200])
def test_every_page_of_any_runbook_fits_a_message(n: int) -> None:
    pages = max(1, -(-n // PAGE_SIZE))
    seen: set[str] = set()
    for p in range(pages):
        raw = valid_message(list_blocks(page(n, page_no=p, title=HOSTILE)))
        assert_safe(raw)
        ids = [b["block_id"] for b in raw if b.get("block_id", "").startswith("runbook.op.")]
        assert len(ids) <= PAGE_SIZE
        seen.update(ids)
    assert len(seen) == n  # every operation is on some page


def test_a_script_link_cannot_break_out_of_its_link() -> None:
    made = link("https://x.example/a|<!channel>>", "script")
    assert made == "<https://x.example/a%7C&lt;!channel&gt;&gt;|script>"


def preview(n: int) -> Preview:
    steps = [
        {
            "title": f"{HOSTILE} {i}",
            "section": HOSTILE[:120],
            "frequency": list(Frequency)[i % 6].value,
            "minutes": 10,
            "scripted": i % 2 == 0,
            "reason": "says “nightly”",
            "minutes_guessed": True,
        }
        for i in range(n)
    ]
    return Preview(
        key="k" * 32, team_name=TEAM, source_label="https://x.example/" + "p" * 300, steps=steps
    )


@pytest.mark.parametrize("n", [1, 25, 26, 200, 500])
def test_the_import_preview_fits_at_any_size(n: int) -> None:
    p = preview(n)
    raw = valid_message(preview_card_blocks(p))
    assert_safe(raw)
    meta = PreviewMeta(
        key=p.key,
        page=0,
        codes=codes_of(p.steps),
        replace=False,
        response_url="https://hooks.slack.com/actions/T0/1234567890/" + "z" * 60,
        channel="C0PLATFORM",
    )
    for number in range(p.pages):
        state = meta.model_copy(update={"page": number})
        view = valid_view(preview_modal(p, state))
        assert_safe(view["blocks"])
        assert PreviewMeta.decode(view["private_metadata"]).codes == state.codes


def test_forms_validate_with_the_longest_values() -> None:
    values = FormValues(
        title="t" * 200,
        frequency=Frequency.PER_DEPLOY,
        minutes=10080,
        section="s" * 120,
        scripted=True,
        script_url="https://git.example.com/" + "a" * 1900,
        fails=True,
        differs=True,
        broken_note="n" * 500,
        keep_manual_reason="k" * 500,
        owner="U0OWNER",
    )
    for new in (True, False):
        valid_view(form_modal(values, team_name=TEAM, metadata="{}", new=new))
    valid_view(form_modal(FormValues(), team_name="x", metadata="{}", new=True))
    valid_view(paste_modal(TEAM, "{}"))
    valid_view(date_modal(date(2026, 12, 7), "{}", "scripting “x”"))
    valid_view(scripted_modal(HOSTILE, "{}", "https://git.example.com/x"))
    valid_view(keep_manual_modal(HOSTILE, "{}"))


def test_the_reminder_message_is_valid_and_safe() -> None:
    raw = valid_message(
        reminder_blocks(
            operation_id=1,
            schedule_id=2,
            title=HOSTILE,
            team_name=TEAM,
            frequency=Frequency.WEEKLY,
            minutes=30,
            toil=130,
            rank=1,
            total=4,
        )
    )
    assert_safe(raw)
    assert [e["text"]["text"] for e in raw[1]["elements"]] == [
        "Scripted ✓",
        "Snooze 1 week",
        "Keep it manual",
    ]


# ------------------------------------------------------------------ the worst case, measured

WORST = ("&<>" * 70)[:200]  # 200 characters that each escape to 4-5: the longest mrkdwn
LIMITS = {"button_text": 75, "value": 2000, "id": 255, "option_text": 75, "section": 3000}


def _within_slack_limits(node: Any) -> None:
    """Walk blocks or a view and hold every element to Slack's documented limits."""
    if isinstance(node, list):
        for item in node:
            _within_slack_limits(item)
        return
    if not isinstance(node, dict):
        return
    for key in ("block_id", "action_id", "callback_id"):
        if key in node:
            assert len(str(node[key])) <= LIMITS["id"], node[key]
    if node.get("type") == "button":
        assert len(node["text"]["text"]) <= LIMITS["button_text"]
        assert len(str(node.get("value", ""))) <= LIMITS["value"]
    if node.get("type") == "section" and node.get("text"):
        assert len(node["text"]["text"]) <= LIMITS["section"]
    for option in node.get("options") or []:
        assert len(option["text"]["text"]) <= LIMITS["option_text"]
        assert len(option["value"]) <= 150
    for value in node.values():
        _within_slack_limits(value)


def worst_page(n: int, page_no: int) -> RunbookPage:
    ops = [
        Operation(
            id=10_000_000 + i,
            title=WORST,
            frequency=list(Frequency)[i % 6],
            minutes=10080,
            scripted=i % 3 == 0,
            kept_manual=i % 3 == 1,
            fails=True,
            differs=True,
        )
        for i in range(n)
    ]
    ranked = rank(ops, 1000)
    lines = [
        OpLine(
            ranked=r,
            section=WORST[:120],
            owner="U0OWNER",
            script_url="https://git.example.com/" + "a" * 1976,
            broken_note=("&" * 500),
            keep_manual_reason=("<" * 500),
            reminder="Wednesday 30 September 2026",
        )
        for r in ranked
    ]
    return RunbookPage(
        team_id=10_000_000,
        team_name=WORST[:200],
        lines=lines,
        summary=summarise(ops, 1000),
        deploys_per_day=1000,
        deploys_known=True,
        page=page_no,
        note=":white_check_mark: Added " + "“" + "&amp;" * 100 + "”.",
    )


def test_five_hundred_operations_with_the_longest_words_fit_every_page() -> None:
    n = 500
    for page_no in range(-(-n // PAGE_SIZE)):
        raw = valid_message(list_blocks(worst_page(n, page_no)))
        _within_slack_limits(raw)
        assert_safe(raw)


def test_the_longest_import_fits_the_card_and_every_modal_page() -> None:
    steps = [
        {
            "title": WORST,
            "section": WORST[:120],
            "frequency": list(Frequency)[i % 6].value,
            "minutes": 10080,
            "scripted": i % 2 == 0,
            "reason": "under “" + "&" * 40 + "”",
            "minutes_guessed": False,
        }
        for i in range(500)
    ]
    p = Preview(
        key="f" * 32, team_name=WORST, source_label="https://x.example/" + "&" * 237, steps=steps
    )
    raw = valid_message(preview_card_blocks(p))
    _within_slack_limits(raw)
    assert_safe(raw)
    meta = PreviewMeta(
        key=p.key,
        page=0,
        codes=codes_of(steps),
        replace=True,
        response_url="https://hooks.slack.com/actions/T0123456789/1234567890123/" + "z" * 24,
        channel="C0123456789",
    )
    for number in range(p.pages):
        view = valid_view(preview_modal(p, meta.model_copy(update={"page": number})))
        _within_slack_limits(view)
        assert_safe(view["blocks"])


def test_every_modal_with_the_longest_words_is_within_limits() -> None:
    values = FormValues(
        title=WORST,
        section=WORST[:120],
        script_url="https://git.example.com/" + "a" * 1976,
        broken_note="&" * 500,
        keep_manual_reason="<" * 500,
        owner="U0OWNER",
    )
    meta = '{"t":10000000,"o":10000000,"v":999,"c":"C0123456789","r":"' + "h" * 200 + '"}'
    for view in (
        form_modal(values, team_name=WORST, metadata=meta, new=False),
        paste_modal(WORST, meta),
        date_modal(date(2026, 12, 7), meta, f"scripting {WORST}"[:300]),
        scripted_modal(WORST, meta, values.script_url),
        keep_manual_modal(WORST, meta),
    ):
        _within_slack_limits(valid_view(view))
    reminder = valid_message(
        reminder_blocks(
            operation_id=10_000_000,
            schedule_id=10_000_000,
            title=WORST,
            team_name=WORST,
            frequency=Frequency.PER_DEPLOY,
            minutes=10080,
            toil=10080 * 30 * 1000,
            rank=500,
            total=500,
        )
    )
    _within_slack_limits(reminder)
    assert_safe(reminder)


# ------------------------------------------------------------------ issue 11


@pytest.mark.parametrize("coverage", list(Coverage))
@pytest.mark.parametrize("n", [1, PAGE_SIZE, 200])
def test_what_the_runbook_covers_is_asked_or_said_at_the_foot_of_every_page(
    coverage: Coverage, n: int
) -> None:
    p = replace(page(n, title=HOSTILE), coverage=coverage)
    raw = valid_message(list_blocks(p))
    assert_safe(raw)
    ids = [b.get("block_id") for b in raw]
    assert ids[-1] in (BlockId.RUNBOOK_SCOPE, BlockId.RUNBOOK_SCOPE_ACTIONS)  # after Edit etc.
    buttons = [
        el["action_id"]
        for b in raw
        for el in [*(b.get("elements") or []), b.get("accessory") or {}]
        if str(el.get("action_id", "")).startswith(f"{ActionId.RUNBOOK_SHOW}:")
    ]
    expected = {
        Coverage.UNKNOWN: [RunbookScopeAction.ALL, RunbookScopeAction.SOME],
        Coverage.ALL: [RunbookScopeAction.SOME],
        Coverage.SOME: [RunbookScopeAction.ALL],
    }[coverage]
    assert buttons == [f"{ActionId.RUNBOOK_SHOW}:1:{a}" for a in expected]


def test_an_empty_runbook_asks_nothing_about_what_it_covers() -> None:
    raw = valid_message(list_blocks(page(0)))
    assert BlockId.RUNBOOK_SCOPE not in [b.get("block_id") for b in raw]


def test_broken_operations_sit_under_fix_the_process_first_and_out_of_the_top_three() -> None:
    ops = [
        Operation(id=1, title="Broken", frequency=Frequency.DAILY, minutes=60, fails=True),
        Operation(id=2, title="Working", frequency=Frequency.MONTHLY, minutes=5),
    ]
    ranked = rank(ops, 1)
    p = RunbookPage(
        team_id=1,
        team_name="Core",
        lines=[OpLine(ranked=r) for r in ranked],
        summary=summarise(ops, 1),
        deploys_per_day=1,
        deploys_known=True,
    )
    raw = valid_message(list_blocks(p))
    ids = [b.get("block_id", "") for b in raw]
    assert ids.index("runbook.group.script_next") < ids.index("runbook.op.2")
    assert ids.index("runbook.op.2") < ids.index("runbook.group.fix_first")
    assert ids.index("runbook.group.fix_first") < ids.index("runbook.op.1")
    top = next(b for b in raw if b.get("block_id") == BlockId.RUNBOOK_TOP)
    assert top["accessory"]["value"] == "2"
    assert "Broken" not in top["text"]["text"]
    summary = next(b for b in raw if b.get("block_id") == BlockId.RUNBOOK_SUMMARY)
    assert "1 operation is broken: fix the process before scripting" in summary["text"]["text"]


@pytest.mark.parametrize(
    ("minutes_guessed", "deploys_known", "line", "note"),
    [
        (False, True, "every deploy · 5 min a run · *2.5 h a month*", ""),
        (
            True,
            True,
            "every deploy · 5 min a run _(a guess)_ · *about 2.5 h a month*",
            "(a guess)",
        ),
        (False, False, "every deploy · 5 min a run · *about 2.5 h a month*", "assumed"),
    ],
)
def test_estimates_are_marked_as_estimates(
    minutes_guessed: bool, deploys_known: bool, line: str, note: str
) -> None:
    ops = [
        Operation(
            id=1,
            title="Smoke test",
            frequency=Frequency.PER_DEPLOY,
            minutes=5,
            minutes_guessed=minutes_guessed,
        )
    ]
    rate = 1.0
    ranked = rank(ops, rate if deploys_known else None)
    p = RunbookPage(
        team_id=1,
        team_name="Core",
        lines=[OpLine(ranked=r) for r in ranked],
        summary=summarise(ops, rate if deploys_known else None),
        deploys_per_day=rate,
        deploys_known=deploys_known,
    )
    raw = valid_message(list_blocks(p))
    op_text = next(b for b in raw if b.get("block_id") == "runbook.op.1")["text"]["text"]
    assert line in op_text
    said = "\n".join(mrkdwn_texts(raw))
    assert note in said
    if minutes_guessed or not deploys_known:
        assert "an estimate: 1 figure below rests on a guess" in said


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("https://git.example.com/x.sh", "<https://git.example.com/x.sh|script>"),
        ("git@github.com:acme/ops.git", "script in `git@github.com:acme/ops.git`"),
        (
            "ops/scripts/`rm -rf`.sh <!channel>",
            "script in `ops/scripts/'rm -rf'.sh &lt;!channel&gt;`",
        ),
    ],
)
def test_a_script_location_is_a_link_only_when_it_is_a_web_address(
    location: str, shown: str
) -> None:
    assert script_place(location) == shown


def test_every_import_page_asks_the_minutes_of_each_step_within_limits() -> None:
    p = preview(500)
    p.steps[0]["minutes_guessed"] = False
    meta = PreviewMeta(key=p.key, page=0, codes=codes_of(p.steps))
    view = valid_view(preview_modal(p, meta))
    minutes = [
        b for b in view["blocks"] if b["block_id"].startswith(BlockId.RUNBOOK_STEP_MINUTES_PREFIX)
    ]
    assert len(minutes) == 25
    assert minutes[0]["element"]["initial_value"] == "10"  # the words said
    assert "initial_value" not in minutes[1]["element"]  # a guess: asked
    assert minutes[1]["element"]["placeholder"]["text"] == "a guess: 10"
    card = "\n".join(mrkdwn_texts(to_dicts(preview_card_blocks(p))))
    assert "499 steps say nothing of how long a run takes" in card


def test_the_form_asks_for_minutes_that_are_a_guess() -> None:
    view = valid_view(
        form_modal(
            FormValues(minutes=10, minutes_guessed=True), team_name="x", metadata="{}", new=False
        )
    )
    minutes = next(b for b in view["blocks"] if b.get("block_id") == BlockId.RUNBOOK_MINUTES)
    assert minutes["optional"] is True and "initial_value" not in minutes["element"]
    assert "10 min is my guess" in minutes["hint"]["text"]
    known = valid_view(form_modal(FormValues(minutes=30), team_name="x", metadata="{}", new=False))
    minutes = next(b for b in known["blocks"] if b.get("block_id") == BlockId.RUNBOOK_MINUTES)
    assert minutes["optional"] is False and minutes["element"]["initial_value"] == "30"
    location = next(b for b in known["blocks"] if b.get("block_id") == BlockId.RUNBOOK_SCRIPT_URL)
    assert location["element"]["type"] == "plain_text_input"  # any location, not only a URL
