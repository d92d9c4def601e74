"""The App Home as a place to act, end to end: signed requests through the real Bolt app,
the Slack stand-in recording every ``views.publish``.

Your teams with their level, next step and the step's criteria (each with the board's
*Update*, for those who may change the team); *Check in* / *Resume check-in*; your
reminders; your teams' active nudges (dismissable); the Home published again after a
change, for the people concerned and no one else; Slack's 100-block limit with a crowded
workspace and a long emoji team name.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.views import View
from sqlmodel import select

from bot.local.payloads import block_action, sign
from bot.slack.ids import ActionId, BlockId
from conversations.assessment import team_at_level
from conversations.model import CRITERIA, Question
from conversations.scoring import Status
from storage.criteria import record_criterion
from storage.db import session_scope
from storage.models import NudgeRecord, ScheduleKind, Team
from storage.nudges import record_nudge
from storage.runbook import add_operation
from storage.schedules import create_schedule
from storage.types import utcnow
from storage.workspaces import ensure_named_team, get_or_create_workspace
from tests.e2e.test_assessment import assess, run_checkin
from tests.e2e.test_board import board_of, form_values, make_team
from tests.e2e.test_runbook import add, click, last, mrkdwn, ops

STEP_1 = ("scripted.ops_80pct", "scripted.newcomers_use_scripts", "scripted.in_version_control")
STEP_2 = ("iac.all_infra_as_code", "iac.env_from_scratch_1h", "iac.no_manual_changes")
VCS = "scripted.in_version_control"


# ------------------------------------------------------------------ helpers


def valid(view: dict[str, Any]) -> dict[str, Any]:
    """A Home view Slack accepts: at most 100 blocks, checked by slack_sdk's own models."""
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    View(**view).validate_json()
    for block in view["blocks"]:
        assert len((block.get("text") or {}).get("text", "")) <= 3000
    return view


def published(harness, user_id: str, since: int = 0) -> list[dict[str, Any]]:
    """The Home views published for ``user_id`` (after the first ``since`` publishes)."""
    calls = harness.standin.calls_to("views.publish")[since:]
    return [c.params["view"] for c in calls if c.ok and c.params.get("user_id") == user_id]


def published_for(harness, since: int) -> set[str]:
    return {c.params.get("user_id") for c in harness.standin.calls_to("views.publish")[since:]}


def publishes(harness) -> int:
    return len(harness.standin.calls_to("views.publish"))


def open_home(harness, user) -> dict[str, Any]:
    """The person opens the Home tab: HTTP 200, and the view published for them."""
    assert user.open_home().status == 200
    return valid(published(harness, user.actor.user_id)[-1])


def current_home(harness, user_id: str) -> dict[str, Any]:
    """The Home as the stand-in holds it for ``user_id`` (with its view id)."""
    return [v for v in harness.standin.views(user_id) if v["type"] == "home"][-1]


def modals(harness, user_id: str) -> list[dict[str, Any]]:
    return [v for v in harness.standin.views(user_id) if v["type"] == "modal"]


def find(view: dict[str, Any], prefix: str, value: str | None = None) -> tuple[str, dict]:
    """The block id and the element whose action id starts with ``prefix``."""
    for block in view["blocks"]:
        for el in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if str(el.get("action_id", "")).startswith(prefix) and (
                value is None or el.get("value") == value
            ):
                return block.get("block_id", ""), el
    raise AssertionError(f"no {prefix} {value!r} on the Home")


def actions(view: dict[str, Any]) -> list[str]:
    out = []
    for block in view["blocks"]:
        for el in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if el.get("action_id"):
                out.append(str(el["action_id"]))
    return out


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def text_of(view: dict[str, Any]) -> str:
    return "\n".join(
        (b.get("text") or {}).get("text", "")
        + "".join(e.get("text", "") for e in b.get("elements") or [] if isinstance(e, dict))
        for b in view["blocks"]
    )


def click_home(harness, user, prefix: str, value: str | None = None, *, button=None):
    """Click a button on the person's Home tab, as Slack sends it: from a view of type
    ``home``, with no channel and no response_url. ``button`` clicks that (block id,
    element) instead of one found on the person's own Home (a stale or borrowed one)."""
    view = current_home(harness, user.actor.user_id)
    block_id, el = button or find(view, prefix, value)
    body, ctype = block_action(
        user.actor,
        action={**el, "block_id": block_id},
        response_url="",
        view=view,
        trigger_id=harness.standin.new_trigger_id(user.actor.user_id),
    )
    return user.transport(body, {"Content-Type": ctype, **sign(body, user.secret)})


def set_owners(harness, team_id: int, owners: list[str]) -> None:
    with session_scope(harness.engine) as s:
        team = s.exec(select(Team).where(Team.id == team_id)).one()
        team.owners = owners
        s.add(team)


