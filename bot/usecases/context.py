"""What every use case takes: who acts, where, and the workspace row they act in."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import event
from sqlmodel import Session, select

from storage.db import engine_of, is_read_only, session_scope
from storage.models import Workspace
from storage.workspaces import get_or_create_workspace, mark_installed


@dataclass(frozen=True)
class Where:
    """Who acts, in which Slack workspace and channel (plain values from the payload).

    ``slack_team_id`` is the Slack *workspace* id (``T…``); a coached team is a ``Team``
    row, always called ``team`` / ``team_id`` elsewhere.
    """

    slack_team_id: str
    enterprise_id: str | None
    user_id: str
    channel_id: str = ""
    channel_name: str = ""


# Workspace rows never change id, so each process remembers them: a request resolves its
# workspace without a query (and without a write) after the first time. Entries expire so
# a workspace deleted elsewhere (uninstalled, then purged) is not remembered for ever.
WORKSPACE_CACHE_S = 600.0
_workspaces: dict[tuple[str, str, str], tuple[float, int]] = {}
_lock = threading.Lock()


def workspace_id_for(session: Session, where: Where) -> int:
    """The id of the workspace row every query of this request is keyed by.

    Created on first sight. In a read-only unit of work the row is created in a short
    unit of work of its own; in a writing one, with it (and remembered once it commits).
    """
    engine = engine_of(session)
    key = (str(engine.url), where.slack_team_id, where.enterprise_id or "")
    now = time.monotonic()
    with _lock:
        hit = _workspaces.get(key)
    if hit is not None and now - hit[0] < WORKSPACE_CACHE_S:
        return hit[1]
    row = session.exec(
        select(Workspace.id, Workspace.uninstalled_at).where(
            Workspace.slack_team_id == where.slack_team_id,
            Workspace.enterprise_id == (where.enterprise_id or ""),
        )
    ).first()
    found = row[0] if row is not None else None
    if row is not None and row[1] is not None:
        # Slack sends nothing for a workspace the app left: a request means it is back.
        if is_read_only(session):
            with session_scope(engine) as writer:
                _back(writer, where)
        else:
            _back(session, where)
    if found is None:
        if is_read_only(session):
            with session_scope(engine) as writer:
                found = _create(writer, where)
        else:
            found = _create(session, where)
            session.info.setdefault("workspaces_on_commit", []).append((key, found))
            return found
    _remember(key, found)
    return found


def _back(session: Session, where: Where) -> None:
    mark_installed(
        session=session, slack_team_id=where.slack_team_id, enterprise_id=where.enterprise_id
    )


def _create(session: Session, where: Where) -> int:
    ws = get_or_create_workspace(
        session=session, slack_team_id=where.slack_team_id, enterprise_id=where.enterprise_id
    )
    assert ws.id is not None
    return ws.id


def _remember(key: tuple[str, str, str], workspace_id: int) -> None:
    with _lock:
        if len(_workspaces) > 10_000:
            _workspaces.clear()
        _workspaces[key] = (time.monotonic(), workspace_id)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    for key, workspace_id in session.info.pop("workspaces_on_commit", []):
        _remember(key, workspace_id)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("workspaces_on_commit", None)


def forget_workspaces() -> None:
    """Drop every remembered workspace id (tests; after deleting a workspace's data)."""
    with _lock:
        _workspaces.clear()
