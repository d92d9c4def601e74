"""Tables. Every row that belongs to a Slack workspace carries ``workspace_id``.

Timestamps are UTC-aware (:class:`storage.types.UTCDateTime`). Schema changes go through
Alembic (``storage/migrations``); ``create_all`` is for test fixtures only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from conversations.scoring import Status
from storage.types import UTCDateTime, utcnow


def _ts(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kwargs)


class Workspace(SQLModel, table=True):
    """A Slack workspace (``team_id``), inside an Enterprise Grid org when ``enterprise_id``."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("enterprise_id", "slack_team_id", name="uq_workspace"),)

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    # "" rather than NULL so the unique key works on every backend.
    enterprise_id: str = Field(default="", max_length=32)
    name: str = Field(default="", max_length=255)
    created_at: datetime = _ts()
    # Set when the app is uninstalled (or its bot token revoked): its tokens are gone, its
    # scheduled posts stop, and its data is deleted once the retention period has passed
    # (unless it is installed again first, which clears this).
    uninstalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Team(SQLModel, table=True):
    """An engineering team being coached. Keyed by its channel by default, or by name."""

    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name_key", name="uq_team_name"),
        UniqueConstraint("workspace_id", "channel_key", name="uq_team_channel"),
        Index("ix_team_channel", "workspace_id", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=80)
    # The channel the team lives in (where to share results); ``channel_key`` is set only
    # for a channel's own default team so "one default team per channel" is a unique key.
    channel_id: str | None = Field(default=None, max_length=32)
    channel_key: str | None = Field(default=None, max_length=32)
    level: int | None = Field(default=None)
    target_level: int | None = Field(default=None)
    # Whether the team's runbook lists all of its operations (None: not asked yet). Only
    # then does the runbook's scripted share stand in for ``scripted.ops_80pct``.
    runbook_complete: bool | None = Field(default=None)
    # Slack user ids of the people who own the team's board and settings (with workspace
    # admins). Empty until set: then the person who created the team owns it.
    owners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class AssessmentStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    EXPIRED = "expired"
    ABANDONED = "abandoned"


class Assessment(SQLModel, table=True):
    """One check-in. Its whole state is here after every answer: a restart loses nothing."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessment_open", "workspace_id", "team_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    user_id: str = Field(max_length=32)
    status: str = Field(default=AssessmentStatus.OPEN, max_length=16)
    answers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Slack messages of the conversation: question id -> message ts, so an answered question
    # can be replaced by its record and an earlier one re-answered.
    messages: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    current_question: str | None = Field(default=None, max_length=64)
    dm_channel: str | None = Field(default=None, max_length=32)
    origin_channel: str | None = Field(default=None, max_length=32)
    # Bumped on every change; a stale click (double click) loses the compare-and-set.
    version: int = Field(default=0)
    result_level: int | None = Field(default=None)
    started_at: datetime = _ts()
    updated_at: datetime = _ts()
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CriterionStatus(SQLModel, table=True):
    """The current status of one success criterion for one team: the criteria board."""

    __tablename__ = "criterion_statuses"
    __table_args__ = (UniqueConstraint("team_id", "criterion_id", name="uq_criterion_status"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id", index=True)
    criterion_id: str = Field(max_length=64)
    status: str = Field(default=Status.UNKNOWN, max_length=16)  # a conversations Status
    value: float | None = Field(default=None)
    source: str = Field(default="", max_length=32)
    updated_by: str = Field(default="", max_length=32)
    updated_at: datetime = _ts()


class CriterionEvent(SQLModel, table=True):
    """History of a criterion: who changed it from what to what, when, from where (a
    check-in, the board, the runbook, evidence), with which evidence and why."""

    __tablename__ = "criterion_events"
    # Leading with workspace_id so a workspace-scoped query by teams uses this index, not
    # the plain workspace index (which, in a one-workspace install, matches every row).
    __table_args__ = (
        Index("ix_criterion_event_team", "workspace_id", "team_id", "created_at"),
        # A criterion's own latest change (the board shows who moved each one).
        Index(
            "ix_criterion_event_criterion", "workspace_id", "team_id", "criterion_id", "created_at"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id")
    criterion_id: str = Field(max_length=64)
    status: str = Field(max_length=16)
    value: float | None = Field(default=None)
    evidence: str = Field(default="", max_length=2000)
    source: str = Field(default="", max_length=32)
    user_id: str = Field(default="", max_length=32)
    created_at: datetime = _ts()
    # What it was before (None: the criterion's first status, or a change recorded before
    # the board kept it), and what the person said about it: a note, an evidence link.
    old_status: str | None = Field(default=None, max_length=16)
    old_value: float | None = Field(default=None)
    note: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=2000)


class ProcessedEvent(SQLModel, table=True):
    """Slack Events API retries are deduplicated by ``event_id``."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _ts()


