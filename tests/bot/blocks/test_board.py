"""The criteria board as people (and screen readers) read it: every row says its status in
words, where it came from, and — under the scripted share — what the runbook shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.board import board_blocks
from conversations.board import BoardChange, BoardEntry
from conversations.model import CRITERIA
from conversations.runbook.coverage import Coverage, RunbookEvidence
from conversations.scoring import Status

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OPS = "scripted.ops_80pct"


def entry(cid: str, status: Status, value: float | None = None, source: str = "assessment"):
    return BoardEntry(cid, status, value, source, "U0ALICE", AT)


def texts(blocks) -> str:
    raw = [b.to_dict() for b in blocks]
    for block in raw:
        Block.parse(block).validate_json()
    out = []  # the mrkdwn Slack parses (a header is plain text: never parsed)
    for block in raw:
        if (block.get("text") or {}).get("type") == "mrkdwn":
            out.append(block["text"]["text"])
        for el in block.get("elements") or []:
            if el.get("type") == "mrkdwn":
                out.append(el["text"])
    return "\n".join(out)


def row_of(text: str, label: str) -> list[str]:
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if label in line)
    return lines[at : at + 2]


@pytest.mark.parametrize(
    ("status", "word"),
    [
        (None, "*Not answered yet*"),
        (Status.MET, "*Met*"),
        (Status.PARTLY, "*In progress*"),
        (Status.NOT_MET, "*Not met*"),
        (Status.UNKNOWN, "*Unknown*"),
        (Status.BLOCKED, "*Blocked*"),
    ],
)
def test_every_row_says_its_status_in_words(status: Status | None, word: str) -> None:
    cid = "iac.no_manual_changes"
    board = {} if status is None else {cid: entry(cid, status)}
    text = texts(board_blocks(team_name="Core", level=1, board=board, history=[]))
    [line] = [ln for ln in text.split("\n") if "Nobody changes infrastructure by hand" in ln]
    emoji, rest = line.split(" ", 1)
    assert emoji.startswith(":") and rest.startswith(word)


def test_no_row_is_an_emoji_alone() -> None:
    text = texts(board_blocks(team_name="Core", level=None, board={}, history=[]))
    rows = [ln for ln in text.split("\n") if ln.startswith(":")]
    assert len(rows) == len(CRITERIA)
    assert all("*Not answered yet*" in row for row in rows)


@pytest.mark.parametrize(
    ("value", "source", "shown"),
    [
        (90, "assessment", "(answered “80% or more”)"),  # a range button: the range chosen
        (65, "assessment", "(answered “50–79%”)"),
        (72, "assessment", "(72%)"),  # a typed number: as typed
        (25, "runbook", "(25%)"),  # measured: exact
    ],
)
def test_a_value_reads_as_what_was_given(value: float, source: str, shown: str) -> None:
    status = Status.MET if value >= 80 else Status.NOT_MET
    board = {OPS: entry(OPS, status, value, source)}
    text = texts(board_blocks(team_name="Core", level=0, board=board, history=[]))
    assert shown in row_of(text, "routine operations run from a script")[0]


@pytest.mark.parametrize(
    ("coverage", "says"),
    [
        (Coverage.UNKNOWN, "the answer from your check-in stands"),
        (Coverage.SOME, "the answer from your check-in stands"),
        (Coverage.ALL, "this is your scripted share"),
    ],
)
def test_the_runbook_is_shown_with_its_source_under_the_scripted_share(
    coverage: Coverage, says: str
) -> None:
    board = {OPS: entry(OPS, Status.MET, 90)}
    runbook = RunbookEvidence(3, 12, coverage)
    text = texts(board_blocks(team_name="Core", level=1, board=board, history=[], runbook=runbook))
    row, evidence = row_of(text, "routine operations run from a script")
    assert "*Met*" in row and "check-in" in row
    assert "from your runbook: 3 of 12 operations scripted (25%)" in evidence
    assert says in evidence


def test_an_empty_runbook_adds_nothing_and_other_criteria_get_no_runbook_line() -> None:
    board = {OPS: entry(OPS, Status.MET, 90)}
    empty = texts(
        board_blocks(
            team_name="Core", level=1, board=board, history=[], runbook=RunbookEvidence(0, 0)
        )
    )
    assert "from your runbook" not in empty
    some = texts(
        board_blocks(
            team_name="Core", level=1, board=board, history=[], runbook=RunbookEvidence(1, 2)
        )
    )
    assert some.count("from your runbook") == 1


def test_evidence_given_with_a_change_is_shown_and_history_names_its_source() -> None:
    cid = "cd.deploy_under_10min"
    board = {cid: entry(cid, Status.MET, 7, "deploys")}
    history = [
        BoardChange(cid, Status.MET, 7, "deploys", "", AT, evidence="median of 40 deploys: 7 min")
    ]
    text = texts(board_blocks(team_name="Core", level=3, board=board, history=history))
    row = row_of(text, "A deploy takes under 10 minutes")
    assert "_median of 40 deploys: 7 min_" in row[1]
    assert "· deploys · maturity-bot" in text


def test_hostile_names_and_evidence_stay_words() -> None:
    cid = "cd.deploy_under_10min"
    board = {cid: entry(cid, Status.MET, 7, "<!channel>")}
    history = [BoardChange(cid, Status.MET, 7, "<!channel>", "U0X", AT, evidence="<@U0BOSS> &")]
    text = texts(board_blocks(team_name="<!here> & co", level=3, board=board, history=history))
    assert "<!" not in text and "<@U0BOSS>" not in text
    assert "&lt;@U0BOSS&gt; &amp;" in text


def test_a_figure_a_checkin_took_as_known_is_still_credited_to_the_runbook() -> None:
    runbook = BoardChange(OPS, Status.NOT_MET, 25, "runbook", "U0BOB", AT, evidence="x")
    echoed = entry(OPS, Status.NOT_MET, 25, "assessment")  # recorded again, unchanged
    text = texts(board_blocks(team_name="Core", level=0, board={OPS: echoed}, history=[runbook]))
    row = row_of(text, "routine operations run from a script")[0]
    assert "(25%) — runbook, <@U0BOB>" in row
    answered = entry(OPS, Status.MET, 90, "assessment")  # the near miss: a person's answer
    text = texts(board_blocks(team_name="Core", level=1, board={OPS: answered}, history=[runbook]))
    row = row_of(text, "routine operations run from a script")[0]
    assert "check-in, <@U0ALICE>" in row


# ------------------------------------------------------------------ issue 12: a working surface

LONG_NAME = ("🚀 Platform & <Reliability> " * 4)[:80]


def full_board(note: str, link: str) -> tuple[dict, list]:
    board = {
        c.id: BoardEntry(c.id, Status.BLOCKED, 65 if c.is_numeric else None, "board", "U0ALICE", AT)
        for c in CRITERIA
    }
    history = [
        BoardChange(
            c.id,
            Status.BLOCKED,
            None,
            "board",
            "U0ALICE",
            AT,
            evidence=note,
            old_status=Status.MET,
            note=note,
            link=link,
            id=i,
        )
        for i, c in enumerate(CRITERIA)
    ]
    return board, history


def test_each_criterion_has_its_update_button_when_the_team_is_known() -> None:
    blocks = board_blocks(team_name="Core", level=0, board={}, history=[], team_id=42)
    raw = [b.to_dict() for b in blocks]
    rows = [b for b in raw if b.get("block_id", "").startswith("board.")]
    assert [b["block_id"] for b in rows] == [f"board.{c.id}" for c in CRITERIA]
    for row, c in zip(rows, CRITERIA, strict=True):
        button = row["accessory"]
        assert (button["action_id"], button["value"], button["text"]["text"]) == (
            "criterion.update:42",
            c.id,
            "Update",
        )
    shown = board_blocks(team_name="Core", level=0, board={}, history=[])
    assert not any("accessory" in b.to_dict() for b in shown)  # no team: nothing to update


def test_fifteen_criteria_with_the_longest_notes_and_links_stay_within_slacks_limits() -> None:
    board, history = full_board("<!channel> & " * 45, "https://e.example/" + "x" * 1980)
    blocks = board_blocks(team_name=LONG_NAME, level=0, board=board, history=history, team_id=1)
    raw = [b.to_dict() for b in blocks]
    assert len(raw) <= 50
    text = texts(blocks)  # validates every block with slack_sdk's models
    assert all(len((b.get("text") or {}).get("text", "")) <= 3000 for b in raw)
    assert "<!channel>" not in text and "(evidence link kept)" in text
    assert text.count("*Blocked*") == 15
    header = next(b for b in raw if b["type"] == "header")
    assert len(header["text"]["text"]) <= 150


def test_a_change_with_a_note_and_link_shows_them_under_its_row_and_reads_old_to_new() -> None:
    cid = "cd.deploy_under_10min"
    board = {cid: BoardEntry(cid, Status.PARTLY, 14, "board", "U0BOB", AT)}
    history = [
        BoardChange(
            cid,
            Status.PARTLY,
            14,
            "board",
            "U0BOB",
            AT,
            old_status=Status.NOT_MET,
            old_value=25,
            note="new runners next week",
            link="https://ci.example/7",
        )
    ]
    text = texts(board_blocks(team_name="Core", level=2, board=board, history=history))
    row, under = row_of(text, "A deploy takes under 10 minutes")
    assert "*In progress*" in row and "(14 min) — board, <@U0BOB>" in row
    assert "“_new runners next week_” <https://ci.example/7|evidence>" in under
    assert "not met (25 min) → in progress (14 min) · board · <@U0BOB>" in text
