"""Weekly digests end to end: subscribed by slash command, sent by the scheduler's sender
with time travel (``send_due(now=...)``), against the Slack stand-in; level changes lead
the digest; team lists are typed the way people type them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import build_app  # noqa: F401  (imported for the side effect of listeners)
from bot.local.standin import SlackStandIn
from bot.serve.runtime import build_sender
from bot.settings import load_settings
from bot.slack.ids import ActionId
from conversations.assessment import team_at_level
from conversations.model import question
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Claim, Schedule, ScheduleKind
from storage.schedules import create_schedule
from storage.workspaces import get_or_create_channel_team, get_or_create_workspace

from .conftest import BOT_TOKEN, SIGNING_SECRET

CHANNEL = "C0PLATFORM"


def click_in(user, blocks: list[dict], action_id: str, *, channel: str = CHANNEL, ts: str = ""):
    """Click the button ``action_id`` in an answer that is not a channel message (an
    ephemeral, or a command's acknowledgement), as Slack would send the click."""
    for block in blocks:
        for el in block.get("elements") or []:
            if el.get("type") == "button" and el.get("action_id") == action_id:
                message = {"ts": ts, "channel": channel, "blocks": blocks, "is_ephemeral": True}
                return user.click_button(message, {**el, "block_id": block.get("block_id", "")})
    raise AssertionError(f"no button {action_id} in {blocks}")


def create_team_when_asked(user, standin) -> None:
    """Answer "this channel has no team yet" with *Create team*, if it was asked."""
    last = (standin.ephemerals() or [{}])[-1]
    if "no team on the board yet" in last.get("text", ""):
        click_in(
            user,
            last["blocks"],
            ActionId.TEAM_CREATE,
            channel=last["channel"],
            ts=last["message_ts"],
        )


def _finish_checkin(user, level: int) -> None:
    user.command("assess")
    create_team_when_asked(user, user.standin)
    policy = team_at_level(level)
    while (qid := user.current_question()) is not None:
        value = policy(question(qid))
        if any(o.value == value for o in question(qid).options):
            user.click(qid, value)
        else:
            user.say(value)


def _digest_parents(standin: SlackStandIn, channel: str = CHANNEL) -> list[dict]:
    return [
        m
        for m in standin.messages(channel)
        if m.get("thread_ts") in (None, m["ts"])
        and any(b.get("type") == "header" for b in m.get("blocks") or [])
    ]


def _schedule(engine) -> Schedule:
    with session_scope(engine) as s:
        return s.exec(select(Schedule).where(Schedule.kind == ScheduleKind.DIGEST)).one()


def test_subscribe_then_the_due_digest_is_posted_once_with_a_thread_per_team(harness) -> None:
    alice = harness.user()
    _finish_checkin(alice, 2)
    alice.command("digest schedule monday 09:00 Europe/Berlin")
    assert "every Monday at 09:00 (Europe/Berlin)" in harness.standin.ephemerals()[-1]["text"]
    schedule = _schedule(harness.engine)
    due = schedule.next_due_at
    assert due.astimezone().weekday() == 0 or due.weekday() == 0

    sender = harness.sender()
    reports = sender.send_due(now=due + timedelta(minutes=1), kind=ScheduleKind.DIGEST)
    assert [r.outcome for r in reports] == ["sent"]
    parents = _digest_parents(harness.standin)
    assert len(parents) == 1
    text = str(parents[0]["blocks"])
    assert "platform" in text and "Level 2" in text
    replies = [
        m
        for m in harness.standin.messages(CHANNEL)
        if m.get("thread_ts") == parents[0]["ts"] and m["ts"] != parents[0]["ts"]
    ]
    assert len(replies) == 1 and "platform" in replies[0]["text"]

    # The same minute again, or a second sweep: nothing more is posted.
    assert sender.send_due(now=due + timedelta(minutes=2), kind=ScheduleKind.DIGEST) == []
    assert len(_digest_parents(harness.standin)) == 1
    # And it is due again a week later.
    assert _schedule(harness.engine).next_due_at == due + timedelta(weeks=1)


def test_preview_is_ephemeral_and_posts_nothing(harness) -> None:
    alice = harness.user()
    _finish_checkin(alice, 1)
    alice.command("digest preview")
    preview = harness.standin.ephemerals()[-1]
    assert "(preview)" in str(preview["blocks"])
    assert "Level 1" in str(preview["blocks"])
    assert _digest_parents(harness.standin) == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ("someday 09:00", "someday"),
        ("monday noonish", "noonish"),
        ("monday 24:30", "24:30"),
        ("monday 09:00 Mars/Olympus", "Mars/Olympus"),
        ("monday", "day and a time"),
        ("monday 09:00 UTC teams", "which teams"),
        ("monday 09:00 UTC teams Ghosts", "Ghosts"),
    ],
)
def test_bad_schedules_name_the_bad_part_and_change_nothing(harness, args, named) -> None:
    harness.user().command(f"digest schedule {args}")
    answer = harness.standin.ephemerals()[-1]["text"]
    assert named in answer
    with session_scope(harness.engine) as s:
        assert s.exec(select(Schedule)).all() == []


