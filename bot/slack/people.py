"""Who someone is, as far as the bot needs: their time zone and whether they administer
the workspace (admins may change what others set up)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient

logger = logging.getLogger("maturity_bot.people")


@dataclass(frozen=True)
class Person:
    """``known`` is False when Slack could not say (users.info failed or timed out): the
    person then counts as no admin — a role check fails closed — and in UTC."""

    user_id: str
    tz: str = "UTC"
    is_admin: bool = False
    known: bool = True


CACHE_S = 600.0
_cache: dict[str, tuple[float, Person]] = {}
_lock = threading.Lock()


def lookup(client: WebClient, user_id: str) -> Person:
    """users.info, reduced to what we use; a failed lookup means UTC and no admin rights.

    Answers are kept for 10 minutes per token and user: a permission check may run before a
    modal's acknowledgement, where a 429 retry must not eat Slack's 3 seconds.
    """
    key = f"{client.token}:{user_id}"
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_S:
        return hit[1]
    person = _fetch(client, user_id)
    if not person.known:
        return person  # not remembered: the next check asks Slack again
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (now, person)
    return person


def _fetch(client: WebClient, user_id: str) -> Person:
    try:
        user = client.users_info(user=user_id)["user"]
    except Exception:  # a Slack error, a timeout, a dropped connection: fail closed
        logger.info("users.info failed for %s; assuming UTC and no admin rights", user_id)
        return Person(user_id, known=False)
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


def forget() -> None:
    """Drop every cached answer (tests; or after a user changed their profile)."""
    with _lock:
        _cache.clear()
