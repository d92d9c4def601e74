"""Evidence from the systems that deploy and page: what a deploy or incident event says
(read and checked here, field by field), and what a team's recent events measure.

No Slack, no database: :func:`read_deploy` and :func:`read_incident` turn a decoded JSON
body into an event or a :class:`Problem` naming the field that is wrong;
:func:`measure_deploys` and :func:`measure_incidents` turn the events of a window into
:class:`Measurement` values for the criteria they speak to:

- ``cd.deploy_under_10min``: the median duration of the window's successful deploys;
- ``cd.automated_rollback``: met once an automated rollback is seen (none seen says
  nothing: a team that never needed a rollback has not shown it fails);
- ``cdeploy.prod_without_approval``: production deploys that say whether they needed an
  approval — none did: met; some did: partly; all did: not met;
- ``selfheal.incidents_auto_80pct``: the share of the window's incidents remediated
  automatically;
- ``context.deploys_per_day`` (a scale fact, not a criterion): the window's successful
  production deploys a day, with the share of production deploys that failed.

Each measurement's words name its figure, the events it rests on, the window and the
source(s) of those events — the deploy webhook, GitHub Actions, or both. A criterion the
window no longer measures (the source went quiet) has :func:`quiet_words`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from conversations.board import format_value
from conversations.model import criterion
from conversations.scoring import Status, format_minutes

DEPLOY_TIME = "cd.deploy_under_10min"
AUTOMATED_ROLLBACK = "cd.automated_rollback"
NO_APPROVAL = "cdeploy.prod_without_approval"
INCIDENTS_AUTO = "selfheal.incidents_auto_80pct"
DEPLOYS_PER_DAY = "context.deploys_per_day"  # a scale fact: measured, never on the board
DEPLOY_CRITERIA: tuple[str, ...] = (DEPLOY_TIME, AUTOMATED_ROLLBACK, NO_APPROVAL)
INCIDENT_CRITERIA: tuple[str, ...] = (INCIDENTS_AUTO,)

ID_MAX = 200
NAME_MAX = 200
ENVIRONMENT_MAX = 64
# Environments counted as production (lower-cased; "prod-eu-1" and the like count too).
PRODUCTION = frozenset({"production", "prod", "prd", "live"})
SOURCE_WORDS = "deploy webhook"
INCIDENT_SOURCE_WORDS = "incident webhook"
# Where a deploy event came from (``evidence_events.source``), and its name in words.
WEBHOOK = "webhook"
GITHUB = "github"
SOURCE_NAMES: dict[str, str] = {WEBHOOK: SOURCE_WORDS, GITHUB: "GitHub Actions"}
_ID = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


class Kind(StrEnum):
    DEPLOY = "deploy"
    INCIDENT = "incident"


# What each kind of event measures (a criterion or the deploy rate): when the window
# holds nothing of a kind, its measurements expire.
MEASURES: dict[Kind, tuple[str, ...]] = {
    Kind.DEPLOY: (*DEPLOY_CRITERIA, DEPLOYS_PER_DAY),
    Kind.INCIDENT: INCIDENT_CRITERIA,
}


@dataclass(frozen=True)
class Problem:
    """Why a body was refused: the field (``""`` for the body as a whole) and what is wrong."""

    field: str
    message: str


@dataclass(frozen=True)
class DeployEvent:
    id: str
    service: str
    environment: str
    succeeded: bool
    started_at: datetime
    finished_at: datetime
    rolled_back: bool | None = None
    automated_rollback: bool | None = None
    approval_required: bool | None = None
    source: str = WEBHOOK  # WEBHOOK or GITHUB

    @property
    def minutes(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() / 60

    @property
    def production(self) -> bool:
        return is_production(self.environment)


@dataclass(frozen=True)
class IncidentEvent:
    id: str
    service: str
    opened_at: datetime
    resolved_at: datetime | None
    automatic: bool


def is_production(environment: str) -> bool:
    env = environment.strip().lower()
    return env in PRODUCTION or env.startswith(("prod-", "prod_", "production-"))


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(field, message)


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise _Bad("", "the body must be a JSON object")
    return body


def _id(body: Mapping[str, Any]) -> str:
    value = body.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise _Bad("id", "id is required: a non-empty string (your CI's run or deploy id)")
    if len(value) > ID_MAX or not _ID.match(value):
        raise _Bad("id", f"id must be at most {ID_MAX} printable characters with no spaces")
    return value


def _text(body: Mapping[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Bad(name, f"{name} is required: a non-empty string")
    if len(value) > limit:
        raise _Bad(name, f"{name} must be at most {limit} characters")
    return value.strip()


def _time(body: Mapping[str, Any], name: str, *, required: bool = True) -> datetime | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _Bad(name, f"{name} is required: an ISO 8601 time, e.g. 2026-12-01T10:15:00Z")
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Bad(name, f"{name} is not an ISO 8601 time (e.g. 2026-12-01T10:15:00Z)") from None
    if at.tzinfo is None:
        raise _Bad(name, f"{name} needs a time zone (Z or an offset such as +02:00)")
    return at.astimezone(UTC)


def _flag(body: Mapping[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise _Bad(name, f"{name} must be true or false (or left out)")


def read_deploy(body: Any) -> DeployEvent | Problem:
    """A deploy event from a decoded JSON body, or the first :class:`Problem` with it."""
    try:
        data = _object(body)
        event_id = _id(data)
        service = _text(data, "service", NAME_MAX)
        environment = _text(data, "environment", ENVIRONMENT_MAX)
        status = data.get("status")
        if status not in ("success", "failure"):
            raise _Bad("status", 'status must be "success" or "failure"')
        started = _time(data, "started_at")
        finished = _time(data, "finished_at")
        assert started is not None and finished is not None
        if finished < started:
            raise _Bad("finished_at", "finished_at is before started_at")
        return DeployEvent(
            id=event_id,
            service=service,
            environment=environment,
            succeeded=status == "success",
            started_at=started,
            finished_at=finished,
            rolled_back=_flag(data, "rolled_back"),
            automated_rollback=_flag(data, "automated_rollback"),
            approval_required=_flag(data, "approval_required"),
        )
    except _Bad as bad:
        return bad.problem


def read_incident(body: Any) -> IncidentEvent | Problem:
    """An incident event from a decoded JSON body, or the first :class:`Problem` with it.
    ``resolved_at`` may be null or left out (still open)."""
    try:
        data = _object(body)
        event_id = _id(data)
        service = _text(data, "service", NAME_MAX)
        opened = _time(data, "opened_at")
        resolved = _time(data, "resolved_at", required=False)
        assert opened is not None
        if resolved is not None and resolved < opened:
            raise _Bad("resolved_at", "resolved_at is before opened_at")
        remediation = data.get("remediation")
        if remediation not in ("automatic", "manual"):
            raise _Bad("remediation", 'remediation must be "automatic" or "manual"')
        return IncidentEvent(
            id=event_id,
            service=service,
            opened_at=opened,
            resolved_at=resolved,
            automatic=remediation == "automatic",
        )
    except _Bad as bad:
        return bad.problem


# ------------------------------------------------------------------ what they measure


@dataclass(frozen=True)
class Measurement:
    """What the events of a window say about one criterion: its status (and figure), in
    words with its source and window, and how many events it rests on."""

    criterion_id: str
    status: Status
    value: float | None
    evidence: str
    events: int
    kept_by: str = ""  # a person kept their own value over this very measurement


def _window(days: int) -> str:
    return "last day" if days == 1 else f"last {days} days"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def sources_of(deploys: Iterable[DeployEvent]) -> str:
    """The sources of some deploys in words: "GitHub Actions", "deploy webhook and GitHub
    Actions"."""
    names = sorted({SOURCE_NAMES.get(d.source, SOURCE_WORDS) for d in deploys})
    return " and ".join(names) or SOURCE_WORDS


