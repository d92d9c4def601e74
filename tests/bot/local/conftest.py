"""The terminal shell, driven in-process: typed lines in, what it shows out."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.local.shell import LocalShell
from bot.settings import Settings


@pytest.fixture
def typed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Callable[[str], str]:
    """``typed(lines)``: what the shell shows for ``lines`` typed in (on a fresh SQLite
    file); fails on any error the bot logged meanwhile, as a traceback would show."""

    def run(lines: str) -> str:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'shell.db'}")  # type: ignore[call-arg]
        shown = io.StringIO()
        shell = LocalShell(
            settings,
            user_id="U0LOCAL",
            channel_name="general",
            stdin=io.StringIO(lines),
            stdout=shown,
        )
        with caplog.at_level(logging.ERROR):
            assert shell.run() == 0
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
        return shown.getvalue()

    return run
