"""The sender's contract, with a kind of schedule defined by the test itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.deps import Deps
from bot.scheduling.scheduler import KINDS, ONE_OFF_TRIES, Due, Kind, Outcome, Sender, register_kind
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import Claim, ClaimOutcome, Schedule
from storage.schedules import create_schedule
from storage.workspaces import get_or_create_workspace

DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def flaky_kind():
    """A one-off whose sending fails until ``state['fail']`` runs out."""
    state = {"fail": 0, "sent": 0}

    def send(due: Due) -> Outcome:
        if state["fail"] > 0:
            state["fail"] -= 1
            raise ConnectionError("Slack is having a moment")
        state["sent"] += 1
        return Outcome(ClaimOutcome.SENT)

    register_kind(
        "probe",
        Kind(
            send=send,
            period=lambda s, due: due.isoformat(),
            next_due=lambda s, after: None,
            max_lateness=timedelta(days=7),
        ),
    )
    yield state
    KINDS.pop("probe", None)


def _setup(engine) -> tuple[Sender, int]:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id="T1")
        sid = create_schedule(session=s, workspace_id=ws.id, kind="probe", next_due_at=DUE).id
    deps = Deps(settings=load_settings(), engine=engine)
    return Sender(deps=deps, client_for=lambda _ws: WebClient(token="xoxb-unused")), sid


def test_a_failed_one_off_is_retried_then_sent_once(engine, flaky_kind) -> None:
    sender, sid = _setup(engine)
    flaky_kind["fail"] = 1
    assert [r.outcome for r in sender.send_due(now=DUE)] == ["failed"]
    assert sender.send_due(now=DUE + timedelta(minutes=5)) == []  # not yet: retry in 10 min
    assert [r.outcome for r in sender.send_due(now=DUE + timedelta(minutes=11))] == ["sent"]
    assert sender.send_due(now=DUE + timedelta(days=1)) == []
    assert flaky_kind["sent"] == 1
    with session_scope(engine) as s:
        assert not s.get(Schedule, sid).active


def test_a_one_off_that_keeps_failing_gives_up_after_a_few_tries(engine, flaky_kind) -> None:
    sender, sid = _setup(engine)
    flaky_kind["fail"] = 99
    now = DUE
    for _ in range(ONE_OFF_TRIES + 2):
        sender.send_due(now=now)
        now += timedelta(minutes=11)
    with session_scope(engine) as s:
        claims = s.exec(select(Claim).where(Claim.schedule_id == sid)).all()
        assert [c.outcome for c in claims] == ["failed"] * ONE_OFF_TRIES
        schedule = s.get(Schedule, sid)
        assert not schedule.active and "ConnectionError" in schedule.failure
    assert flaky_kind["sent"] == 0
