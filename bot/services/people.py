"""Who someone is, as far as the bot needs: their time zone and whether they administer
the workspace (admins may change what others set up)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger("maturity_bot.people")


@dataclass(frozen=True)
class Person:
    user_id: str
    tz: str = "UTC"
    is_admin: bool = False


def lookup(client: WebClient, user_id: str) -> Person:
    """users.info, reduced to what we use; a failed lookup means UTC and no admin rights."""
    try:
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, KeyError, TypeError):
        logger.info("users.info failed for %s; assuming UTC and no admin rights", user_id)
        return Person(user_id)
    tz = str(user.get("tz") or "UTC")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        tz = "UTC"  # a zone this machine's tz database does not know
    return Person(
        user_id=user_id,
        tz=tz,
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
    )