def test_only_the_owner_or_an_admin_turns_it_off(harness) -> None:
    harness.user().command("digest schedule friday 16:00 UTC")
    harness.user(user_id="U0BOB").command("digest off")
    assert "someone else" in harness.standin.ephemerals()[-1]["text"]
    assert _schedule(harness.engine).active
    harness.standin.add_user("U0ADMIN", name="admin", is_admin=True)
    harness.user(user_id="U0ADMIN").command("digest off")
    assert "is off" in harness.standin.ephemerals()[-1]["text"]
    assert not _schedule(harness.engine).active


def _seed_schedule(
    engine,
    channel: str,
    *,
    weekday: int,
    time_of_day: str,
    tz: str,
    due: datetime,
    team_id: str = "T0STANDIN",
) -> int:
    with session_scope(engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=team_id)
        get_or_create_channel_team(
            session=s, workspace_id=ws.id, channel_id=channel, channel_name=channel.lower()
        )
        row = create_schedule(
            session=s,
            workspace_id=ws.id,
            kind=ScheduleKind.DIGEST,
            next_due_at=due,
            channel_id=channel,
            tz=tz,
            weekday=weekday,
            time_of_day=time_of_day,
            payload={"teams": "channel"},
            created_by="U0OWNER",
        )
        return row.id


def _sender_for(db_url: str, standin: SlackStandIn):
    settings = load_settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        database_url=db_url,
    )
    engine = make_engine(db_url)
    return build_sender(settings, engine), engine


