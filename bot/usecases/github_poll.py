"""GitHub Actions, polled: a team's production workflow runs become deploy events.

Each connected team has a recurring schedule of kind ``evidence_poll`` (every
:data:`POLL_EVERY`), claimed like every scheduled send, so with any number of serving
processes a poll runs once. A poll:

1. waits while GitHub's rate limit said to (``resume_at``): the poll is skipped;
2. asks for the workflow's runs — ``GET {GITHUB_API_URL}/repos/{owner}/{repo}/actions/
   workflows/{workflow}/runs`` (``…/actions/runs`` for every workflow) with
   ``status=completed`` and ``per_page=100`` — conditionally: the first page carries the
   last answer's ETag in ``If-None-Match``, and a ``304`` (nothing new; GitHub does not
   count it against the rate limit) ends the poll there;
3. follows ``Link: rel="next"`` while the runs are in the window (newest first), at most
   :data:`MAX_PAGES` pages;
4. on ``403``/``429`` with ``Retry-After``, or ``X-RateLimit-Remaining: 0`` with
   ``X-RateLimit-Reset``, keeps what it read, backs off until then and moves the schedule
   there; any other refusal (a bad token, no such repository) is noted for
   ``/maturity evidence`` and polled again later;
5. keeps each completed run once (source ``github``, id ``owner/repo#run.attempt``) and
   remeasures the team (``bot/usecases/evidence.py``) — which also expires what a quiet
   source no longer measures.

The token (the team's own, decrypted only here, or ``GITHUB_TOKEN``) goes in the
``Authorization`` header only: never in a URL, a log line or an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from bot.deps import Deps
from bot.scheduling.scheduler import Due, Kind, Outcome, register_kind
from bot.settings import Settings
from bot.usecases.evidence import remeasure
from conversations.evidence import Kind as EventKind
from conversations.github import created_at, deploy_of, next_page, wait_until
from storage.criteria import lock_team
from storage.crypto import TokenCipher, TokenCipherError
from storage.db import read_scope, session_scope
from storage.evidence import add_event, github_source_of
from storage.models import ClaimOutcome, GitHubSource, Schedule, ScheduleKind
from storage.schedules import advance, create_schedule, schedules_of
from storage.types import utcnow

logger = logging.getLogger("maturity_bot.github")

KIND = ScheduleKind.EVIDENCE_POLL
POLL_EVERY = timedelta(minutes=10)
MAX_LATENESS = timedelta(hours=1)
MAX_PAGES = 10  # 1,000 runs a poll at most
PER_PAGE = 100
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
API_VERSION = "2022-11-28"


@dataclass
class Fetched:
    """What one poll read from GitHub."""

    runs: list[Mapping[str, Any]] = field(default_factory=list)
    pages: int = 0
    etag: str | None = None  # the first page's new ETag (None: keep the old one)
    not_modified: bool = False
    resume_at: datetime | None = None  # rate limited: ask again no sooner
    refused: str = ""  # GitHub refused (a status and its reason), or was unreachable


def runs_url(api: str, repo: str, workflow: str) -> str:
    owner_repo = "/".join(quote(part, safe="") for part in repo.split("/", 1))
    base = f"{api.rstrip('/')}/repos/{owner_repo}/actions"
    if workflow:
        return f"{base}/workflows/{quote(workflow, safe='')}/runs"
    return f"{base}/runs"


def fetch_runs(
    http: httpx.Client,
    url: str,
    *,
    token: str | None,
    etag: str,
    since: datetime,
    now: datetime,
) -> Fetched:
    """The completed runs created since ``since``, page by page, conditionally."""
    out = Fetched()
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": "maturity-bot",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    next_url: str | None = url
    params: dict[str, str | int] | None = {"status": "completed", "per_page": PER_PAGE}
    while next_url is not None and out.pages < MAX_PAGES:
        first = out.pages == 0
        sent = {**headers, "If-None-Match": etag} if first and etag else headers
        try:
            answer = http.get(next_url, params=params, headers=sent)
        except httpx.HTTPError as exc:
            out.refused = f"GitHub could not be reached ({type(exc).__name__})"
            return out
        params = None  # a next link carries its own query
        answered = {k.lower(): v for k, v in answer.headers.items()}
        if answer.status_code == 304 and first:
            out.not_modified = True
            out.resume_at = wait_until(304, answered, now)
            return out
        wait = wait_until(answer.status_code, answered, now)
        if answer.status_code != 200:
            if wait is not None:
                out.resume_at = wait
            else:
                out.refused = _refusal(answer)
            if not first:  # cut short: the next poll reads every page again
                out.etag = ""
            return out
        out.pages += 1
        if first:
            out.etag = answer.headers.get("ETag", "")[:200]
        try:
            body = answer.json()
        except ValueError:
            out.refused, out.etag = "GitHub answered something that is not JSON", ""
            return out
        runs = body.get("workflow_runs") if isinstance(body, dict) else None
        if not isinstance(runs, list):
            out.refused, out.etag = "GitHub's answer has no workflow_runs", ""
            return out
        page = [r for r in runs if isinstance(r, dict)]
        out.runs += page
        older = [r for r in page if (c := created_at(r)) is not None and c < since]
        next_url = None if older or not page else next_page(answer.headers.get("Link"))
        if wait is not None:  # that was the last request the limit allows
            out.resume_at = wait
            if next_url is not None:  # cut short: the next poll reads every page again
                out.etag = ""
            return out
    return out


def _refusal(answer: httpx.Response) -> str:
    reason = ""
    try:
        body = answer.json()
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            reason = body["message"][:120]
    except ValueError:
        pass
    hint = {
        401: "the token was not accepted",
        403: "the token may not read this repository's Actions",
        404: "no such repository or workflow (or the token cannot see it)",
    }.get(answer.status_code, "")
    said = f"GitHub said {answer.status_code}" + (f" ({reason})" if reason else "")
    return f"{said}: {hint}" if hint else said


def token_for(settings: Settings, source: GitHubSource) -> str | None:
    """The token a poll sends: the team's own (decrypted), else ``GITHUB_TOKEN``."""
    if source.token:
        keys = settings.token_encryption_keys
        if keys:
            try:
                return TokenCipher(keys).decrypt(source.token)
            except TokenCipherError:
                logger.warning("team %s: its GitHub token does not decrypt", source.team_id)
                return None
        return None
    return settings.github_token.get_secret_value() if settings.github_token else None