class NudgeRecord(SQLModel, table=True):
    """A nudge shown to a team (and whether someone dismissed it): cooldowns, digests."""

    __tablename__ = "nudges"
    __table_args__ = (
        Index("ix_nudge_team_rule", "team_id", "rule_id", "created_at"),
        Index("ix_nudge_team_time", "workspace_id", "team_id", "created_at"),
        Index("ix_nudge_fingerprint", "team_id", "fingerprint", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id")
    rule_id: str = Field(max_length=32)
    source: str = Field(default="", max_length=32)
    subject: str = Field(default="", max_length=255)
    created_at: datetime = _ts()
    dismissed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dismissed_by: str = Field(default="", max_length=32)
    # Issue 14: what exactly triggered it (same fingerprint: not repeated within its
    # cooldown); what the team answered (``got_it``, ``not_relevant``, ``snoozed``), their
    # reason, and until when it stays quiet; where it was posted (the team's channel).
    fingerprint: str = Field(default="", max_length=255)
    outcome: str = Field(default="", max_length=16)
    reason: str = Field(default="", max_length=500)
    quiet_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel_id: str = Field(default="", max_length=32)
    message_ts: str = Field(default="", max_length=32)


class ScheduleKind(StrEnum):
    DIGEST = "digest"
    REMINDER = "reminder"
    LEVEL_CHANGE = "level_change"  # one-off: announce a team's level change (issue 12)
    # Issue 13: one owner's weekly check-in for one team (recurring), and its follow-up
    # (one-off: the one reminder after the response window, then closing it as missed).
    CHECKIN = "checkin"
    CHECKIN_FOLLOWUP = "checkin_followup"
    # Issue 15: poll a team's GitHub Actions workflow runs (recurring, every few minutes).
    EVIDENCE_POLL = "evidence_poll"
    # Issue 14: one team's nudge message of one day (one-off).
    NUDGES = "nudges"


class Schedule(SQLModel, table=True):
    """Something to send at a time: a weekly digest, a one-off reminder.

    ``next_due_at`` is computed with APScheduler's triggers in the schedule's time zone
    (``bot/scheduling/times.py``). Recurring schedules carry ``weekday``/``time_of_day``;
    one-offs have neither and are deactivated once sent. ``payload`` holds what the
    sender needs (the digest's teams, the reminder's runbook operation).
    """

    __tablename__ = "schedules"
    __table_args__ = (
        Index("ix_schedule_due", "active", "next_due_at"),
        Index("ix_schedule_owner", "workspace_id", "kind", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    kind: str = Field(max_length=16)
    channel_id: str = Field(default="", max_length=32)
    user_id: str = Field(default="", max_length=32)
    tz: str = Field(default="UTC", max_length=64)
    weekday: int | None = Field(default=None)  # 0 = Monday
    time_of_day: str | None = Field(default=None, max_length=5)  # "HH:MM"
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = Field(default=True)
    failure: str = Field(default="", max_length=255)
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ClaimOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Claim(SQLModel, table=True):
    """One sending of one schedule for one period, claimed before anything is posted.

    The unique key ``(schedule_id, period)`` makes the send exactly-once across processes;
    ``lease_until`` lets another process retry a claim whose holder crashed.
    """

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("schedule_id", "period", name="uq_claim_period"),)

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="schedules.id", index=True)
    period: str = Field(max_length=64)
    owner: str = Field(default="", max_length=64)
    claimed_at: datetime = _ts()
    lease_until: datetime = Field(sa_type=UTCDateTime)
    attempts: int = Field(default=1)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=16)
    detail: str = Field(default="", max_length=1000)
    # Checkpoints of a multi-message send (e.g. the digest's parent ts and the teams done),
    # so a retry after a crash continues where the crashed attempt stopped.
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# =====================================================================================
# Runbook to script (issue 5): a team's manual operations, and import previews.
# =====================================================================================


class RunbookOperation(SQLModel, table=True):
    """One manual (or scripted) operation of a team's runbook.

    ``frequency`` is a ``conversations.runbook.Frequency`` value; monthly toil is computed
    from it, never stored. ``title_key``/``section_key`` make "one operation of a title per
    section" a unique key, so a double click or a re-import cannot add it twice. ``version``
    is bumped on every change (compare-and-set for edits made from a stale form).
    """

    __tablename__ = "runbook_operations"
    __table_args__ = (
        UniqueConstraint("team_id", "section_key", "title_key", name="uq_runbook_operation"),
        Index("ix_runbook_operation_team", "workspace_id", "team_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    title: str = Field(max_length=200)
    title_key: str = Field(max_length=200)
    section: str = Field(default="", max_length=120)
    section_key: str = Field(default="", max_length=120)
    frequency: str = Field(max_length=16)
    minutes: int = Field(default=10)
    # Nobody said how long a run takes (an imported step with no duration in its words):
    # ``minutes`` is our guess, and every toil figure built on it is shown as an estimate.
    minutes_guessed: bool = Field(default=False)
    scripted: bool = Field(default=False)
    # Where the script lives, as the person gave it: a link, a git/ssh URL, a path in a
    # repository. Rendered as a link only when it is http(s).
    script_url: str = Field(default="", max_length=2000)
    owner: str = Field(default="", max_length=32)
    # Broken: it fails often, and/or different people get different results.
    broken_fails: bool = Field(default=False)
    broken_differs: bool = Field(default=False)
    broken_note: str = Field(default="", max_length=500)
    # Non-empty when the team decided to keep it manual (and why).
    keep_manual_reason: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=16)
    created_by: str = Field(default="", max_length=32)
    version: int = Field(default=0)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    scripted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RunbookImportStatus(StrEnum):
    PENDING = "pending"
    IMPORTED = "imported"
    CANCELLED = "cancelled"


class RunbookImport(SQLModel, table=True):
    """A parsed runbook waiting to be confirmed: the preview outlives any process.

    ``key`` is a random id handed to Slack (buttons, modal metadata) before the row is even
    written, so a modal can be answered at once; ``steps`` holds the parsed steps with their
    guessed frequencies. Confirming is a compare-and-set from ``pending``.
    """

    __tablename__ = "runbook_imports"
    __table_args__ = (UniqueConstraint("key", name="uq_runbook_import_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id")
    user_id: str = Field(max_length=32)
    source: str = Field(default="", max_length=16)  # "url" | "paste" | "message"
    source_label: str = Field(default="", max_length=255)
    steps: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=RunbookImportStatus.PENDING, max_length=16)
    added: int = Field(default=0)
    skipped: int = Field(default=0)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


# =====================================================================================
# Issue 12: the level follows the board, and a level change is announced once.
# =====================================================================================


class LevelChange(SQLModel, table=True):
    """A team's level changed because its criteria moved (any source): from, to, who,
    which criterion moved it, and whether (and how) the change was announced.

    An announcement is a one-off schedule (kind ``level_change``) due a minute after the
    first unannounced change, so changes within that minute go out as one message. The
    schedule that took a change is ``schedule_id``; ``announced_at`` is set once it was
    posted, or found not worth posting (no channel; back where it was) — ``outcome`` says
    which. Never announced twice: the schedule's claim and this row decide it.
    """

    __tablename__ = "level_changes"
    __table_args__ = (
        Index("ix_level_change_team", "workspace_id", "team_id", "created_at"),
        Index("ix_level_change_pending", "team_id", "announced_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    from_level: int | None = Field(default=None)
    to_level: int
    criterion_id: str = Field(default="", max_length=64)
    user_id: str = Field(default="", max_length=32)
    source: str = Field(default="", max_length=32)
    created_at: datetime = _ts()
    # No foreign key: a schedule and its claims may be cleaned up before this history.
    schedule_id: int | None = Field(default=None)
    announced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str = Field(default="", max_length=32)
    message_ts: str = Field(default="", max_length=32)


# =====================================================================================
# Issue 13: weekly check-ins with a team's owners, and people away.
# =====================================================================================


class CheckInStatus(StrEnum):
    OPEN = "open"  # sent, waiting for answers
    ANSWERED = "answered"  # every question answered
    MISSED = "missed"  # the response window and its reminder passed with no answer
    CLOSED = "closed"  # the window passed with some answers given


class CheckIn(SQLModel, table=True):
    """One weekly check-in DM to one owner of one team: which criteria it asks, the
    answers given so far (each one already on the board), and where the message is.

    ``(workspace_id, user_id, period)`` is unique: a person gets one check-in DM a week
    (about one of their teams), whatever the number of processes and teams.
    ``questions`` are criterion ids; ``answers`` maps
    criterion id -> the answer as given (``yes``/``no``/``partly``/``skip`` or a figure).
    """

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id", "period", name="uq_checkin_period"),
        Index("ix_checkin_team", "workspace_id", "team_id", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    user_id: str = Field(max_length=32)
    period: str = Field(max_length=16)  # the ISO week in the person's zone: 2026-W49
    schedule_id: int | None = Field(default=None)  # no foreign key: history outlives it
    status: str = Field(default=CheckInStatus.OPEN, max_length=16)
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # criterion id -> the person's short note on their answer (*Add a note*), shown in a split.
    reasons: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # criterion id -> a measurement that differed from the person's value, asked to confirm:
    # "" (asked), "used" (the measurement went onto the board) or "kept" (their value stands).
    measured: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # What the person said was newly scripted or automated this week (typed in the DM).
    note: str = Field(default="", max_length=500)
    dm_channel: str = Field(default="", max_length=32)
    message_ts: str = Field(default="", max_length=32)
    sent_at: datetime = _ts()
    respond_by: datetime = Field(sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=0)


class Calibration(SQLModel, table=True):
    """Owners who answered one criterion differently within a week (issue 13, item 4):
    who said what (``answers``: user id -> answer), the one message that named it in the
    team's channel, and — once an owner settled it — what, who and why. While open, the
    criterion counts as not met."""

    __tablename__ = "calibrations"
    __table_args__ = (
        Index("ix_calibration_open", "workspace_id", "team_id", "criterion_id", "settled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    criterion_id: str = Field(max_length=64)
    answers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # user id -> the note they gave with the answer in ``answers`` (shown with the split).
    notes: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    opened_at: datetime = _ts()
    channel_id: str = Field(default="", max_length=32)
    message_ts: str = Field(default="", max_length=32)
    settled_status: str | None = Field(default=None, max_length=16)
    settled_by: str = Field(default="", max_length=32)
    settled_note: str = Field(default="", max_length=500)
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CheckInMember(SQLModel, table=True):
    """Someone the team's owners added to its weekly check-ins (``/maturity team members``):
    asked like an owner, so the team can see where its people disagree."""

    __tablename__ = "checkin_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_checkin_member"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    user_id: str = Field(max_length=32)
    added_by: str = Field(default="", max_length=32)
    created_at: datetime = _ts()


class Away(SQLModel, table=True):
    """A person away until ``until`` (``/maturity away``): no check-ins or reminders."""

    __tablename__ = "away"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_away_user"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    user_id: str = Field(max_length=32)
    until: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = _ts()


# =====================================================================================
# Issue 15: evidence — deploy and incident events sent to a team's hook, its hook token,
# and what the events measure.
# =====================================================================================


class HookToken(SQLModel, table=True):
    """A team's hook token, as its SHA-256 only (the token itself is shown once, when it
    is made). One per team: rotating replaces it."""

    __tablename__ = "evidence_hooks"
    __table_args__ = (
        UniqueConstraint("team_id", name="uq_hook_token_team"),
        UniqueConstraint("token_hash", name="uq_hook_token_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id")
    token_hash: str = Field(max_length=64)
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = _ts()


class EvidenceEvent(SQLModel, table=True):
    """One deploy or incident event a team's system sent. ``(team_id, kind, external_id)``
    is unique: the same id sent twice counts once.

    Deploys: ``started_at``/``finished_at``, ``succeeded``, ``environment`` and the three
    flags. Incidents: opened (``started_at``) and resolved (``finished_at``, None while
    open), ``automatic`` remediation."""

    __tablename__ = "evidence_events"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "external_id", name="uq_evidence_event"),
        Index("ix_evidence_event_window", "workspace_id", "team_id", "kind", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    kind: str = Field(max_length=16)  # a conversations.evidence Kind
    external_id: str = Field(max_length=200)
    service: str = Field(default="", max_length=200)
    environment: str = Field(default="", max_length=64)
    succeeded: bool | None = Field(default=None)
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rolled_back: bool | None = Field(default=None)
    automated_rollback: bool | None = Field(default=None)
    approval_required: bool | None = Field(default=None)
    automatic: bool | None = Field(default=None)
    received_at: datetime = _ts()
    # Where it came from: "webhook" (POST /hooks/…) or "github" (polled GitHub Actions).
    source: str = Field(default="webhook", max_length=16)


class EvidenceMeasurement(SQLModel, table=True):
    """What a team's recent events measure about one criterion, kept whether or not it
    moved the board: beside a person's different answer, the board shows it."""

    __tablename__ = "evidence_measurements"
    __table_args__ = (
        UniqueConstraint("team_id", "criterion_id", name="uq_evidence_measurement"),
        Index("ix_evidence_measurement_team", "workspace_id", "team_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    team_id: int = Field(foreign_key="teams.id")
    criterion_id: str = Field(max_length=64)
    status: str = Field(max_length=16)
    value: float | None = Field(default=None)
    evidence: str = Field(default="", max_length=500)
    events: int = Field(default=0)
    measured_at: datetime = _ts()
    # A person kept their own value over this measurement (*Keep my answer* in a check-in):
    # who, and the measurement as it was then; asked again only once it measures otherwise.
    kept_by: str = Field(default="", max_length=32)
    kept_status: str = Field(default="", max_length=16)
    kept_value: float | None = Field(default=None)


class GitHubSource(SQLModel, table=True):
    """A team's GitHub Actions connection: the repository (and workflow) whose runs are
    its production deploys, polled on a schedule. ``token`` is the team's own GitHub
    token as Fernet ciphertext (``storage.crypto``), never plaintext; None uses the
    ``GITHUB_TOKEN`` setting. ``etag`` is the first page's, for conditional requests;
    ``resume_at`` set while GitHub's rate limit says to wait. A row with no ``repo``
    holds a token given before a repository was."""

    __tablename__ = "evidence_github"
    __table_args__ = (UniqueConstraint("team_id", name="uq_evidence_github_team"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True)
    team_id: int = Field(foreign_key="teams.id")
    repo: str = Field(default="", max_length=140)
    workflow: str = Field(default="", max_length=200)
    token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    token_set_by: str = Field(default="", max_length=32)
    etag: str = Field(default="", max_length=200)
    resume_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    polled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str = Field(default="", max_length=255)
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
