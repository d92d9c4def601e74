"""Weekly check-ins and people away: data access (issue 13).

A check-in's schedules are ``schedules`` rows of kind ``checkin`` (one per owner of a
team, each in that person's zone) whose payload names the team; its follow-up (the one
reminder, then closing it) is a one-off of kind ``checkin_followup``. Everything a
sending needs is read in a constant number of queries, whatever the workspace's size.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import (
    Away,
    Calibration,
    CheckIn,
    CheckInMember,
    CheckInStatus,
    CriterionEvent,
    CriterionStatus,
    Schedule,
    ScheduleKind,
)
from storage.types import utcnow

RECENT = timedelta(days=7)


# ------------------------------------------------------------------ schedules


def team_schedules(
    *, session: Session, workspace_id: int, team_id: int, active_only: bool = True
) -> list[Schedule]:
    """The team's weekly check-in schedules (one per owner)."""
    stmt = select(Schedule).where(
        Schedule.workspace_id == workspace_id,
        Schedule.kind == ScheduleKind.CHECKIN,
        col(Schedule.payload)["team_id"].as_integer() == team_id,
    )
    if active_only:
        stmt = stmt.where(col(Schedule.active).is_(True))
    return list(session.exec(stmt.order_by(col(Schedule.id))))


def person_schedules(*, session: Session, workspace_id: int, user_id: str) -> list[Schedule]:
    """A person's active weekly check-in schedules, every team of theirs."""
    return list(
        session.exec(
            select(Schedule)
            .where(
                Schedule.workspace_id == workspace_id,
                Schedule.kind == ScheduleKind.CHECKIN,
                Schedule.user_id == user_id,
                col(Schedule.active).is_(True),
            )
            .order_by(col(Schedule.id))
        )
    )


def retire(*, session: Session, schedules: list[Schedule]) -> None:
    for schedule in schedules:
        schedule.active = False
        schedule.updated_at = utcnow()
        session.add(schedule)


def scheduled_team_ids(*, session: Session, workspace_id: int, team_ids: list[int]) -> set[int]:
    """Which of ``team_ids`` have weekly check-ins on (one query)."""
    if not team_ids:
        return set()
    found = session.exec(
        select(Schedule.payload).where(
            Schedule.workspace_id == workspace_id,
            Schedule.kind == ScheduleKind.CHECKIN,
            col(Schedule.active).is_(True),
            col(Schedule.payload)["team_id"].as_integer().in_(team_ids),
        )
    )
    return {int(p["team_id"]) for p in found if (p or {}).get("team_id") in set(team_ids)}


# ------------------------------------------------------------------ check-ins


def get_checkin(
    *, session: Session, workspace_id: int, checkin_id: int, lock: bool = False
) -> CheckIn | None:
    stmt = select(CheckIn).where(CheckIn.workspace_id == workspace_id, CheckIn.id == checkin_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.exec(stmt).first()


def checkin_of(
    *, session: Session, workspace_id: int, team_id: int, user_id: str, period: str
) -> CheckIn | None:
    return session.exec(
        select(CheckIn).where(
            CheckIn.workspace_id == workspace_id,
            CheckIn.team_id == team_id,
            CheckIn.user_id == user_id,
            CheckIn.period == period,
        )
    ).first()


def checkin_this_week(
    *, session: Session, workspace_id: int, user_id: str, period: str
) -> CheckIn | None:
    """The person's check-in of this week, whichever team it is about (at most one DM a
    week)."""
    return session.exec(
        select(CheckIn)
        .where(
            CheckIn.workspace_id == workspace_id,
            CheckIn.user_id == user_id,
            CheckIn.period == period,
        )
        .order_by(col(CheckIn.id))
    ).first()


def last_asked(
    *, session: Session, workspace_id: int, user_id: str, team_ids: list[int]
) -> dict[int, datetime]:
    """When the person was last asked about each of ``team_ids`` (never: absent)."""
    if not team_ids:
        return {}
    rows = session.exec(
        select(CheckIn.team_id, func.max(CheckIn.sent_at))
        .where(
            CheckIn.workspace_id == workspace_id,
            CheckIn.user_id == user_id,
            col(CheckIn.team_id).in_(team_ids),
        )
        .group_by(col(CheckIn.team_id))
    )
    return {team_id: at for team_id, at in rows if at is not None}


def start_checkin(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    user_id: str,
    period: str,
    schedule_id: int | None,
    questions: list[str],
    respond_by: datetime,
    sent_at: datetime | None = None,
) -> CheckIn | None:
    """The check-in row, written before anything is posted; None when this person was
    already asked this week, about any team (the unique key decides, across processes)."""
    row = CheckIn(
        workspace_id=workspace_id,
        team_id=team_id,
        user_id=user_id,
        period=period,
        schedule_id=schedule_id,
        questions=list(questions),
        respond_by=respond_by,
        sent_at=sent_at or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def open_checkins_in(
    *, session: Session, workspace_id: int, dm_channel: str, user_id: str
) -> list[CheckIn]:
    """The person's open check-ins in this DM, newest first."""
    return list(
        session.exec(
            select(CheckIn)
            .where(
                CheckIn.workspace_id == workspace_id,
                CheckIn.user_id == user_id,
                CheckIn.dm_channel == dm_channel,
                CheckIn.status == CheckInStatus.OPEN,
            )
            .order_by(col(CheckIn.sent_at).desc())
        )
    )


def board_known(
    *, session: Session, workspace_id: int, team_id: int
) -> dict[str, tuple[str, datetime]]:
    """criterion id -> (status, when somebody last said so) for the team's board."""
    return {
        cid: (status, at)
        for cid, status, at in session.exec(
            select(
                CriterionStatus.criterion_id, CriterionStatus.status, CriterionStatus.updated_at
            ).where(
                CriterionStatus.workspace_id == workspace_id, CriterionStatus.team_id == team_id
            )
        )
    }


def recent_changes(
    *, session: Session, workspace_id: int, team_id: int, since: datetime, limit: int = 5
) -> list[CriterionEvent]:
    """The team's board changes since ``since``, newest first (at most ``limit``)."""
    return list(
        session.exec(
            select(CriterionEvent)
            .where(
                CriterionEvent.workspace_id == workspace_id,
                CriterionEvent.team_id == team_id,
                col(CriterionEvent.created_at) >= since,
            )
            .order_by(col(CriterionEvent.created_at).desc(), col(CriterionEvent.id).desc())
            .limit(limit)
        )
    )


def last_checkins(
    *, session: Session, workspace_id: int, team_ids: list[int], since: datetime
) -> dict[int, list[CheckIn]]:
    """Each team's check-ins sent since ``since`` (one query)."""
    out: dict[int, list[CheckIn]] = {t: [] for t in team_ids}
    if not team_ids:
        return out
    for row in session.exec(
        select(CheckIn).where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.team_id).in_(team_ids),
            col(CheckIn.sent_at) >= since,
        )
    ):
        out[row.team_id].append(row)
    return out


