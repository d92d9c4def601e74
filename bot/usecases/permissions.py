"""Who may change a team's criteria and settings: its owners, and workspace admins.

One function, used wherever a team is changed (the board's *Update* button when it is
clicked and when its modal is submitted, ``/maturity set``, team settings). Anyone may
view a team; only this decides who may change it. It is decided from the team as stored
and the person acting, never from anything a payload or a modal's metadata carried.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import people
from storage.models import Team


def owners_of(team: Team) -> list[str]:
    """The team's owners: those set, else (until someone sets them) the person who
    created the team; empty when neither is known."""
    if team.owners:
        return [str(owner) for owner in team.owners if owner]
    return [team.created_by] if team.created_by else []


def may_change_team(client: WebClient, team: Team, user_id: str) -> bool:
    """True for one of the team's owners (see :func:`owners_of`) or a workspace admin.

    The admin check asks Slack (``users.info``, cached); when Slack cannot say, the answer
    is no — a role check fails closed.
    """
    if not user_id:
        return False
    if user_id in owners_of(team):
        return True
    return people.lookup(client, user_id).is_admin
