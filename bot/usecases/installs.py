"""The app leaving a workspace, and coming back.

``app_uninstalled`` (or the bot token revoked) deletes the workspace's tokens at once, stops
its scheduled posts and starts the retention period (``DATA_RETENTION_DAYS``, 30 by
default): its teams, boards and history are kept that long so a reinstall finds them, then
deleted by the hourly housekeeping. Any request from the workspace, or a new install, ends
the retention: the app is there again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.oauth.installation_store import InstallationStore

from bot.deps import Deps
from bot.usecases.context import Where, forget_workspaces
from storage.db import session_scope
from storage.types import utcnow
from storage.workspaces import mark_uninstalled, purge_workspace, uninstalled_before

logger = logging.getLogger("maturity_bot.installs")


def uninstalled(deps: Deps, where: Where, store: InstallationStore | None) -> None:
    """The app was removed from the workspace (``app_uninstalled``)."""
    if store is not None:
        store.delete_all(enterprise_id=where.enterprise_id, team_id=where.slack_team_id)
    _leave(deps, where)


def tokens_revoked(
    deps: Deps,
    where: Where,
    store: InstallationStore | None,
    *,
    bot: bool,
    user_ids: list[str],
) -> None:
    """Tokens were revoked (``tokens_revoked``): forget them; without its bot token the app
    can do nothing in the workspace, as if uninstalled."""
    if store is not None:
        for user_id in user_ids:
            store.delete_installation(
                enterprise_id=where.enterprise_id, team_id=where.slack_team_id, user_id=user_id
            )
        if bot:
            store.delete_bot(enterprise_id=where.enterprise_id, team_id=where.slack_team_id)
    if bot:
        _leave(deps, where)


def _leave(deps: Deps, where: Where) -> None:
    with session_scope(deps.engine) as session:
        mark_uninstalled(
            session=session,
            slack_team_id=where.slack_team_id,
            enterprise_id=where.enterprise_id,
            at=utcnow(),
        )
    forget_workspaces()  # the next request from it must look again (and end the retention)
    logger.info("left workspace %s: tokens deleted, posts stopped", where.slack_team_id)


def purge_departed(deps: Deps, *, now: datetime | None = None) -> int:
    """Delete the data of every workspace uninstalled longer ago than the retention period;
    how many workspaces were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=deps.settings.data_retention_days)
    with session_scope(deps.engine) as session:
        due = uninstalled_before(session=session, cutoff=cutoff)
    for workspace_id in due:
        with session_scope(deps.engine) as session:
            counts = purge_workspace(session=session, workspace_id=workspace_id)
        logger.info("deleted the data of uninstalled workspace %s: %s", workspace_id, counts)
    if due:
        forget_workspaces()
    return len(due)