def test_two_concurrent_senders_post_exactly_once(db_url: str, standin) -> None:
    upgrade(db_url)
    due = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    senders = [_sender_for(db_url, standin) for _ in range(2)]
    _seed_schedule(
        senders[0][1], CHANNEL, weekday=0, time_of_day="09:00", tz="Europe/Berlin", due=due
    )
    barrier = threading.Barrier(2)
    results: list = []

    def run(sender) -> None:
        barrier.wait()
        results.append(sender.send_due(now=due + timedelta(minutes=1)))

    threads = [threading.Thread(target=run, args=(s,)) for s, _ in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(r.outcome for batch in results for r in batch)
    assert "sent" in outcomes and outcomes.count("sent") == 1
    assert len(_digest_parents(standin)) == 1
    for _, engine in senders:
        engine.dispose()


@pytest.mark.parametrize(
    ("tz", "first_due", "second_due"),
    [
        # Berlin leaves summer time on Sunday 25 Oct 2026: 09:00 is 07:00 UTC, then 08:00.
        (
            "Europe/Berlin",
            datetime(2026, 10, 19, 7, 0, tzinfo=UTC),
            datetime(2026, 10, 26, 8, 0, tzinfo=UTC),
        ),
        # New York enters summer time on Sunday 8 Mar 2026: 09:00 is 14:00 UTC, then 13:00.
        (
            "America/New_York",
            datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
            datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
        ),
    ],
)
def test_daylight_saving_weeks_keep_local_time(harness, tz, first_due, second_due) -> None:
    _seed_schedule(harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz=tz, due=first_due)
    sender = harness.sender()
    assert sender.send_due(now=first_due - timedelta(minutes=1)) == []
    assert [r.outcome for r in sender.send_due(now=first_due)] == ["sent"]
    assert _schedule(harness.engine).next_due_at == second_due
    assert [r.outcome for r in sender.send_due(now=second_due)] == ["sent"]
    assert len(_digest_parents(harness.standin)) == 2


def test_after_downtime_one_catch_up_within_six_hours_and_older_ones_skipped(harness) -> None:
    three_weeks_ago = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
    this_week = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _seed_schedule(
        harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=three_weeks_ago
    )
    reports = harness.sender().send_due(now=this_week + timedelta(hours=2))
    assert [(r.period, r.outcome) for r in reports] == [
        ("2026-W46", "skipped"),
        ("2026-W49", "sent"),
    ]
    assert len(_digest_parents(harness.standin)) == 1
    assert _schedule(harness.engine).next_due_at == this_week + timedelta(weeks=1)


def test_a_digest_more_than_six_hours_late_is_skipped_not_sent(harness) -> None:
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _seed_schedule(harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=due)
    reports = harness.sender().send_due(now=due + timedelta(hours=7))
    assert [r.outcome for r in reports] == ["skipped"]
    assert _digest_parents(harness.standin) == []
    assert _schedule(harness.engine).next_due_at == due + timedelta(weeks=1)


def test_a_429_pauses_its_own_workspace_only(harness) -> None:
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _seed_schedule(harness.engine, "C0SLOW", weekday=0, time_of_day="09:00", tz="UTC", due=due)
    harness.standin.inject("chat.postMessage", status=429, retry_after=1)
    _seed_schedule(
        harness.engine,
        "C0OTHER",
        weekday=0,
        time_of_day="09:00",
        tz="UTC",
        due=due,
        team_id="T0OTHERWS",
    )
    reports = harness.sender().send_due(now=due)
    assert sorted(r.outcome for r in reports) == ["sent", "sent"]
    posts = harness.standin.calls_to("chat.postMessage")
    assert [c.status for c in posts].count(429) == 1
    limited = next(c for c in posts if c.status == 429)
    retried = [
        c for c in posts if c.params.get("channel") == limited.params["channel"] and c.status == 200
    ]
    # The retry honoured Retry-After ...
    assert retried[0].at - limited.at >= 1.0
    assert len(_digest_parents(harness.standin, limited.params["channel"])) == 1


def test_a_failing_channel_is_reported_and_the_others_still_get_theirs(harness) -> None:
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    harness.standin.add_channel("C0GONE", name="gone", archived=True)
    for channel in ("C0GONE", "C0FINE", "C0ALSOFINE"):
        _seed_schedule(harness.engine, channel, weekday=0, time_of_day="09:00", tz="UTC", due=due)
    reports = harness.sender().send_due(now=due)
    assert sorted(r.outcome for r in reports) == ["failed", "sent", "sent"]
    assert len(_digest_parents(harness.standin, "C0FINE")) == 1
    assert len(_digest_parents(harness.standin, "C0ALSOFINE")) == 1
    owner_dm = harness.standin.messages(harness.standin.dm_channel_id("U0OWNER"))
    assert len(owner_dm) == 1 and "archived" in owner_dm[0]["text"]
    with session_scope(harness.engine) as s:
        gone = s.exec(select(Schedule).where(Schedule.channel_id == "C0GONE")).one()
    assert gone.failure == "is_archived"
    # A week later it fails again, quietly: the owner was told once.
    harness.sender().send_due(now=due + timedelta(weeks=1))
    assert len(harness.standin.messages(harness.standin.dm_channel_id("U0OWNER"))) == 1


def test_chart_is_uploaded_when_there_is_history_and_left_out_without_files_write(
    tmp_path: Path,
) -> None:
    for scopes, expect_file in (
        (("chat:write", "files:write", "users:read", "im:write"), True),
        (("chat:write", "users:read", "im:write"), False),
    ):
        with SlackStandIn(bot_token=BOT_TOKEN, scopes=scopes) as standin:
            url = f"sqlite:///{tmp_path / f'chart-{expect_file}.db'}"
            upgrade(url)
            sender, engine = _sender_for(url, standin)
            due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
            _seed_schedule(engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=due)
            from conversations.scoring import Status
            from storage.criteria import record_criterion
            from storage.models import Team

            with session_scope(engine) as s:
                team = s.exec(select(Team)).one()
                for weeks_ago, state in ((5, Status.NOT_MET), (1, Status.MET)):
                    record_criterion(
                        session=s,
                        workspace_id=team.workspace_id,
                        team_id=team.id,
                        criterion_id="scripted.ops_80pct",
                        status=state,
                        source="assessment",
                        at=due - timedelta(weeks=weeks_ago),
                    )
            reports = sender.send_due(now=due)
            assert [r.outcome for r in reports] == ["sent"]
            files = standin.files()
            assert (len(files) == 1) is expect_file
            if expect_file:
                assert files[0]["content"].startswith(b"\x89PNG")
            engine.dispose()


def test_cli_send_now_twice_posts_once(tmp_path: Path, standin) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    engine = make_engine(url)
    _seed_schedule(
        engine,
        CHANNEL,
        weekday=0,
        time_of_day="09:00",
        tz="UTC",
        due=datetime.now(UTC) + timedelta(days=3),
    )
    engine.dispose()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": url,
    }
    cmd = [sys.executable, "-m", "bot.cli", "digest", "send", "--now", "--channel", CHANNEL]
    first = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    second = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "sent" in first.stdout
    assert "already sent" in second.stdout
    assert len(_digest_parents(standin)) == 1
    with session_scope(make_engine(url)) as s:
        assert len(s.exec(select(Claim)).all()) == 1


