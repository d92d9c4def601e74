"""Deploy and incident events arriving at a team's hooks (``POST /hooks/deploys``,
``POST /hooks/incidents``), and what they do to the team's board.

The HTTP side (``bot/serve/hooks.py``) caps the body, reads the bearer token and limits
its rate; this module decides the rest, in ONE unit of work per event:

1. whom the token belongs to (:func:`authenticate`: looked up by its hash);
2. the body, checked field by field (``conversations/evidence.py``): a bad one is refused
   with the field named;
3. the event kept once (an id the team sent before counts once, the first one stands);
4. the team's events of the window (``EVIDENCE_WINDOW_DAYS``, 14 by default) measured
   again, and each measurement kept. Where no person has given the criterion a value (it
   is not on the board, not answered, or last set by evidence) the measurement sets it —
   source ``evidence``, its words as the change's evidence — and the level follows
   (:func:`levels.follow`, announced like any level change). Where a person's value
   stands, it is never overridden: the board shows the measurement beside it.

GitHub Actions (``bot/usecases/github_poll.py``) keeps its runs as deploy events and
remeasures the same way (:func:`remeasure`).

**Expiry.** A measurement rests on the events of the window only. When the window holds
nothing that measures a criterion any more (the source went quiet: no deploys, no
incidents), the measurement is removed; where it had set the criterion (source
``evidence``), the criterion goes back to *not answered* — a claim nobody makes and
nothing measures is not kept — with "no longer measured: … in the last 14 days" as the
change's evidence, and the level follows (a person's answer, or a check-in, sets it
again). Where a person's answer stands, only the measurement beside it goes. The hourly
housekeeping (:func:`expire_quiet`) finds teams whose sources went quiet; every event and
every poll remeasures its team too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.deps import Deps
from bot.usecases import levels
from conversations.board import Source, status_of
from conversations.evidence import (
    MEASURES,
    DeployEvent,
    IncidentEvent,
    Kind,
    Measurement,
    Problem,
    is_context,
    measure_deploys,
    measure_incidents,
    quiet_words,
    read_deploy,
    read_incident,
)
from conversations.scoring import Status
from storage.criteria import change_criterion, criteria_board, lock_team
from storage.db import read_scope, session_scope
from storage.evidence import (
    HookOwner,
    add_event,
    deploys_since,
    forget_measurement,
    incidents_since,
    keep_measurement,
    measured_teams,
    owner_of_token,
)
from storage.models import Team
from storage.types import utcnow

KINDS = {"deploys": Kind.DEPLOY, "incidents": Kind.INCIDENT}


@dataclass(frozen=True)
class HookAnswer:
    """What the hook answers: an HTTP status and a JSON body."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def authenticate(engine: Engine, token: str) -> HookOwner | None:
    """The team a bearer token belongs to, or None (no such token)."""
    with read_scope(engine) as session:
        return owner_of_token(session=session, token=token)


def receive(
    engine: Engine, owner: HookOwner, kind: Kind, raw: bytes, *, window_days: int
) -> HookAnswer:
    """One event for ``owner``'s team: 400 naming the field for a bad body, else 202
    (``duplicate`` when the team sent this id before)."""
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _bad(Problem("", "the body is not JSON"))
    event = read_deploy(body) if kind is Kind.DEPLOY else read_incident(body)
    if isinstance(event, Problem):
        return _bad(event)
    with session_scope(engine) as session:
        team = lock_team(session=session, workspace_id=owner.workspace_id, team_id=owner.team_id)
        if team is None:  # deleted while the request was on its way (its token went too)
            return HookAnswer(401, {"error": "unknown token"})
        if not add_event(
            session=session, workspace_id=owner.workspace_id, team_id=owner.team_id, event=event
        ):
            return HookAnswer(202, {"accepted": True, "duplicate": True, "id": event.id})
        moved = remeasure(session, owner.workspace_id, team, (kind,), window_days=window_days)
    return HookAnswer(
        202, {"accepted": True, "duplicate": False, "id": event.id, "criteria_moved": moved}
    )


def _bad(problem: Problem) -> HookAnswer:
    return HookAnswer(400, {"error": problem.message, "field": problem.field})


