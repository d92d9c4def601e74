"""Slack redelivers an event it thinks we missed: each ``event_id`` is acted on once."""

from __future__ import annotations

import logging

from bot.deps import Deps
from storage.db import session_scope
from storage.events import first_delivery as record_delivery

logger = logging.getLogger("maturity_bot.events")


def first_delivery(deps: Deps, event_id: str) -> bool:
    """True unless this event was handled before (checked after the acknowledgement, on
    the work pool: the database is never waited on before Slack has its answer)."""
    if not event_id:
        return True
    with session_scope(deps.engine) as session:
        if record_delivery(session=session, event_id=event_id):
            return True
    logger.info("dropping redelivered event %s", event_id)
    return False
