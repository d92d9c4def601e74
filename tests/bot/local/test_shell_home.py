"""The App Home in the shell (`:home`): its buttons click like Slack's — *Update* opens the
board's form and the Home comes back up to date, *Check in* starts the check-in in the
DM — and a Home published while you look elsewhere is only said to have changed."""

from __future__ import annotations

from bot.slack.ids import COMMAND


def _after(out: str, marker: str) -> str:
    assert marker in out, out
    return out.split(marker, 1)[1]


def test_update_on_the_home_opens_the_form_and_the_home_comes_back_up_to_date(typed) -> None:
    typed(f"{COMMAND} set scripted.ops_80pct 85%\n1\n")  # 1: create the channel's team
    # On a fresh Home: [1] Check in, [2]-[4] Update beside the step's three criteria.
    out = typed(":home\n4\n1\n\n")
    home = _after(out, "── Home tab ──")
    assert "*general* · Level 0 — Manual" in home and "1/3 met" in home
    assert "[4] Update" in home
    form = _after(home, "┌─ Update criterion")
    assert "The scripts live in version control" in form
    again = _after(form, "── Home tab ──")  # published again once the form is saved
    assert "2/3 met" in again
    assert "✅ *Met* · The scripts live in version control — board, @you" in again


def test_check_in_on_the_home_starts_in_the_dm(typed) -> None:
    typed(f"{COMMAND} set scripted.ops_80pct 85%\n1\n")
    out = typed(":home\n1\n")
    started = _after(out, "(you clicked “Check in”)")
    assert "maturity-bot · DM" in started and "question 1" in started
    assert "Resume check-in" in _after(started, "── Home tab ──")


def test_a_home_changed_elsewhere_is_only_mentioned(typed) -> None:
    out = typed(
        f"{COMMAND} set scripted.ops_80pct 85%\n1\n{COMMAND} set iac.no_manual_changes no\n"
    )
    assert "── Home tab ──" not in out
    assert "(your Home tab changed: `:home` shows it)" in out
