"""A hostile team name goes everywhere a team name goes — check-in, result, shared result,
board, runbook, digest, Home tab, refusals quoting it — and never becomes a mention, a
channel ping or a link in anything the bot sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from conversations.assessment import team_at_level
from storage.db import read_scope
from storage.models import Team

from .test_assessment import run_checkin
from .test_runbook import mrkdwn

HOSTILE = "<!channel> <@U0BOSS01> & <https://evil.example|click me> <!here>"
RAW = ("<!channel>", "<!here>", "<@U0BOSS01>", "<https://evil.example")


def _everything_sent(standin) -> list[str]:
    """Every text Slack would parse for mentions and links: message fallbacks and mrkdwn
    objects in messages, updates, ephemerals, response_url answers, modals and the Home tab."""
    out: list[str] = []
    for call in standin.calls:
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            out += mrkdwn(
                {"text": call.params.get("text", ""), "blocks": call.params.get("blocks")}
            )
        elif call.method.startswith("views."):
            out += mrkdwn({"blocks": (call.params.get("view") or {}).get("blocks")})[1:]
    out += [t for p in standin.response_url_posts() for t in mrkdwn(p.body)]
    return out


def test_a_hostile_team_name_stays_text_everywhere(harness) -> None:
    alice = harness.user()
    assert alice.command(f"assess {HOSTILE}").status == 200
    run_checkin(alice, team_at_level(1))
    message, share = alice.find_button("assess.result")
    alice.click_button(message, share)
    assert alice.command(f"board {HOSTILE}").status == 200
    assert alice.command(f"runbook {HOSTILE}").status == 200
    assert alice.command(f'runbook add "Rotate certificates" weekly 30m {HOSTILE}').status == 200
    assert alice.command(f"board {HOSTILE} and more").status == 200  # unknown: quoted back
    assert alice.command(f"digest schedule monday 09:00 UTC teams {HOSTILE}").status == 200
    assert alice.command("digest preview").status == 200
    assert alice.open_home().status == 200
    with read_scope(harness.engine) as session:
        stored = list(session.exec(select(Team.name)))
    assert any("<!channel>" in name for name in stored)  # kept as typed, shown escaped
    harness.sender().send_due(now=datetime.now(UTC) + timedelta(days=8))  # the digest itself

    sent = _everything_sent(harness.standin)
    assert len(sent) > 20  # the walk saw the flows above
    leaks = sorted({text[:100] for text in sent for raw in RAW if raw in text})
    assert not leaks, "\n".join(leaks)
    assert any("&lt;!channel&gt;" in text for text in sent)  # the name was shown, escaped