def is_context(measured_id: str) -> bool:
    """A scale fact (``context.…``), measured beside the board, never on it."""
    return measured_id.startswith("context.")


def _rate(per_day: float) -> str:
    figure = f"{per_day:.2f}" if per_day < 1 else f"{per_day:.1f}"
    figure = figure.rstrip("0").rstrip(".") if "." in figure else figure
    return f"{figure} deploy a day" if figure == "1" else f"{figure} deploys a day"


def measure_rate(deploys: Iterable[DeployEvent], *, window_days: int) -> Measurement | None:
    """``context.deploys_per_day``: the window's successful production deploys a day, and
    the share of its production deploys that failed (None: no production deploy)."""
    production = [d for d in deploys if d.production]
    if not production:
        return None
    done = sum(1 for d in production if d.succeeded)
    failed = len(production) - done
    per_day = round(done / window_days, 2)
    share = round(100 * failed / len(production))
    return Measurement(
        DEPLOYS_PER_DAY,
        Status.UNKNOWN,
        per_day,
        f"{_rate(per_day)}: {_plural(done, 'successful production deploy')}, "
        f"{failed} of {len(production)} failed ({share} %), {_window(window_days)} — "
        f"{sources_of(production)}",
        len(production),
    )


def quiet_words(measured_id: str, *, window_days: int) -> str:
    """Why a criterion is no longer measured: nothing in the window speaks to it."""
    what = {
        DEPLOY_TIME: "no successful deploy",
        AUTOMATED_ROLLBACK: "no automated rollback",
        NO_APPROVAL: "no production deploy saying whether it needed an approval",
        INCIDENTS_AUTO: "no incident",
        DEPLOYS_PER_DAY: "no production deploy",
    }.get(measured_id, "no event")
    return f"no longer measured: {what} in the {_window(window_days)}"