@dataclass(frozen=True)
class Polled:
    """What a poll did, for the scheduler's record and for ``/maturity evidence``."""

    new_runs: int = 0
    pages: int = 0
    not_modified: bool = False
    resume_at: datetime | None = None
    refused: str = ""
    moved: tuple[str, ...] = ()

    def words(self) -> str:
        if self.refused:
            return self.refused
        if self.resume_at is not None and not self.pages:
            return f"rate limited by GitHub: waiting until {self.resume_at:%H:%M} UTC"
        if self.not_modified:
            return "nothing new"
        runs = "1 new run" if self.new_runs == 1 else f"{self.new_runs} new runs"
        return f"{runs} ({self.pages} page{'s' if self.pages != 1 else ''})"


def poll_team(
    deps: Deps, ws: int, team_id: int, *, now: datetime | None = None, http: httpx.Client | None
) -> Polled:
    """One poll of the team's repository; what it did (nothing when it is not connected
    or GitHub said to wait)."""
    now = now or utcnow()
    settings = deps.settings
    window = settings.evidence_window_days
    with session_scope(deps.engine) as session:
        source = github_source_of(session=session, workspace_id=ws, team_id=team_id)
        if source is None or not source.repo:
            return Polled(refused="not connected")
        if source.resume_at is not None and source.resume_at > now:
            return Polled(resume_at=source.resume_at)
        repo, workflow, etag = source.repo, source.workflow, source.etag
        token = token_for(settings, source)
    url = runs_url(settings.github_api_url, repo, workflow)
    since = now - timedelta(days=window)
    if http is None:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=True) as client:
            fetched = fetch_runs(client, url, token=token, etag=etag, since=since, now=now)
    else:
        fetched = fetch_runs(http, url, token=token, etag=etag, since=since, now=now)
    new_runs = 0
    moved: list[str] = []
    with session_scope(deps.engine) as session:
        source = github_source_of(session=session, workspace_id=ws, team_id=team_id)
        if source is None or source.repo != repo:  # disconnected or moved meanwhile
            return Polled(refused="not connected")
        for run in fetched.runs:
            deploy = deploy_of(run, repo)
            if deploy is None or deploy.started_at < since:
                continue
            if add_event(session=session, workspace_id=ws, team_id=team_id, event=deploy):
                new_runs += 1
        if fetched.etag is not None and fetched.pages:
            source.etag = fetched.etag
        source.resume_at = fetched.resume_at
        source.polled_at = now
        polled = Polled(
            new_runs=new_runs,
            pages=fetched.pages,
            not_modified=fetched.not_modified,
            resume_at=fetched.resume_at,
            refused=fetched.refused,
        )
        source.outcome = polled.words()[:255]
        session.add(source)
        session.flush()
        team = lock_team(session=session, workspace_id=ws, team_id=team_id)
        if team is not None:
            moved = remeasure(session, ws, team, (EventKind.DEPLOY,), window_days=window, now=now)
    if fetched.refused:
        logger.info("team %s: GitHub poll of %s: %s", team_id, repo, fetched.refused)
    return Polled(
        new_runs=new_runs,
        pages=fetched.pages,
        not_modified=fetched.not_modified,
        resume_at=fetched.resume_at,
        refused=fetched.refused,
        moved=tuple(moved),
    )