# ------------------------------------------------------------------ away


def away_until(
    *, session: Session, workspace_id: int, user_id: str, now: datetime | None = None
) -> datetime | None:
    """When the person is back, while they are away; None when they are here."""
    until = session.exec(
        select(Away.until).where(Away.workspace_id == workspace_id, Away.user_id == user_id)
    ).first()
    return until if until is not None and until > (now or utcnow()) else None


def away_of(
    *, session: Session, workspace_id: int, user_ids: list[str], now: datetime | None = None
) -> dict[str, datetime]:
    """Who of ``user_ids`` is away, and until when (one query)."""
    if not user_ids:
        return {}
    now = now or utcnow()
    return {
        user: until
        for user, until in session.exec(
            select(Away.user_id, Away.until).where(
                Away.workspace_id == workspace_id, col(Away.user_id).in_(user_ids)
            )
        )
        if until > now
    }


def set_away(*, session: Session, workspace_id: int, user_id: str, until: datetime | None) -> None:
    """Away until ``until`` (None: back now)."""
    session.execute(
        delete(Away)
        .where(col(Away.workspace_id) == workspace_id, col(Away.user_id) == user_id)
        .execution_options(synchronize_session=False)
    )
    if until is not None:
        session.add(Away(workspace_id=workspace_id, user_id=user_id, until=until))
        session.flush()


# ------------------------------------------------------------------ calibration


def week_answers(
    *,
    session: Session,
    workspace_id: int,
    team_id: int,
    criterion_id: str,
    since: datetime,
    but: int,
) -> dict[str, tuple[str, str]]:
    """What the team's other check-ins since ``since`` (all but check-in ``but``) answered
    about one criterion: person -> (their latest answer, the note they gave with it)."""
    out: dict[str, tuple[datetime, str, str]] = {}
    for row in session.exec(
        select(CheckIn).where(
            CheckIn.workspace_id == workspace_id,
            CheckIn.team_id == team_id,
            col(CheckIn.sent_at) >= since,
            CheckIn.id != but,
        )
    ):
        raw = (row.answers or {}).get(criterion_id)
        if raw is not None and (row.user_id not in out or out[row.user_id][0] < row.sent_at):
            out[row.user_id] = (row.sent_at, raw, (row.reasons or {}).get(criterion_id, ""))
    return {user: (raw, note) for user, (_at, raw, note) in out.items()}


def open_calibration(
    *, session: Session, workspace_id: int, team_id: int, criterion_id: str
) -> Calibration | None:
    return session.exec(
        select(Calibration).where(
            Calibration.workspace_id == workspace_id,
            Calibration.team_id == team_id,
            Calibration.criterion_id == criterion_id,
            col(Calibration.settled_at).is_(None),
        )
    ).first()


def get_calibration(
    *, session: Session, workspace_id: int, calibration_id: int, lock: bool = False
) -> Calibration | None:
    stmt = select(Calibration).where(
        Calibration.workspace_id == workspace_id, Calibration.id == calibration_id
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.exec(stmt).first()


def open_calibrations(*, session: Session, workspace_id: int, team_id: int) -> list[Calibration]:
    return list(
        session.exec(
            select(Calibration).where(
                Calibration.workspace_id == workspace_id,
                Calibration.team_id == team_id,
                col(Calibration.settled_at).is_(None),
            )
        )
    )


# ------------------------------------------------------------------ members


def members_of(*, session: Session, workspace_id: int, team_id: int) -> list[str]:
    """The people the owners added to the team's check-ins, in the order added."""
    return list(
        session.exec(
            select(CheckInMember.user_id)
            .where(CheckInMember.workspace_id == workspace_id, CheckInMember.team_id == team_id)
            .order_by(col(CheckInMember.id))
        )
    )


def set_members(
    *, session: Session, workspace_id: int, team_id: int, user_ids: list[str], added_by: str
) -> None:
    """Make ``user_ids`` the team's check-in members (empty: none)."""
    session.execute(
        delete(CheckInMember)
        .where(
            col(CheckInMember.workspace_id) == workspace_id, col(CheckInMember.team_id) == team_id
        )
        .execution_options(synchronize_session=False)
    )
    for user in dict.fromkeys(user_ids):
        session.add(
            CheckInMember(
                workspace_id=workspace_id, team_id=team_id, user_id=user, added_by=added_by
            )
        )
    session.flush()