def test_runbook_progress_reaches_the_digest(harness) -> None:
    from storage.models import Team
    from storage.runbook import add_operation

    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _seed_schedule(harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=due)
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team)).one()
        # Scripted three days before the digest: weekly x 30 min ≈ 130 min (2.2 h) a month.
        done = add_operation(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            title="Rotate TLS certificates",
            frequency="weekly",
            minutes=30,
            scripted=True,
        )
        done.scripted_at = due - timedelta(days=3)
        manual = add_operation(
            session=s,
            workspace_id=team.workspace_id,
            team_id=team.id,
            title="Restore <!channel> backups",
            frequency="monthly",
            minutes=90,
        )
        s.flush()
        create_schedule(
            session=s,
            workspace_id=team.workspace_id,
            kind=ScheduleKind.REMINDER,
            next_due_at=due + timedelta(days=2),
            user_id="U0ALICE",
            payload={"operation_id": manual.id, "team_id": team.id},
        )
    assert [r.outcome for r in harness.sender().send_due(now=due, kind=ScheduleKind.DIGEST)] == [
        "sent"
    ]
    parent = _digest_parents(harness.standin)[0]
    assert "2.2 h of monthly toil scripted away" in str(parent["blocks"])
    reply = next(m for m in harness.standin.messages(CHANNEL) if m["ts"] != parent["ts"])
    text = str(reply["blocks"])
    assert "Reminders coming up: Restore &lt;!channel&gt; backups" in text
    assert "<!channel>" not in text


def test_a_digest_interrupted_mid_thread_resumes_without_posting_twice(harness) -> None:
    from storage.schedules import claim, save_progress

    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    sid = _seed_schedule(harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=due)
    with session_scope(harness.engine) as s:
        from storage.models import Team

        ws = s.exec(select(Team)).one().workspace_id
        get_or_create_channel_team(
            session=s, workspace_id=ws, channel_id="C0OTHER", channel_name="other"
        )
    # A sender posted the parent, then died: its claim holds the parent's ts, lease expired.
    parent = harness.sender().client_for(ws).chat_postMessage(channel=CHANNEL, text="(parent)")
    with session_scope(harness.engine) as s:
        held = claim(
            session=s,
            schedule_id=sid,
            period="2026-W49",
            owner="dead",
            now=due - timedelta(hours=1),
            lease=timedelta(minutes=1),
        )
        save_progress(
            session=s,
            claim_id=held.id,
            progress={"parent_ts": parent["ts"]},
            lease=timedelta(seconds=-1),
        )
    reports = harness.sender().send_due(now=due + timedelta(minutes=5))
    assert [r.outcome for r in reports] == ["sent"]
    posted = harness.standin.messages(CHANNEL)
    assert len([m for m in posted if m.get("thread_ts") in (None, m["ts"])]) == 1  # no new parent
    replies = [m for m in posted if m.get("thread_ts") == parent["ts"] and m["ts"] != parent["ts"]]
    assert len(replies) == 1  # the channel's one team, in the old parent's thread


# ------------------------------------------------------------------ level changes lead


def test_a_team_that_fell_a_level_leads_the_digest_with_what_fell(harness) -> None:
    alice = harness.user()
    _finish_checkin(alice, 1)
    _finish_checkin(alice, 0)  # the same week: its scripted share is no longer there
    alice.command("digest schedule monday 09:00 UTC")
    due = _schedule(harness.engine).next_due_at
    assert [r.outcome for r in harness.sender().send_due(now=due, kind=ScheduleKind.DIGEST)] == [
        "sent"
    ]
    parent = _digest_parents(harness.standin)[0]
    shown = str(parent["blocks"])
    assert "platform fell from Level 1 to Level 0" in shown  # the headline says it plainly
    assert "down from Level 1" in shown
    assert "criteria ·" not in shown and "+2 criteria" not in shown
    reply = next(m for m in harness.standin.messages(CHANNEL) if m["ts"] != parent["ts"])
    detail = reply["blocks"][0]["text"]["text"]
    assert "Fell from Level 1 to Level 0" in detail.splitlines()[1]  # first, before detail
    assert "No longer met" in detail
    assert "new → not met" not in detail and "→ not met" not in detail