def measure_deploys(deploys: Iterable[DeployEvent], *, window_days: int) -> list[Measurement]:
    """The deploy criteria (and the deploy rate) the window's deploys measure (none for no
    deploys)."""
    seen = list(deploys)
    out: list[Measurement] = []
    window = _window(window_days)
    done = [d for d in seen if d.succeeded]
    if done:
        median = round(statistics.median(d.minutes for d in done), 1)
        c = criterion(DEPLOY_TIME)
        assert c.threshold is not None
        out.append(
            Measurement(
                DEPLOY_TIME,
                Status.MET if median < c.threshold else Status.NOT_MET,
                median,
                f"median {format_minutes(median)} over {_plural(len(done), 'successful deploy')}"
                f", {window} — {sources_of(done)}",
                len(done),
            )
        )
    automated = [d for d in seen if d.automated_rollback]
    if automated:
        out.append(
            Measurement(
                AUTOMATED_ROLLBACK,
                Status.MET,
                None,
                f"{_plural(len(automated), 'automated rollback')} seen, {window} — "
                f"{sources_of(automated)}",
                len(automated),
            )
        )
    said = [d for d in seen if d.production and d.approval_required is not None]
    if said:
        needed = sum(1 for d in said if d.approval_required)
        status = (
            Status.MET
            if needed == 0
            else Status.NOT_MET
            if needed == len(said)
            else (Status.PARTLY)
        )
        out.append(
            Measurement(
                NO_APPROVAL,
                status,
                None,
                f"{needed} of {_plural(len(said), 'production deploy')} needed an approval, "
                f"{window} — {sources_of(said)}",
                len(said),
            )
        )
    rate = measure_rate(seen, window_days=window_days)
    if rate is not None:
        out.append(rate)
    return out


def measure_incidents(incidents: Iterable[IncidentEvent], *, window_days: int) -> list[Measurement]:
    """The share of the window's incidents remediated automatically (none: nothing)."""
    seen = list(incidents)
    if not seen:
        return []
    automatic = sum(1 for i in seen if i.automatic)
    share = round(100 * automatic / len(seen), 1)
    c = criterion(INCIDENTS_AUTO)
    assert c.threshold is not None
    return [
        Measurement(
            INCIDENTS_AUTO,
            Status.MET if share >= c.threshold else Status.NOT_MET,
            share,
            f"{format_value(c, share)}: {automatic} of {_plural(len(seen), 'incident')} "
            f"remediated automatically, {_window(window_days)} — {INCIDENT_SOURCE_WORDS}",
            len(seen),
        )
    ]


def differs(measured: Measurement, status: str, value: float | None) -> bool:
    """Whether a status (and figure) on the board says something other than ``measured``."""
    return str(measured.status) != status or (
        measured.value is not None and value is not None and measured.value != value
    )


def still_kept(measured: Measurement, kept_status: str, kept_value: float | None) -> bool:
    """Whether a person's override (*Keep my answer*, given when the measurement said
    ``kept_status`` and ``kept_value``) still stands: the measurement says the same."""
    return bool(kept_status) and (str(measured.status), measured.value) == (kept_status, kept_value)


def to_confirm(
    measured: Measurement, *, status: str, value: float | None, by_person: bool, kept: bool
) -> bool:
    """Whether the weekly check-in asks to confirm ``measured`` against a person's value:
    it differs, and that person did not already keep their value over this measurement."""
    return (
        by_person
        and not kept
        and not is_context(measured.criterion_id)
        and differs(measured, status, value)
    )
