"""``maturity-bot shell`` as a person uses it: lines typed in, and a real terminal.

Most tests drive the shell in-process (the same ``LocalShell`` the command runs, on a
fresh SQLite file, reading typed lines and writing what it shows). Two run the real
command as its own process: piped input in a fresh directory with no Slack settings,
exactly like a first try after ``pip install``, and typing at a pseudo-terminal.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.slack.ids import COMMAND

USAGE = f"{COMMAND} assess"  # a line only the usage answer has
PROMPT = "› "
TIMEOUT_S = 60


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "LOG_LEVEL")
    }
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _shell(tmp_path: Path, typed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell"],
        input=typed,
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


def test_help_shows_usage_and_eof_exits_cleanly(tmp_path: Path) -> None:
    out = _shell(tmp_path, f"{COMMAND} help\n")
    assert out.returncode == 0, out.stderr
    assert USAGE in out.stdout
    assert "Traceback" not in out.stderr
    assert out.stdout.rstrip().endswith("Bye.")
    assert (tmp_path / "maturity-bot.db").is_file()


def test_quit_exits_before_reading_further(typed) -> None:
    out = typed(f"quit\n{COMMAND} help\n")
    assert USAGE not in out
    assert out.rstrip().endswith("Bye.")


def test_an_unknown_subcommand_is_not_caught_and_usage_follows(typed) -> None:
    out = typed(f"{COMMAND} frobnicate\n")
    assert "didn't catch `frobnicate`" in out
    assert USAGE in out


def test_a_plain_line_is_a_dm_and_gets_the_pointer(typed) -> None:
    out = typed("hello bot\n")
    assert "maturity-bot · DM" in out
    assert f"{COMMAND} help" in out.split("maturity-bot · DM", 1)[1]


def test_a_number_that_is_no_button_says_so(typed) -> None:
    assert "There is no button 7." in typed("7\n")


def test_another_slash_command_is_pointed_at_ours(typed) -> None:
    assert f"Only {COMMAND} is installed here" in typed("/weather tomorrow\n")


# ------------------------------------------------------------------ at a real terminal


class Terminal:
    """The shell attached to a pseudo-terminal, read until a marker or a deadline."""

    def __init__(self, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> None:
        import pty

        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "shell", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=tmp_path,
            env={**_env(), **(env or {})},
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def read_until(self, marker: str, timeout: float = TIMEOUT_S) -> str:
        """Everything printed up to and including ``marker`` (from where the last read ended)."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"no {marker!r} within {timeout}s; the terminal shows:\n{self.seen}"
                )
            ready, _, _ = select.select([self.master], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: the shell exited and closed the terminal
                chunk = b""
            if not chunk:
                raise AssertionError(f"terminal closed before {marker!r}; it showed:\n{self.seen}")
            self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        upto = self.seen.index(marker) + len(marker)
        got, self.seen = self.seen[:upto], self.seen[upto:]
        return got

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path):
    if not hasattr(os, "openpty"):
        pytest.skip("no pseudo-terminals on this platform")
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


def test_at_a_terminal_help_then_ctrl_d(terminal: Terminal) -> None:
    banner = terminal.read_until(PROMPT)
    assert f"Type `{COMMAND} help` to start" in banner
    terminal.type(f"{COMMAND} help\n")
    answer = terminal.read_until(PROMPT)
    assert USAGE in answer
    terminal.type("\x04")  # Ctrl-D at the start of a line: end of input
    assert "Bye." in terminal.read_until("Bye.")
    assert terminal.proc.wait(timeout=TIMEOUT_S) == 0


def test_a_checkin_in_the_shell_by_clicking_and_typing(typed) -> None:
    # 1 clicks "Create team “general”" (#general has no team yet); 4 clicks "80% or more";
    # '45 types a bare number as a DM (here: not a yes/no answer).
    out = typed("/maturity assess\n1\n4\n'45\n11\n")
    assert "question 1" in out and "question 2" in out
    assert "→ *80% or more*" in out
    assert "A yes, no or partly is all I need here" in out  # '45 re-asked kindly
    assert "question 3" in out  # 10 clicked "No" on question 2


def test_a_typed_answer_after_a_restart_is_taken_not_dropped(tmp_path: Path) -> None:
    """Each run of the shell used to number its events from 1, so after quit and a new
    `make run` the bot dropped every typed answer as a redelivery of the last run's."""
    first = _shell(tmp_path, "hello\n")
    assert first.returncode == 0, first.stderr
    second = _shell(tmp_path, "hello again\n")
    assert second.returncode == 0, second.stderr
    assert "maturity-bot · DM" in second.stdout  # the bot answered the second run's line


def test_at_a_terminal_the_home_tab_a_pasted_message_and_bold_headers(tmp_path: Path) -> None:
    term = Terminal(tmp_path, env={"NO_COLOR": ""})
    try:
        term.read_until(PROMPT)
        term.type(":home\n")
        home = term.read_until(PROMPT)
        assert "── Home tab ──" in home and "Automation maturity" in home
        term.type(":post\n")
        term.read_until("… ")
        term.type("Restart the queue workers\nRenew the TLS certificate\n.\n")
        posted = term.read_until(PROMPT)
        assert "[m1]" in posted and "Renew the TLS certificate" in posted
        term.type(f"{COMMAND} help\n")
        assert "\033[1mmaturity-bot · #general" in term.read_until(PROMPT)  # a terminal: bold
        term.type("quit\n")
        assert term.proc.wait(timeout=TIMEOUT_S) == 0
    finally:
        term.close()


def test_no_color_keeps_a_terminal_plain(tmp_path: Path) -> None:
    term = Terminal(tmp_path, env={"NO_COLOR": "1"})
    try:
        term.read_until(PROMPT)
        term.type(f"{COMMAND} help\n")
        assert "\033[" not in term.read_until(PROMPT)
    finally:
        term.close()


def test_the_demo_at_a_terminal_lists_its_teams(tmp_path: Path) -> None:
    term = Terminal(tmp_path, "--demo")
    try:
        assert "This is the demo workspace" in term.read_until(PROMPT)
        term.type(":home\n")
        home = term.read_until(PROMPT)
        assert "Payments" in home and "Mobile backend" in home
    finally:
        term.close()
    assert not (tmp_path / "maturity-bot.db").exists()  # the demo leaves your database be
