"""Slack redelivers an event it thinks we missed: act on each ``event_id`` once."""

from __future__ import annotations

import logging
from typing import Any

from bot.deps import Deps
from storage.db import session_scope
from storage.events import first_delivery

logger = logging.getLogger("maturity_bot.events")


def first_delivery_of(deps: Deps, body: dict[str, Any]) -> bool:
    """True unless this event was handled before (checked after the acknowledgement, on
    the work pool: the database is never waited on before Slack has its answer)."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return True
    with session_scope(deps.engine) as session:
        if first_delivery(session=session, event_id=str(event_id)):
            return True
    logger.info("dropping redelivered event %s", event_id)
    return False
