"""What every service takes and gives: who acts where, and what to tell them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from storage.workspaces import get_or_create_workspace


@dataclass(frozen=True)
class Where:
    """Who acts, in which workspace and channel (plain values from the payload)."""

    team_id: str
    enterprise_id: str | None
    user_id: str
    channel_id: str = ""
    channel_name: str = ""


@dataclass
class Reply:
    """What to tell the person, ephemerally, where they acted; ``replace`` puts it in
    place of the message they acted on (a page turned, a preview confirmed)."""

    text: str
    blocks: list[dict] = field(default_factory=list)
    replace: bool = False


def workspace_id_for(session: Session, where: Where) -> int:
    """The workspace row every query of this request is keyed by."""
    ws = get_or_create_workspace(
        session=session, slack_team_id=where.team_id, enterprise_id=where.enterprise_id
    )
    assert ws.id is not None
    return ws.id
