"""Every surface of the app from the shell (issue 17): the Home tab, a message shortcut,
other people and channels, multi-line input, the clock, and the demo workspace.

Driven in-process, as a person types (``typed``); the clock tests move the app's one clock
(``storage.types.utcnow``), so the real scheduler and its claims send what falls due.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bot.local.shell import LocalShell, clock_target
from bot.settings import Settings
from bot.slack.ids import COMMAND
from storage.types import set_clock

RUNBOOK = "Restart the queue workers\nRenew the TLS certificate\nRotate the DB password\n"


def test_home_renders_the_app_home_and_its_buttons_click(typed) -> None:
    out = typed(f"{COMMAND} assess\n1\n:home\n")
    home = out.split("── Home tab ──", 1)[1]
    assert "Automation maturity" in home
    assert "*general*" in home  # the team the check-in created is on the Home tab


def test_a_multi_line_paste_keeps_every_step(typed) -> None:
    # 1 creates the team; 3 is "Paste a runbook"; the paste ends at a line with only "."
    out = typed(f"{COMMAND} runbook\n1\n3\n{RUNBOOK}.\n")
    assert "┌─ Paste a runbook" in out
    assert "*3 steps* for *general*, from `pasted text`" in out
    assert "Restart the queue workers" in out.split("┌─ Import runbook", 1)[1]


def test_a_message_shortcut_on_a_posted_message(typed) -> None:
    out = typed(f"{COMMAND} runbook\n1\n:post\n{RUNBOOK}.\n:shortcut m1\n")
    assert "you · #general · [m1]" in out
    assert "(you ran “Add steps to runbook” on it)" in out
    assert "*3 steps* for *general*, from `a message in #general`" in out


def test_a_shortcut_on_no_message_says_how(typed) -> None:
    assert "Post a message first" in typed(":shortcut\n")
    assert "There is no message m9" in typed(":shortcut m9\n")


def test_switching_person_and_channel_mid_session(typed) -> None:
    out = typed(
        ":user @sam Asia/Tokyo\n:clock\n:channel #payments\n"
        f"{COMMAND} assess\n:user @kim Mars/Olympus\n"
    )
    assert "You are now @sam (U0SAM, Asia/Tokyo)." in out
    assert "(Asia/Tokyo)." in out.split("You are now @sam", 1)[1]
    assert "You are now in #payments." in out
    assert "Create team “payments”" in out  # the new channel has no team yet
    assert "You are now @kim" not in out  # an unknown time zone is refused, kindly


def test_an_unknown_shell_command_points_at_help(typed) -> None:
    out = typed(":frobnicate\n:help\n")
    assert "`:frobnicate` is not a shell command. `:help` lists them." in out
    assert ":clock +7d" in out and ":shortcut" in out and ":home" in out


def test_clock_plus_a_week_sends_the_weekly_digest_exactly_once(typed) -> None:
    # From a Tuesday morning, whatever day the tests run: +7d passes one Monday 09:00,
    # +1d and +2h none.
    set_clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    out = typed(
        f"{COMMAND} assess\n1\n:channel #eng\n"
        f"{COMMAND} digest schedule monday 09:00 UTC teams all\n"
        ":clock +7d\n:clock +1d\n:clock +2h\n"
    )
    assert out.count("Automation maturity · week of") == 1
    sent = out.split(":clock", 1)[-1] if ":clock" in out else out
    assert "maturity-bot · #eng · [m" in sent
    assert "⏩ Monday" in out  # it arrived at its time, shown on the way
    assert "skipping" not in out


def test_the_clock_only_moves_forward_and_says_how(typed) -> None:
    out = typed(":clock -3d\n:clock someday\n")
    assert "Move the clock by `+7d`" in out


def test_clock_targets() -> None:
    now = datetime(2026, 12, 2, 1, 52, tzinfo=UTC)  # a Wednesday
    assert clock_target("+7d", now, "UTC") == datetime(2026, 12, 9, 1, 52, tzinfo=UTC)
    assert clock_target("+ 3 h", now, "UTC") == datetime(2026, 12, 2, 4, 52, tzinfo=UTC)
    assert clock_target("next monday 10:00", now, "UTC") == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    # 10:00 in Tokyo is 01:00 UTC
    assert clock_target("monday 10:00", now, "Asia/Tokyo") == datetime(
        2026, 12, 7, 1, 0, tzinfo=UTC
    )
    assert clock_target("2026-12-24 18:30", now, "Europe/London") == datetime(
        2026, 12, 24, 18, 30, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="Move the clock by"):
        clock_target("tomorrow-ish", now, "UTC")


def test_plain_output_has_no_colour_codes(typed) -> None:
    assert "\033[" not in typed(f"{COMMAND} help\n")


def test_emoji_are_drawn_as_slack_draws_them(typed) -> None:
    out = typed(f"{COMMAND} assess\n1\n{COMMAND} board\n")
    assert "❔ *Not answered yet*" in out and ":grey_question:" not in out


def test_the_demo_starts_with_its_teams(tmp_path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'mine.db'}")  # type: ignore[call-arg]
    from bot.local.shell import run_shell

    shown = io.StringIO()

    def factory(*args, **kwargs) -> LocalShell:
        return LocalShell(
            *args,
            **kwargs,
            stdin=io.StringIO(
                f"{COMMAND} board Payments\n{COMMAND} teams\n{COMMAND} history Payments\n:home\n"
            ),
            stdout=shown,
        )

    assert (
        run_shell(settings, user_id="U0LOCAL", channel_name="general", demo=True, factory=factory)
        == 0
    )
    out = shown.getvalue()
    assert "This is the demo workspace" in out
    home = out.split("── Home tab ──", 1)[1]
    for team in ("Payments", "Platform", "Data", "Mobile backend"):
        assert f"*{team}*" in home
    before_home = out.split("── Home tab ──", 1)[0]
    board, rest = before_home.split("Teams in this workspace", 1)
    assert "is at Level 2" in board  # Payments' second check-in placed it there
    assert "@priya" in board and "@U0PRIYA" not in board  # who answered, by name
    teams, history = rest.split("History · Payments", 1)
    for team, level, channel in (
        ("Payments", 2, "#payments"),
        ("Platform", 3, "#platform"),
        ("Data", 0, "#data"),
        ("Mobile backend", 1, "#mobile"),
    ):  # `/maturity teams` lists every demo team, its level and channel by name
        assert f"*{team}* · Level {level} · {channel}" in teams
    # The history holds the level changes the demo played in, and the change of criteria.
    assert "Level 1 → Level 2" in history and "placed at Level 1" in history
    assert "Owners: @priya and @you" in teams or "Owners: @priya, @you" in teams
    # The person at the keyboard co-owns Payments: its Update buttons are on their Home.
    assert "Update" in home.split("Payments", 1)[1]
    assert not (tmp_path / "mine.db").exists()  # the demo never touches your database


def test_channel_mentions_read_as_slack_shows_them() -> None:
    from bot.local.shell_render import plain

    shown = plain("<#C0DATA> and <#C0OPS|ops> and <#C0GONE>", {"C0DATA": "data"})
    assert shown == "#data and #ops and #C0GONE"