def remeasure(
    session: Session,
    ws: int,
    team: Team,
    kinds: Iterable[Kind] = (Kind.DEPLOY, Kind.INCIDENT),
    *,
    window_days: int,
    now: datetime | None = None,
) -> list[str]:
    """Measure ``team``'s events of the window again (of ``kinds``), in the caller's unit
    of work: keep each measurement, remove the ones nothing measures any more, move the
    criteria no person holds, and the level follows. The ids of the criteria it moved."""
    assert team.id is not None
    since = (now or utcnow()) - timedelta(days=window_days)
    measured: list[Measurement] = []
    covered: list[str] = []
    for kind in kinds:
        measured += _measure(session, ws, team.id, kind, since, window_days)
        covered += MEASURES[kind]
    gone = [cid for cid in covered if cid not in {m.criterion_id for m in measured}]
    return _apply(session, ws, team, measured, gone, window_days)


def expire_quiet(deps: Deps) -> int:
    """Remeasure every team that has measurements (the hourly housekeeping): those whose
    sources went quiet lose them. How many criteria moved."""
    with read_scope(deps.engine) as session:
        teams = measured_teams(session=session)
    moved = 0
    for ws, team_id in teams:
        with session_scope(deps.engine) as session:
            team = lock_team(session=session, workspace_id=ws, team_id=team_id)
            if team is not None:
                moved += len(
                    remeasure(session, ws, team, window_days=deps.settings.evidence_window_days)
                )
    return moved


def _measure(
    session: Session, ws: int, team_id: int, kind: Kind, since: datetime, window_days: int
) -> list[Measurement]:
    if kind is Kind.DEPLOY:
        deploys: list[DeployEvent] = deploys_since(
            session=session, workspace_id=ws, team_id=team_id, since=since
        )
        return measure_deploys(deploys, window_days=window_days)
    incidents: list[IncidentEvent] = incidents_since(
        session=session, workspace_id=ws, team_id=team_id, since=since
    )
    return measure_incidents(incidents, window_days=window_days)


def _apply(
    session: Session,
    ws: int,
    team: Team,
    measured: list[Measurement],
    gone: list[str],
    window_days: int,
) -> list[str]:
    """Keep each measurement; set the criteria no person has given a value; undo what a
    measurement that is ``gone`` had set; the level follows. The ids of the criteria it
    moved."""
    assert team.id is not None
    team_id = team.id
    board = criteria_board(session=session, workspace_id=ws, team_id=team_id)
    moved: list[str] = []
    for m in measured:
        keep_measurement(session=session, workspace_id=ws, team_id=team_id, measured=m)
        if is_context(m.criterion_id):
            continue  # a scale fact: kept beside the board, never on it
        row = board.get(m.criterion_id)
        if row is not None and not _unanswered_or_measured(row.source, row.status):
            continue  # a person's value stands; the board shows the measurement beside it
        if row is not None and (row.status, row.value) == (str(m.status), m.value):
            continue  # measured as it stands: nothing new for the history
        change_criterion(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            criterion_id=m.criterion_id,
            status=m.status,
            value=m.value,
            source=Source.EVIDENCE,
            evidence=m.evidence,
        )
        moved.append(m.criterion_id)
    for cid in gone:
        was = forget_measurement(session=session, workspace_id=ws, team_id=team_id, measured_id=cid)
        row = board.get(cid)
        if was is None or is_context(cid) or row is None or row.source != Source.EVIDENCE:
            continue
        if status_of(row.status) is Status.UNKNOWN:
            continue
        change_criterion(
            session=session,
            workspace_id=ws,
            team_id=team_id,
            criterion_id=cid,
            status=Status.UNKNOWN,
            value=None,
            source=Source.EVIDENCE,
            evidence=quiet_words(cid, window_days=window_days),
        )
        moved.append(cid)
    if moved:
        session.flush()
        levels.follow(session, ws, team, user_id="", source=Source.EVIDENCE, criterion_id=moved[0])
    return moved


def _unanswered_or_measured(source: str, status: str) -> bool:
    return source == Source.EVIDENCE or status_of(status) is Status.UNKNOWN
