"""The runbook from ``maturity-bot shell`` (in-process): add an operation, see the ranked
list, click."""

from __future__ import annotations


def test_add_then_list_in_the_shell(typed) -> None:
    out = typed(
        '/maturity runbook add "Rotate TLS certificates" weekly 30m\n1\n/maturity runbook\n',
    )  # 1: "Create team “general”" (asked: #general has no team yet)
    assert "Added “Rotate TLS certificates” to *general*'s runbook" in out
    listing = out.split("Runbook · general", 1)[1]
    assert "*1. Rotate TLS certificates*" in listing
    assert "weekly · 30 min a run · *2.2 h a month*" in listing
    assert "Next Monday" in listing and "Pick a date…" in listing and "Edit" in listing


def test_the_edit_form_is_filled_in_from_the_shell(typed) -> None:
    # Button numbers: 1 "Create team “general”" (asked: #general has no team yet), 2 "Show
    # the runbook"; the list then numbers 3 "Remind me about it", 4-6 the remind menu,
    # 7 Edit. The form asks each field; empty keeps it.
    fields = ["Rotate all TLS certificates", "", "45"] + [""] * 7
    out = typed(
        '/maturity runbook add "Rotate TLS certificates" weekly 30m\n1\n2\n7\n'
        + "\n".join(fields)
        + "\n",
    )
    assert "┌─ Edit operation" in out
    assert "Saved “Rotate all TLS certificates”" in out
    assert "weekly · 45 min a run" in out