# ------------------------------------------------------------------ your teams


def test_the_home_shows_my_teams_with_level_next_step_and_update_buttons(harness) -> None:
    platform = make_team(harness)
    make_team(harness, owner="U0BOB", channel="C0DATA", name="data")  # not Alice's
    alice = harness.user()
    assert alice.command("set scripted.ops_80pct 85%").status == 200
    view = open_home(harness, alice)
    mine = block(view, f"{BlockId.HOME_TEAM_PREFIX}{platform}")["text"]["text"]
    assert mine.startswith("*platform* · Level 0 — Manual · next: Level 1 — Scripted\n")
    assert "1/3 met" in mine
    for cid in STEP_1:  # each criterion of the step it is on, with the board's Update
        row = block(view, f"{BlockId.HOME_CRITERION_PREFIX}{platform}.{cid}")
        assert row["accessory"]["action_id"] == f"{ActionId.CRITERION_UPDATE}:{platform}"
        assert row["accessory"]["value"] == cid
    assert "*Met* · 80% or more of routine operations" in text_of(view)
    assert not any(cid in str(b.get("block_id")) for b in view["blocks"] for cid in STEP_2)
    _, checkin = find(view, f"{ActionId.HOME_CHECKIN}:{platform}")
    assert checkin["text"]["text"] == "Check in"
    # Bob's team is in the list of every team, not among Alice's.
    assert not [
        b
        for b in view["blocks"]
        if b.get("block_id", "").startswith("home.team.")
        and b["block_id"] != f"{BlockId.HOME_TEAM_PREFIX}{platform}"
    ]
    everyone = block(view, BlockId.HOME_ALL_TEAMS)
    rest = text_of({"blocks": view["blocks"][view["blocks"].index(everyone) :]})
    assert "*data* · not assessed yet" in rest
    assert "*platform* · Level 0 — Manual · next: Level 1" in rest


def test_update_on_the_home_opens_the_form_and_a_save_republishes_the_concerned_homes(
    harness,
) -> None:
    platform = make_team(harness)
    set_owners(harness, platform, ["U0ALICE", "U0CAROL"])
    alice, bob = harness.user(), harness.user("U0BOB", channel_id="C0DATA", channel_name="data")
    open_home(harness, bob)  # Bob has a Home too: it is not his team, so it stays as it is
    open_home(harness, alice)
    assert click_home(harness, alice, f"{ActionId.CRITERION_UPDATE}:", VCS).status == 200
    [form] = modals(harness, "U0ALICE")  # the board's own form
    assert "The scripts live in version control" in str(form["blocks"])
    before, said = publishes(harness), len(harness.standin.response_url_posts())
    answer = alice.submit(form, form_values(status="met", note="All in <git> now"))
    assert answer.status == 200 and answer.body == ""  # the form closes
    assert board_of(harness, platform)[VCS].status == "met"
    # The Home is published again for the person who acted and the team's other owner —
    # not for Bob, whose Home shows nothing of it.
    assert published_for(harness, before) == {"U0ALICE", "U0CAROL"}
    fresh = valid(published(harness, "U0ALICE", before)[-1])
    row = block(fresh, f"{BlockId.HOME_CRITERION_PREFIX}{platform}.{VCS}")["text"]["text"]
    assert row.startswith(":white_check_mark: *Met* · The scripts live in version control")
    assert "board, <@U0ALICE>" in row
    assert "1/3 met" in block(fresh, f"{BlockId.HOME_TEAM_PREFIX}{platform}")["text"]["text"]
    # Nothing said into the void: no ephemeral, no DM; the Home is the answer.
    assert len(harness.standin.response_url_posts()) == said
    assert alice.dm_messages() == []


def test_set_and_a_finished_checkin_republish_the_home_too(harness) -> None:
    platform = make_team(harness)
    alice = harness.user()
    before = publishes(harness)
    assert alice.command("set scripted.ops_80pct 90%").status == 200
    assert published_for(harness, before) == {"U0ALICE"}
    before = publishes(harness)
    assert assess(alice).status == 200
    run_checkin(alice, team_at_level(1))
    assert published_for(harness, before) == {"U0ALICE"}
    view = valid(published(harness, "U0ALICE", before)[-1])
    mine = block(view, f"{BlockId.HOME_TEAM_PREFIX}{platform}")["text"]["text"]
    assert "Level 1 — Scripted · next: Level 2 — Infrastructure as code" in mine
    for cid in STEP_2:
        block(view, f"{BlockId.HOME_CRITERION_PREFIX}{platform}.{cid}")


