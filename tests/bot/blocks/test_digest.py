"""The digest as a reader sees it: a level change leads each line and each
team's reply, a drop says what fell, and nothing new-but-not-met is listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.models.blocks import Block

from bot.blocks.digest import parent_blocks, parent_text, team_detail_blocks, team_line
from conversations.digest import CriterionEventIn, LevelEventIn, TeamInput, build_digest
from conversations.model import criterion

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STEP_1 = ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control")


def _team(name: str, level: int, *events: tuple[str, str, int], levels=()) -> TeamInput:
    return TeamInput(
        name=name,
        level=level,
        created_at=NOW - 60 * DAY,
        events=tuple(CriterionEventIn(c, s, NOW - d * DAY) for c, s, d in events),
        levels=tuple(LevelEventIn(lv, NOW - d * DAY) for lv, d in levels),
    )


def _digest():
    fell = _team(
        "<!channel> Payments",
        0,
        *((cid, "met", 30) for cid in STEP_1),
        ("scripted.ops_80pct", "not_met", 2),
        ("iac.all_infra_as_code", "not_met", 2),  # asked for the first time: no news
        levels=((1, 30), (0, 2)),
    )
    quiet = _team("Aardvark", 1, *((cid, "met", 10) for cid in STEP_1), levels=((1, 10),))
    return build_digest([quiet, fell], now=NOW, period="p")


def _valid(blocks: list[dict]) -> None:
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()


def test_a_drop_leads_the_parent_and_says_what_fell() -> None:
    digest = _digest()
    blocks = [b.to_dict() for b in parent_blocks(digest, title="Automation maturity")]
    _valid(blocks)
    headline = blocks[1]["text"]["text"]
    assert headline.startswith("&lt;!channel&gt; Payments fell from Level 1 to Level 0;")
    first_line = blocks[2]["text"]["text"].splitlines()[0]
    assert first_line.startswith("*&lt;!channel&gt; Payments* · Level 0")
    label = criterion("scripted.ops_80pct").label
    assert f"down from Level 1 (no longer met: {label})" in first_line
    assert "criteria" not in first_line  # not "+2 criteria"
    assert "<!channel>" not in parent_text(digest, "Automation maturity")


def test_the_reply_starts_with_the_level_change_and_leaves_out_new_not_met() -> None:
    week = _digest().teams[0]
    blocks = [b.to_dict() for b in team_detail_blocks(week)]
    _valid(blocks)
    lines = blocks[0]["text"]["text"].splitlines()
    assert "Fell from Level 1 to Level 0" in lines[1]
    assert criterion("scripted.ops_80pct").label in lines[2]
    assert all("new →" not in line for line in lines)
    assert criterion("iac.all_infra_as_code").label not in blocks[0]["text"]["text"]


def test_a_quiet_team_has_a_quiet_line() -> None:
    week = _digest().teams[1]
    assert team_line(week).endswith("· no change")
    assert (
        team_detail_blocks(week)[0].to_dict()["text"]["text"].endswith("Quiet week: nothing moved.")
    )


def test_a_team_with_deploy_evidence_gets_a_deploys_line_and_one_without_does_not() -> None:
    from dataclasses import replace

    from conversations.digest import DeployTrend

    trend = DeployTrend(
        counts=(0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6),
        median_now=7,
        median_then=25,
        sources="GitHub Actions",
    )
    quiet = _team("Aardvark", 1, *((cid, "met", 10) for cid in STEP_1), levels=((1, 10),))
    plain, deploying = build_digest(
        [quiet, replace(quiet, name="Search", deploys=trend)], now=NOW, period="p"
    ).teams
    blocks = [b.to_dict() for b in team_detail_blocks(deploying)]
    _valid(blocks)
    lines = blocks[0]["text"]["text"].splitlines()
    assert lines[1] == "Quiet week: nothing moved."  # deploys are not a move
    assert lines[2].startswith(":rocket: Deploys: 6 deploys this week · 12 weeks ")
    assert "median 7 min this week (25 min 12 weeks ago) — GitHub Actions" in lines[2]
    assert "Deploys" not in str(team_detail_blocks(plain)[0].to_dict())
