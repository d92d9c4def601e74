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
        (Status.PARTLY, "*Partly met*"),
        (Status.NOT_MET, "*Not met*"),
        (Status.UNKNOWN, "*Unknown*"),
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