# ------------------------------------------------------------------ team lists as typed


def _named_teams(harness, *names: str) -> None:
    from storage.workspaces import get_or_create_named_team

    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=harness.standin.team_id)
        for name in names:
            get_or_create_named_team(session=s, workspace_id=ws.id, name=name, channel_id=None)


@pytest.mark.parametrize(
    ("teams", "kept"),
    [
        ("Payments Platform", ["Payments Platform"]),  # the bot's own example
        ("Payments Platform, Search", ["Payments Platform", "Search"]),
        ("payments platform and search", ["Payments Platform", "Search"]),
        ('"Payments Platform" Search', ["Payments Platform", "Search"]),
        ("all", "all"),
    ],
)
def test_the_digest_takes_team_names_as_people_type_them(harness, teams, kept) -> None:
    _named_teams(harness, "Payments Platform", "Search")
    answer = harness.user().command(f"digest schedule monday 09:00 Europe/Berlin teams {teams}")
    assert answer.status == 200
    done = harness.standin.ephemerals()[-1]["text"]
    assert done.startswith("Done: every Monday at 09:00 (Europe/Berlin)")
    assert _schedule(harness.engine).payload["teams"] == kept


def test_words_that_match_no_team_are_named_with_the_closest_team(harness) -> None:
    _named_teams(harness, "Payments Platform", "Search")
    harness.user().command("digest schedule monday 09:00 teams Paymnts Platform, Ghosts")
    said = harness.standin.ephemerals()[-1]
    assert "No team here is called “Paymnts Platform” or “Ghosts”." in said["text"]
    assert "Did you mean “Payments Platform”?" in said["text"]
    assert "The teams here: Payments Platform, Search." in said["text"]
    assert ActionId.COMMAND_RUN not in str(said["blocks"])  # "Ghosts" is near no team
    with session_scope(harness.engine) as s:
        assert s.exec(select(Schedule)).all() == []


def test_a_near_miss_team_list_can_be_scheduled_as_meant_with_one_click(harness) -> None:
    _named_teams(harness, "Payments Platform", "Search")
    alice = harness.user()
    alice.command("digest schedule monday 09:00 UTC teams Paymnts Platform, Serch")
    said = harness.standin.ephemerals()[-1]
    click_in(alice, said["blocks"], ActionId.COMMAND_RUN, ts=said["message_ts"])
    assert "for Payments Platform and Search" in harness.standin.ephemerals()[-1]["text"]
    assert _schedule(harness.engine).payload["teams"] == ["Payments Platform", "Search"]


def test_a_time_can_be_typed_the_usual_way(harness) -> None:
    harness.user().command("digest schedule Friday 4:30pm UTC")
    assert "every Friday at 16:30 (UTC)" in harness.standin.ephemerals()[-1]["text"]


def test_a_near_miss_digest_verb_is_offered_and_runs_when_clicked(harness) -> None:
    alice = harness.user()
    alice.command("digest shedule monday 09:00 UTC")
    offer = harness.standin.ephemerals()[-1]
    assert "Did you mean `/maturity digest schedule monday 09:00 UTC`?" in offer["text"]
    with session_scope(harness.engine) as s:
        assert s.exec(select(Schedule)).all() == []
    click_in(alice, offer["blocks"], ActionId.COMMAND_RUN, ts=offer["message_ts"])
    assert "every Monday at 09:00 (UTC)" in harness.standin.ephemerals()[-1]["text"]
    assert _schedule(harness.engine).active


