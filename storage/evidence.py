"""Evidence in the database: each team's hook token (its SHA-256 only), the deploy and
incident events its hooks received (an id counts once per team and kind), and what they
measure about the criteria.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select as columns  # many columns at once (sqlmodel's stops at 4)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from conversations.board import status_of
from conversations.evidence import DeployEvent, IncidentEvent, Kind, Measurement, still_kept
from storage.models import EvidenceEvent, EvidenceMeasurement, GitHubSource, HookToken
from storage.types import utcnow

TOKEN_PREFIX = "mbh_"  # noqa: S105 - recognisable (secret scanners, a glance at a CI setting)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class HookOwner:
    """Whom a hook token belongs to: one team of one workspace."""

    workspace_id: int
    team_id: int
    token_hash: str


def rotate_token(*, session: Session, workspace_id: int, team_id: int, user_id: str) -> str:
    """A new token for the team, replacing any it had; the token itself (only its hash is
    kept: this is the one moment it can be shown)."""
    token = new_token()
    row = session.exec(
        select(HookToken).where(
            HookToken.workspace_id == workspace_id, HookToken.team_id == team_id
        )
    ).first()
    if row is None:
        row = HookToken(workspace_id=workspace_id, team_id=team_id, token_hash="")
    row.token_hash, row.created_by, row.created_at = hash_token(token), user_id, utcnow()
    session.add(row)
    session.flush()
    return token


def token_of(*, session: Session, workspace_id: int, team_id: int) -> HookToken | None:
    return session.exec(
        select(HookToken).where(
            HookToken.workspace_id == workspace_id, HookToken.team_id == team_id
        )
    ).first()


def owner_of_token(*, session: Session, token: str) -> HookOwner | None:
    """The team a presented token belongs to, or None. Looked up by its hash (an index),
    then compared in constant time."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = session.exec(select(HookToken).where(HookToken.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return HookOwner(row.workspace_id, row.team_id, row.token_hash)


# ------------------------------------------------------------------ events


def add_event(
    *, session: Session, workspace_id: int, team_id: int, event: DeployEvent | IncidentEvent
) -> bool:
    """Keep an event; False when the team already has one of its kind with its id (the
    first one stands)."""
    kind = Kind.DEPLOY if isinstance(event, DeployEvent) else Kind.INCIDENT
    seen = session.exec(
        select(EvidenceEvent.id).where(
            EvidenceEvent.team_id == team_id,
            EvidenceEvent.kind == kind,
            EvidenceEvent.external_id == event.id,
        )
    ).first()
    if seen is not None:
        return False
    row = EvidenceEvent(
        workspace_id=workspace_id,
        team_id=team_id,
        kind=kind,
        external_id=event.id,
        service=event.service,
        started_at=event.started_at if isinstance(event, DeployEvent) else event.opened_at,
    )
    if isinstance(event, DeployEvent):
        row.source = event.source
        row.environment, row.succeeded = event.environment, event.succeeded
        row.finished_at = event.finished_at
        row.rolled_back, row.automated_rollback = event.rolled_back, event.automated_rollback
        row.approval_required = event.approval_required
    else:
        row.finished_at, row.automatic = event.resolved_at, event.automatic
    try:
        with session.begin_nested():  # the same id arriving at the same moment
            session.add(row)
    except IntegrityError:
        return False
    return True


def _window(workspace_id: int, team_id: int, kind: Kind, since: datetime) -> list[Any]:
    """The conditions that pick a team's events of one kind since a time (the index
    ``ix_evidence_event_window`` answers them)."""
    return [
        col(EvidenceEvent.workspace_id) == workspace_id,
        col(EvidenceEvent.team_id) == team_id,
        col(EvidenceEvent.kind) == kind,
        col(EvidenceEvent.started_at) >= since,
    ]


def deploys_since(
    *, session: Session, workspace_id: int, team_id: int, since: datetime
) -> list[DeployEvent]:
    # Columns, not entities: a window of thousands of events is read as plain tuples
    # (several times faster than building an ORM object per row; bench/evidence.py).
    rows = session.execute(
        columns(
            col(EvidenceEvent.external_id),
            col(EvidenceEvent.service),
            col(EvidenceEvent.environment),
            col(EvidenceEvent.succeeded),
            col(EvidenceEvent.started_at),
            col(EvidenceEvent.finished_at),
            col(EvidenceEvent.rolled_back),
            col(EvidenceEvent.automated_rollback),
            col(EvidenceEvent.approval_required),
            col(EvidenceEvent.source),
        ).where(*_window(workspace_id, team_id, Kind.DEPLOY, since))
    )
    return [
        DeployEvent(
            id=external_id,
            service=service,
            environment=environment,
            succeeded=bool(succeeded),
            started_at=started_at,
            finished_at=finished_at or started_at,
            rolled_back=rolled_back,
            automated_rollback=automated_rollback,
            approval_required=approval_required,
            source=source,
        )
        for (
            external_id,
            service,
            environment,
            succeeded,
            started_at,
            finished_at,
            rolled_back,
            automated_rollback,
            approval_required,
            source,
        ) in rows
    ]


def incidents_since(
    *, session: Session, workspace_id: int, team_id: int, since: datetime
) -> list[IncidentEvent]:
    rows = session.execute(
        columns(
            col(EvidenceEvent.external_id),
            col(EvidenceEvent.service),
            col(EvidenceEvent.started_at),
            col(EvidenceEvent.finished_at),
            col(EvidenceEvent.automatic),
        ).where(*_window(workspace_id, team_id, Kind.INCIDENT, since))
    )
    return [
        IncidentEvent(
            id=external_id,
            service=service,
            opened_at=started_at,
            resolved_at=finished_at,
            automatic=bool(automatic),
        )
        for external_id, service, started_at, finished_at, automatic in rows
    ]


