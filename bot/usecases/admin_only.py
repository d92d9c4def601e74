"""What only a workspace admin may do (export every team, export or delete everything the
bot keeps for the workspace): asked of Slack each time, and refused when Slack cannot say."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import people
from bot.slack.errors import UserFacingError


def require_admin(client: WebClient, user_id: str, *, doing: str, instead: str = "") -> None:
    """Refuse (politely, changing nothing) unless ``user_id`` administers the workspace.

    ``doing`` completes "Only a workspace admin can …"; ``instead`` follows it (what was
    left alone, what the person can do instead). When Slack does not answer, the answer is
    no (a role check fails closed).
    """
    person = people.lookup(client, user_id)
    if person.is_admin:
        return
    if not person.known:
        raise UserFacingError(
            "I couldn't check with Slack that you're a workspace admin just now, so I did "
            "nothing. Please try again in a minute."
        )
    raise UserFacingError(f"Only a workspace admin can {doing}. {instead}".strip())
