"""Who may change a team: its owners (until set, its creator), or a workspace admin — and
when Slack cannot say whether someone is an admin, they are not (it fails closed)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.local.standin import SlackStandIn
from bot.usecases.permissions import may_change_team, owners_of
from storage.models import Team


def team(owners: list[str] | None = None, created_by: str = "U0ALICE") -> Team:
    return Team(
        workspace_id=1, name="Core", name_key="core", owners=owners or [], created_by=created_by
    )


def test_owners_then_the_creator_then_admins_and_nobody_else() -> None:
    with SlackStandIn() as slack:
        slack.add_user("U0ADMIN", is_admin=True)
        slack.add_user("U0OWNER", is_owner=True)
        client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=2)
        unset = team()
        assert owners_of(unset) == ["U0ALICE"]
        assert may_change_team(client, unset, "U0ALICE")
        assert not may_change_team(client, unset, "U0BOB")
        owned = team(["U0BOB", "U0CAROL"])
        assert owners_of(owned) == ["U0BOB", "U0CAROL"]
        assert may_change_team(client, owned, "U0CAROL")
        assert not may_change_team(client, owned, "U0ALICE")  # the creator, once owners are set
        assert may_change_team(client, owned, "U0ADMIN")
        assert may_change_team(client, owned, "U0OWNER")  # a workspace owner administers it
        assert not may_change_team(client, team(created_by=""), "")
        assert owners_of(team(created_by="")) == []
        calls = len(slack.calls_to("users.info"))
        assert may_change_team(client, owned, "U0BOB")  # an owner needs no lookup
        assert len(slack.calls_to("users.info")) == calls


def test_when_slack_cannot_say_nobody_is_an_admin() -> None:
    with SlackStandIn() as slack:
        slack.add_user("U0ADMIN", is_admin=True)
        client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=2)
        slack.inject("users.info", error="fatal_error")
        assert not may_change_team(client, team(["U0BOB"]), "U0ADMIN")