def test_a_non_owner_sees_no_update_button_and_a_borrowed_one_is_refused(harness) -> None:
    platform = make_team(harness)
    alice, bob = harness.user(), harness.user("U0BOB")
    alices = open_home(harness, alice)
    view = open_home(harness, bob)
    assert "No team is yours yet" in text_of(view)
    assert not [a for a in actions(view) if a.startswith(ActionId.CRITERION_UPDATE)]
    # A button from someone else's Home (or a stale one) is refused at the click.
    borrowed = find(alices, f"{ActionId.CRITERION_UPDATE}:", VCS)
    assert click_home(harness, bob, "", button=borrowed).status == 200
    assert modals(harness, "U0BOB") == []
    [refusal] = bob.dm_messages()
    assert "Only <@U0ALICE> (the team's owners) or a workspace admin" in refusal["text"]
    # Running the team's check-in makes it Bob's on his Home — still without Update.
    assert bob.command("assess").status == 200
    view = open_home(harness, bob)
    mine = block(view, f"{BlockId.HOME_TEAM_PREFIX}{platform}")
    assert mine["accessory"]["text"]["text"] == "Resume check-in"
    assert "Its owners or a workspace admin move its criteria" in mine["text"]["text"]
    assert not [a for a in actions(view) if a.startswith(ActionId.CRITERION_UPDATE)]
    # A workspace admin who ran it may change it: Update is offered.
    harness.standin.add_user("U0ADMIN", is_admin=True)
    admin = harness.user("U0ADMIN")
    assert admin.command("assess").status == 200
    assert f"{ActionId.CRITERION_UPDATE}:{platform}" in actions(open_home(harness, admin))


def test_check_in_starts_in_the_dm_then_resumes(harness) -> None:
    platform = make_team(harness)
    alice = harness.user()
    open_home(harness, alice)
    before = publishes(harness)
    assert click_home(harness, alice, f"{ActionId.HOME_CHECKIN}:{platform}").status == 200
    first = alice.current_question()
    assert first is not None  # the first question waits in the DM
    assert "Check-in for platform" in alice.dm_messages()[0]["text"]
    assert not [m for m in alice.dm_messages() if "I've sent you a DM" in m.get("text", "")]
    view = valid(published(harness, "U0ALICE", before)[-1])  # the button says what it does now
    assert find(view, f"{ActionId.HOME_CHECKIN}:{platform}")[1]["text"]["text"] == (
        "Resume check-in"
    )
    assert alice.click(first, "90").status == 200
    second = alice.current_question()
    assert second not in (None, first)
    posted = len(alice.dm_messages())
    assert click_home(harness, alice, f"{ActionId.HOME_CHECKIN}:{platform}").status == 200
    assert len(alice.dm_messages()) == posted + 2  # "picking up", and the question again
    assert "Picking up" in str(alice.dm_messages()[posted]["blocks"])
    assert alice.current_question() == second
    run_checkin(alice, team_at_level(1))
    view = valid(published(harness, "U0ALICE")[-1])
    assert find(view, f"{ActionId.HOME_CHECKIN}:{platform}")[1]["text"]["text"] == "Check in"


def test_check_in_for_a_team_that_is_gone_says_so_in_the_dm(harness) -> None:
    platform = make_team(harness)
    alice = harness.user()
    open_home(harness, alice)
    with session_scope(harness.engine) as s:
        s.delete(s.exec(select(Team).where(Team.id == platform)).one())
    assert click_home(harness, alice, f"{ActionId.HOME_CHECKIN}:{platform}").status == 200
    assert "can't find that team" in alice.dm_messages()[-1]["text"]


# ------------------------------------------------------------------ reminders and nudges