# ------------------------------------------------------------------ measurements


def keep_measurement(
    *, session: Session, workspace_id: int, team_id: int, measured: Measurement
) -> EvidenceMeasurement:
    row = session.exec(
        select(EvidenceMeasurement).where(
            EvidenceMeasurement.workspace_id == workspace_id,
            EvidenceMeasurement.team_id == team_id,
            EvidenceMeasurement.criterion_id == measured.criterion_id,
        )
    ).first()
    if row is None:
        row = EvidenceMeasurement(
            workspace_id=workspace_id,
            team_id=team_id,
            criterion_id=measured.criterion_id,
            status=str(measured.status),
        )
    row.status, row.value = str(measured.status), measured.value
    row.evidence, row.events, row.measured_at = measured.evidence[:500], measured.events, utcnow()
    session.add(row)
    return row


def measurements_of(
    *, session: Session, workspace_id: int, team_id: int
) -> dict[str, EvidenceMeasurement]:
    rows = session.exec(
        select(EvidenceMeasurement).where(
            EvidenceMeasurement.workspace_id == workspace_id,
            EvidenceMeasurement.team_id == team_id,
        )
    )
    return {row.criterion_id: row for row in rows}


def forget_measurement(
    *, session: Session, workspace_id: int, team_id: int, measured_id: str
) -> EvidenceMeasurement | None:
    """Remove what was measured about ``measured_id`` (the window holds nothing that
    measures it any more); the row removed, or None when there was none."""
    row = session.exec(
        select(EvidenceMeasurement).where(
            EvidenceMeasurement.workspace_id == workspace_id,
            EvidenceMeasurement.team_id == team_id,
            EvidenceMeasurement.criterion_id == measured_id,
        )
    ).first()
    if row is not None:
        session.delete(row)
    return row


def measured_teams(*, session: Session) -> list[tuple[int, int]]:
    """``(workspace_id, team_id)`` of every team with a measurement kept (the teams whose
    measurements may have expired since)."""
    rows = session.exec(
        select(EvidenceMeasurement.workspace_id, EvidenceMeasurement.team_id).distinct()
    )
    return [(ws, team) for ws, team in rows]


# ------------------------------------------------------------------ GitHub Actions


def github_source_of(*, session: Session, workspace_id: int, team_id: int) -> GitHubSource | None:
    return session.exec(
        select(GitHubSource).where(
            GitHubSource.workspace_id == workspace_id, GitHubSource.team_id == team_id
        )
    ).first()


def connect_github(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    repo: str,
    workflow: str,
    user_id: str,
) -> GitHubSource:
    """Point the team at ``repo`` (and ``workflow``): its token (if any) is kept, what was
    learnt about the previous repository (its ETag, a rate-limit wait) is not."""
    row = github_source_of(session=session, workspace_id=workspace_id, team_id=team_id)
    if row is None:
        row = GitHubSource(workspace_id=workspace_id, team_id=team_id)
    row.repo, row.workflow, row.created_by = repo, workflow, user_id
    row.etag, row.resume_at, row.polled_at, row.outcome = "", None, None, ""
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def keep_github_token(
    *, session: Session, workspace_id: int, team_id: int, sealed: str, user_id: str
) -> GitHubSource:
    """Keep the team's own GitHub token, ``sealed`` (ciphertext: never the token itself)."""
    row = github_source_of(session=session, workspace_id=workspace_id, team_id=team_id)
    if row is None:
        row = GitHubSource(workspace_id=workspace_id, team_id=team_id, created_by=user_id)
    row.token, row.token_set_by, row.etag, row.updated_at = sealed, user_id, "", utcnow()
    session.add(row)
    session.flush()
    return row


def disconnect_github(*, session: Session, workspace_id: int, team_id: int) -> bool:
    """Forget the team's GitHub connection and its token; False when it had none."""
    result = session.execute(
        delete(GitHubSource)
        .where(col(GitHubSource.workspace_id) == workspace_id, col(GitHubSource.team_id) == team_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def measurement_of(
    *, session: Session, workspace_id: int, team_id: int, criterion_id: str
) -> EvidenceMeasurement | None:
    return session.exec(
        select(EvidenceMeasurement).where(
            EvidenceMeasurement.workspace_id == workspace_id,
            EvidenceMeasurement.team_id == team_id,
            EvidenceMeasurement.criterion_id == criterion_id,
        )
    ).first()


def set_override(*, row: EvidenceMeasurement, user_id: str) -> None:
    """``user_id`` keeps their own value over the measurement as it stands (empty: nobody
    does any more); the caller's session saves it."""
    row.kept_by = user_id
    row.kept_status, row.kept_value = (row.status, row.value) if user_id else ("", None)


def measurement(row: EvidenceMeasurement) -> Measurement:
    """A kept measurement as the domain sees it; ``kept_by`` only while the person's
    override still stands over what it measures now."""
    measured = Measurement(
        row.criterion_id, status_of(row.status), row.value, row.evidence, row.events
    )
    if row.kept_by and still_kept(measured, row.kept_status, row.kept_value):
        return replace(measured, kept_by=row.kept_by)
    return measured
