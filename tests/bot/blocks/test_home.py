"""The App Home's blocks as the person sees them: their teams to act on, their reminders,
every team at a glance — user text escaped, block ids unique, and never more than the 100
blocks a Home tab holds, checked by slack_sdk's own models."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.home import (
    ALL_TEAMS_SHOWN,
    MY_TEAMS_SHOWN,
    NUDGE_WORDS,
    REMINDERS_SHOWN,
    Home,
    HomeNudge,
    HomeReminder,
    MyTeam,
    TeamLine,
    home_view,
    team_line,
)
from bot.slack.ids import ActionId, BlockId
from conversations.board import BoardEntry
from conversations.model import criteria_for_step
from conversations.scoring import Status

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOSTILE = "<!channel> Payments & <@U0BOSS>"
LONG = ("Alpha 🚀 <Platform> & Reliability 🔥 " * 3)[:79] + "🔥"  # 80 characters


def _entry(cid: str, status: Status = Status.MET) -> BoardEntry:
    return BoardEntry(
        criterion_id=cid, status=status, value=None, source="board", updated_by="U0ALICE",
        updated_at=AT,
    )  # fmt: skip


def _valid(view: dict) -> dict:
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    View(**view).validate_json()
    for raw in view["blocks"]:
        Block.parse(raw).validate_json()
    ids = [b["block_id"] for b in view["blocks"] if b.get("block_id")]
    assert len(ids) == len(set(ids)), "block ids are unique within a view"
    return view


def _block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _ids(view: dict) -> list[str]:
    return [b.get("block_id", "") for b in view["blocks"]]


def _mrkdwn(view: dict) -> str:
    return "\n".join(
        [(b.get("text") or {}).get("text", "") for b in view["blocks"]]
        + [e.get("text", "") for b in view["blocks"] for e in b.get("elements") or []]
    )


def test_an_empty_home_says_how_to_get_started() -> None:
    view = _valid(home_view(Home()))
    text = _mrkdwn(view)
    assert "No team is yours yet" in text and "/maturity team owners" in text
    assert "_No reminders._" in text
    assert "No team has checked in yet" in text
    assert not [b for b in view["blocks"] if b.get("accessory")]


def test_my_team_shows_its_level_next_step_and_the_steps_criteria_with_update() -> None:
    step_2 = criteria_for_step(2)
    board = {c.id: _entry(c.id) for c in criteria_for_step(1)}
    board[step_2[0].id] = _entry(step_2[0].id)
    board[step_2[1].id] = _entry(step_2[1].id, Status.BLOCKED)
    team = MyTeam(team_id=7, name=HOSTILE, level=1, board=board, may_change=True)
    view = _valid(home_view(Home(mine=[team])))
    summary = _block(view, f"{BlockId.HOME_TEAM_PREFIX}7")
    text = summary["text"]["text"]
    assert text.startswith("*&lt;!channel&gt; Payments &amp; &lt;@U0BOSS&gt;* · Level 1 — Scripted")
    assert "· next: Level 2 — Infrastructure as code\n" in text and "1/3 met" in text
    assert "the step usually takes about 3 months" in text
    assert summary["accessory"]["action_id"] == f"{ActionId.HOME_CHECKIN}:7"
    assert summary["accessory"]["text"]["text"] == "Check in"
    for c in step_2:  # the step it is on, each with the board's own Update button
        row = _block(view, f"{BlockId.HOME_CRITERION_PREFIX}7.{c.id}")
        assert row["accessory"] == {
            **row["accessory"],
            "action_id": f"{ActionId.CRITERION_UPDATE}:7",
            "value": c.id,
        }
    blocked = _block(view, f"{BlockId.HOME_CRITERION_PREFIX}7.{step_2[1].id}")["text"]["text"]
    assert blocked.startswith(":no_entry: *Blocked* · ")
    assert not [i for i in _ids(view) if i.endswith(criteria_for_step(1)[0].id)]


def test_someone_who_may_not_change_the_team_gets_no_update_but_can_resume() -> None:
    team = MyTeam(team_id=3, name="Search", level=None, board={}, may_change=False, resume=True)
    view = _valid(home_view(Home(mine=[team])))
    summary = _block(view, f"{BlockId.HOME_TEAM_PREFIX}3")
    assert "not assessed yet" in summary["text"]["text"]
    assert "not assessed yet · next: Level 1 — Scripted" in summary["text"]["text"]
    assert "Its owners or a workspace admin move its criteria" in summary["text"]["text"]
    assert summary["accessory"]["text"]["text"] == "Resume check-in"
    rows = [b for b in view["blocks"] if b.get("block_id", "").startswith("home.criterion.3.")]
    assert len(rows) == 3 and not [r for r in rows if r.get("accessory")]


def test_a_team_at_the_top_has_no_step_left() -> None:
    team = MyTeam(team_id=9, name="Core", level=5, board={}, may_change=True)
    view = _valid(home_view(Home(mine=[team], teams=[TeamLine("Core", 5)])))
    assert "· at the top of the ladder" in _block(view, "home.team.9")["text"]["text"]
    assert not [i for i in _ids(view) if i.startswith(BlockId.HOME_CRITERION_PREFIX)]
    assert "*Core* · Level 5 — Self-healing · at the top" in _mrkdwn(view)


def test_nudges_are_traceable_dismissable_and_unique_across_teams() -> None:
    nudge = HomeNudge(record_id=41, rule_id="skip_level")
    broken = HomeNudge(record_id=42, rule_id="broken_process", subject="<!here> Fail over & pray")
    first = MyTeam(1, "A", 0, {}, True, nudges=[nudge, broken])
    second = MyTeam(2, "B", 0, {}, True, nudges=[HomeNudge(43, "skip_level")])
    view = _valid(home_view(Home(mine=[first, second])))
    shown = _block(view, "nudge.skip_level")  # the DESIGN contract: nudge.<rule id>
    assert shown["text"]["text"].startswith(f":bulb: *{NUDGE_WORDS['skip_level'][0]}*")
    assert shown["accessory"]["action_id"] == f"{ActionId.NUDGE_DISMISS}:41"
    assert shown["accessory"]["value"] == "skip_level"
    # The same rule for a second team: its block id keeps the prefix, and stays unique.
    again = _block(view, "nudge.skip_level.2")
    assert again["accessory"]["action_id"] == f"{ActionId.NUDGE_DISMISS}:43"
    assert (
        "_&lt;!here&gt; Fail over &amp; pray_"
        in _block(view, "nudge.broken_process")["text"]["text"]
    )
    # A team's nudges follow the team they belong to.
    assert _ids(view).index("nudge.skip_level.2") > _ids(view).index("home.team.2")


def test_my_reminders_are_listed_escaped_and_capped() -> None:
    reminders = [
        HomeReminder(f"{HOSTILE} {n}", "Platform", f"Monday {n} December at 09:00 (Asia/Tokyo)")
        for n in range(REMINDERS_SHOWN + 4)
    ]
    view = _valid(home_view(Home(reminders=reminders)))
    text = _block(view, BlockId.HOME_REMINDERS)["text"]["text"]
    assert text.splitlines()[0] == (
        ":alarm_clock: *&lt;!channel&gt; Payments &amp; &lt;@U0BOSS&gt; 0* · Platform · "
        "Monday 0 December at 09:00 (Asia/Tokyo)"
    )
    assert text.count(":alarm_clock:") == REMINDERS_SHOWN and text.endswith("…and 4 more.")


def test_every_team_a_to_z_one_line_each() -> None:
    teams = [
        TeamLine("Aardvark", 1, 2, 3),
        TeamLine("<!channel> Payments", 0, 0, 3),
        TeamLine("data", None),
    ]
    view = _valid(home_view(Home(teams=teams)))
    at = _ids(view).index(BlockId.HOME_ALL_TEAMS)
    lines = view["blocks"][at + 1]["text"]["text"].splitlines()
    assert lines[0].startswith("*&lt;!channel&gt; Payments* · Level 0 — Manual")  # "<" < "A"
    assert lines[1] == "*Aardvark* · Level 1 — Scripted · next: Level 2 `▰▰▰▰▰▰▰▱▱▱` 2/3"
    assert lines[2] == "*data* · not assessed yet"
    assert team_line(TeamLine("x", 5)) == "*x* · Level 5 — Self-healing · at the top"


def test_a_crowded_home_stays_within_a_hundred_blocks() -> None:
    """Every section at its fullest at once: many teams of yours with every nudge, many
    reminders with long hostile titles, hundreds of teams with 80-character emoji names."""
    full = {c.id: _entry(c.id, Status.PARTLY) for c in criteria_for_step(3)}
    nudges = [HomeNudge(i, rule, subject=LONG * 2) for i, rule in enumerate(NUDGE_WORDS)]
    mine = [
        MyTeam(i, f"{LONG[:70]} {i}", 2, full, may_change=True, nudges=nudges) for i in range(1, 51)
    ]
    reminders = [HomeReminder(LONG * 3, LONG, "Monday 7 December at 09:00 (UTC)")] * 40
    teams = [TeamLine(f"{i:03d} {LONG}"[:80], i % 6, 1, 3) for i in range(500)]
    view = _valid(home_view(Home(mine=mine, reminders=reminders, teams=teams, more_mine=3)))
    text = _mrkdwn(view)
    assert len([i for i in _ids(view) if i.startswith(BlockId.HOME_TEAM_PREFIX)]) == MY_TEAMS_SHOWN
    assert f"…and {50 - MY_TEAMS_SHOWN + 3} more teams of yours" in text
    at = _ids(view).index(BlockId.HOME_ALL_TEAMS)
    sections = [b for b in view["blocks"][at + 1 :] if b["type"] == "section"]
    shown = sum(len(b["text"]["text"].splitlines()) for b in sections)
    assert 0 < shown <= ALL_TEAMS_SHOWN
    footer = view["blocks"][-1]["elements"][0]["text"]
    assert footer.startswith(f"…and {500 - shown} more teams.")
    assert "<Platform>" not in text and "&lt;Platform&gt;" in text
    for block in view["blocks"]:
        assert len((block.get("text") or {}).get("text", "")) <= 3000