def test_my_reminders_and_the_teams_nudges_are_listed_and_a_nudge_dismissed(harness) -> None:
    harness.standin.add_user("U0ALICE", tz="America/New_York")
    platform = make_team(harness)
    alice = harness.user()
    add(alice, '"<!channel> Rotate <@U0BOSS> & certs" weekly 30m')
    op_id = ops(harness.engine)["<!channel> Rotate <@U0BOSS> & certs"].id
    assert alice.command("runbook").status == 200
    listing = last(harness.standin)
    assert (
        click(alice, listing, f"{ActionId.RUNBOOK_REMIND}:{op_id}", option="monday").status == 200
    )
    # A check-in that counts a level-3 practice while level 2 is not done: skip_level.
    assert assess(alice).status == 200
    base = team_at_level(1, {"context.target_level": "4"})

    def policy(q: Question) -> str:
        return "yes" if q.id == "cd.automated_rollback" else base(q)

    run_checkin(alice, policy)
    view = open_home(harness, alice)
    reminders = block(view, BlockId.HOME_REMINDERS)["text"]["text"]
    assert "*&lt;!channel&gt; Rotate &lt;@U0BOSS&gt; &amp; certs* · platform · Monday" in reminders
    assert "at 09:00 (America/New_York)" in reminders
    marked_up = "\n".join(mrkdwn({"blocks": view["blocks"]}))  # what Slack parses
    assert "<!channel>" not in marked_up and "<@U0BOSS>" not in marked_up
    nudge = block(view, "nudge.skip_level")
    assert nudge["text"]["text"].startswith(":bulb: *Skipping a level*")
    assert nudge["accessory"]["action_id"].startswith(f"{ActionId.NUDGE_DISMISS}:")
    dms = len(alice.dm_messages())
    before = publishes(harness)
    assert click_home(harness, alice, f"{ActionId.NUDGE_DISMISS}:", "skip_level").status == 200
    with session_scope(harness.engine) as s:
        row = s.exec(select(NudgeRecord).where(NudgeRecord.rule_id == "skip_level")).one()
    assert row.dismissed_by == "U0ALICE" and row.dismissed_at is not None
    fresh = valid(published(harness, "U0ALICE", before)[-1])
    assert "nudge.skip_level" not in [b.get("block_id") for b in fresh["blocks"]]
    assert len(alice.dm_messages()) == dms  # no "dismiss it from your DM", no chatter
    assert block(fresh, f"{BlockId.HOME_TEAM_PREFIX}{platform}")  # the team itself stays


# ------------------------------------------------------------------ Slack's limits


def test_a_crowded_workspace_and_a_long_emoji_name_still_fit_in_one_valid_home(harness) -> None:
    # 80 characters (the most a team name keeps), emoji and markup among them; "Alpha"
    # sorts it first, so it is shown among Alice's teams and in the list of every team.
    long_name = ("Alpha 🚀 <Platform> & Reliability 🔥 " * 3)[:79] + "🔥"
    assert len(long_name) == 80
    now = utcnow()
    with session_scope(harness.engine) as s:
        ws = get_or_create_workspace(session=s, slack_team_id=harness.standin.team_id)
        assert ws.id is not None
        names = [f"Team {i:03d}" for i in range(119)] + [long_name]
        for i, name in enumerate(names):
            owner = "U0ALICE" if i % 12 == 0 or name == long_name else "U0BOB"
            team, _ = ensure_named_team(
                session=s, workspace_id=ws.id, name=name, channel_id=None, user_id=owner
            )
            team.level = i % 6
            s.add(team)
            s.flush()
            assert team.id is not None
            for c in CRITERIA[: i % 15]:
                record_criterion(
                    session=s,
                    workspace_id=ws.id,
                    team_id=team.id,
                    criterion_id=c.id,
                    status=Status.MET,
                    user_id=owner,
                    source="board",
                )
            if owner != "U0ALICE":
                continue
            for rule in ("skip_level", "over_automation", "broken_process", "ready_to_advance"):
                record_nudge(
                    session=s, workspace_id=ws.id, team_id=team.id, rule_id=rule,
                    source="runbook", subject=f"{long_name} <!here>",
                )  # fmt: skip
            for n in range(3):
                op = add_operation(
                    session=s,
                    workspace_id=ws.id,
                    team_id=team.id,
                    title=f"{long_name} step {n} " + "y" * 150,
                    frequency="weekly",
                    minutes=30,
                )
                assert op is not None and op.id is not None
                create_schedule(
                    session=s,
                    workspace_id=ws.id,
                    kind=ScheduleKind.REMINDER,
                    next_due_at=now + timedelta(days=n + 1),
                    user_id="U0ALICE",
                    tz="Asia/Tokyo",
                    payload={"operation_id": op.id, "team_id": team.id},
                )
    alice = harness.user(channel_id=harness.standin.dm_channel_id("U0ALICE"))
    view = open_home(harness, alice)
    [call] = [c for c in harness.standin.calls_to("views.publish")]
    assert call.ok, call.error  # the stand-in's checks too: unique block ids, lengths
    text = text_of(view)
    escaped = long_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"*{escaped}*" in text  # the long emoji name, whole and escaped
    marked_up = "\n".join(mrkdwn({"blocks": view["blocks"]}))  # what Slack parses
    assert "<Platform>" not in marked_up and "<!here>" not in marked_up
    assert "more teams of yours" in text  # 11 teams are Alice's; the Home shows 6
    assert "…and 30 more teams." in text  # the list of every team stops at 90
    nudge_ids = [
        b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("nudge.")
    ]
    # A rule shown for a second team keeps its ``nudge.<rule id>`` prefix, its id unique.
    assert "nudge.broken_process" in nudge_ids and len(nudge_ids) == len(set(nudge_ids))
    assert [i for i in nudge_ids if i.startswith("nudge.broken_process.")]
