"""The runbook from ``maturity-bot shell``: add an operation, see the ranked list, click."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 60


def _shell(tmp_path: Path, typed: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "LOG_LEVEL")
    }
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell"],
        input=typed,
        cwd=tmp_path,
        env={**env, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    return out.stdout


def test_add_then_list_in_the_shell(tmp_path: Path) -> None:
    out = _shell(
        tmp_path,
        '/maturity runbook add "Rotate TLS certificates" weekly 30m\n/maturity runbook\n',
    )
    assert "Added “Rotate TLS certificates” to *general*'s runbook" in out
    listing = out.split("Runbook · general", 1)[1]
    assert "*1. Rotate TLS certificates*" in listing
    assert "weekly · 30 min a run · *2.2 h a month*" in listing
    assert "Next Monday" in listing and "Pick a date…" in listing and "Edit" in listing


def test_the_edit_form_is_filled_in_from_the_shell(tmp_path: Path) -> None:
    # Button numbers: 1 "Show the runbook"; the list then numbers 2 "Remind me about it",
    # 3-5 the remind menu, 6 Edit. The form asks each field; empty keeps it.
    fields = ["Rotate all TLS certificates", "", "45"] + [""] * 7
    out = _shell(
        tmp_path,
        '/maturity runbook add "Rotate TLS certificates" weekly 30m\n1\n6\n'
        + "\n".join(fields)
        + "\n",
    )
    assert "┌─ Edit operation" in out
    assert "Saved “Rotate all TLS certificates”" in out
    assert "weekly · 45 min a run" in out