# ------------------------------------------------------------------ the schedule


def register_kinds() -> None:
    """Teach the scheduler to poll ``evidence_poll`` schedules (claimed: exactly once)."""
    register_kind(
        KIND, Kind(send=send_poll, period=_period, next_due=_next, max_lateness=MAX_LATENESS)
    )


def _period(schedule: Schedule, due_at: datetime) -> str:
    # The due time itself: every process reads the same one, and a poll made due again
    # (a reconnect, a rate-limit wait) is a new period, not one already done.
    return due_at.isoformat()


def _next(schedule: Schedule, after: datetime) -> datetime | None:
    return after + POLL_EVERY


def send_poll(due: Due) -> Outcome:
    """The scheduler's side of a poll: a rate-limit wait moves the schedule to when
    GitHub allows the next request."""
    schedule = due.schedule
    ws, team_id = schedule.workspace_id, int((schedule.payload or {}).get("team_id") or 0)
    polled = poll_team(due.deps, ws, team_id, now=due.now, http=None)
    if polled.resume_at is not None and polled.resume_at > due.due_at + POLL_EVERY:
        with session_scope(due.deps.engine) as session:
            advance(
                session=session,
                schedule_id=schedule.id or 0,
                expected_due=due.due_at,
                next_due_at=polled.resume_at,
            )
    if polled.refused == "not connected":
        return Outcome(ClaimOutcome.SKIPPED, "not connected")
    if polled.refused:
        return Outcome(ClaimOutcome.SKIPPED, polled.refused)
    return Outcome(ClaimOutcome.SENT, polled.words())


def start_polling(deps: Deps, ws: int, team_id: int, *, user_id: str) -> None:
    """Make sure the team has one active poll schedule, due now (the first poll within
    the scheduler's next minute)."""
    with session_scope(deps.engine) as session:
        mine = [
            s for s in schedules_of(session=session, workspace_id=ws, kind=KIND) if _of(s, team_id)
        ]
        now = utcnow()
        if mine:
            for extra in mine[1:]:
                extra.active = False
                session.add(extra)
            mine[0].next_due_at = now
            session.add(mine[0])
            return
        create_schedule(
            session=session,
            workspace_id=ws,
            kind=KIND,
            next_due_at=now,
            payload={"team_id": team_id},
            created_by=user_id,
        )


def stop_polling(deps: Deps, ws: int, team_id: int) -> int:
    """Stop the team's polls; how many schedules stopped."""
    with session_scope(deps.engine) as session:
        mine = [
            s for s in schedules_of(session=session, workspace_id=ws, kind=KIND) if _of(s, team_id)
        ]
        for s in mine:
            s.active = False
            s.next_due_at = None
            session.add(s)
        return len(mine)


def next_poll(deps: Deps, ws: int, team_id: int) -> datetime | None:
    with read_scope(deps.engine) as session:
        mine = [
            s for s in schedules_of(session=session, workspace_id=ws, kind=KIND) if _of(s, team_id)
        ]
        return mine[0].next_due_at if mine else None


def _of(schedule: Schedule, team_id: int) -> bool:
    return (schedule.payload or {}).get("team_id") == team_id