def _seed_deploys(engine, channel: str, due: datetime, weekly: list[int]) -> None:
    """``weekly[i]`` successful production deploys (GitHub Actions) ``i`` weeks before
    ``due``, the newest week first: this week's take 6 minutes, the oldest week's 25."""
    from conversations.evidence import GITHUB, DeployEvent
    from storage.evidence import add_event
    from storage.models import Team

    with session_scope(engine) as s:
        team = s.exec(select(Team).where(Team.channel_id == channel)).one()
        for week, count in enumerate(weekly):
            minutes = 6 if week == 0 else 25 if week == len(weekly) - 1 else 12
            for n in range(count):
                started = due - timedelta(weeks=week, hours=2 + n)
                add_event(
                    session=s,
                    workspace_id=team.workspace_id,
                    team_id=team.id or 0,
                    event=DeployEvent(
                        id=f"run-{week}-{n}",
                        service="api",
                        environment="production",
                        succeeded=True,
                        started_at=started,
                        finished_at=started + timedelta(minutes=minutes),
                        source=GITHUB,
                    ),
                )
        # A failed and a staging deploy this week: not counted.
        for i, (env, ok) in enumerate((("production", False), ("staging", True))):
            started = due - timedelta(hours=1)
            add_event(
                session=s,
                workspace_id=team.workspace_id,
                team_id=team.id or 0,
                event=DeployEvent(
                    id=f"other-{i}",
                    service="api",
                    environment=env,
                    succeeded=ok,
                    started_at=started,
                    finished_at=started + timedelta(minutes=90),
                    source=GITHUB,
                ),
            )


def _all_teams(engine, *channels: str) -> None:
    """Teams in ``channels`` too, and the digest covering every team."""
    with session_scope(engine) as s:
        schedule = s.exec(select(Schedule).where(Schedule.kind == ScheduleKind.DIGEST)).one()
        for channel in channels:
            get_or_create_channel_team(
                session=s,
                workspace_id=schedule.workspace_id,
                channel_id=channel,
                channel_name=channel.lower(),
            )
        schedule.payload = {"teams": "all"}
        s.add(schedule)


def test_a_team_with_deploy_evidence_gets_its_deploy_trend_and_others_look_as_before(
    harness,
) -> None:
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _seed_schedule(harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=due)
    _all_teams(harness.engine, "C0SEARCH")
    # Newest week first: 5 this week, growing from 1 twelve weeks ago.
    _seed_deploys(harness.engine, CHANNEL, due, [5, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1])
    reports = harness.sender().send_due(now=due, kind=ScheduleKind.DIGEST)
    assert [r.outcome for r in reports] == ["sent"]
    parent = _digest_parents(harness.standin)[0]
    replies = {
        m["text"].split(":")[0]: str(m["blocks"])
        for m in harness.standin.messages(CHANNEL)
        if m.get("thread_ts") == parent["ts"] and m.get("blocks")
    }
    platform, search = replies["c0platform"], replies["c0search"]
    assert ":rocket: Deploys: 5 deploys this week · 12 weeks ▃▃▃▄▄▄▆▆▆▇▇█" in platform
    assert "median 6 min this week (25 min 12 weeks ago) — GitHub Actions" in platform
    assert "Deploys" not in search
    assert "Quiet week: nothing moved." in search
    # The chart gets a deploys-a-week panel (no criteria history: charted for the deploys).
    files = harness.standin.files()
    assert len(files) == 1 and files[0]["content"].startswith(b"\x89PNG")


def test_sql_statements_per_digest_stay_constant_with_deploy_evidence(harness) -> None:
    from sqlalchemy import event

    from bot.usecases.digest import build_for

    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _seed_schedule(harness.engine, CHANNEL, weekday=0, time_of_day="09:00", tz="UTC", due=due)
    counted = {"n": 0}

    @event.listens_for(harness.engine, "before_cursor_execute")
    def _count(*_a) -> None:
        counted["n"] += 1

    def statements(spec: str) -> tuple[int, int]:
        counted["n"] = 0
        with session_scope(harness.engine) as s:
            schedule = s.exec(select(Schedule)).one()
            counted["n"] = 0
            digest = build_for(s, schedule.workspace_id, CHANNEL, spec, due, "2026-W49")
            return counted["n"], sum(1 for w in digest.teams if w.deploys is not None)

    one_team = statements("channel")
    _seed_deploys(harness.engine, CHANNEL, due, [2, 1])
    _all_teams(harness.engine, "C0SEARCH", "C0PAYMENTS", "C0INFRA")
    for channel in ("C0SEARCH", "C0PAYMENTS"):
        _seed_deploys(harness.engine, channel, due, [1, 1, 3])
    four_teams = statements("all")
    # teams, then 6 grouped reads (criteria, levels, runbook, reminders, nudges, deploys)
    # and the check-in owners' absences: the same whatever the team count or evidence.
    assert four_teams[1] == 3
    assert one_team[0] == four_teams[0]
