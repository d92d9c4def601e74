"""GitHub Actions as a source of deploy evidence: what a connection command names, what a
workflow run says about a deploy, and what GitHub's answers say about paging and its
rate limit — facts from GitHub's REST API documentation, read here with no network.

- A workflow run (``GET /repos/{owner}/{repo}/actions/workflows/{workflow}/runs``, or
  ``…/actions/runs``) is a production deploy once ``status`` is ``completed``: it
  succeeded with ``conclusion`` ``success``, failed with ``failure``, ``timed_out`` or
  ``startup_failure``; a cancelled, skipped or neutral run deployed nothing and counts
  for nothing. It took ``run_started_at`` → ``updated_at`` (the run's last change is its
  completion). Each attempt of a run is its own deploy (``run_attempt``).
- Pages follow the ``Link`` header's ``rel="next"``; runs come newest first, so paging
  stops at the first run older than the window.
- Rate limits: ``403``/``429`` with ``Retry-After`` (seconds) — wait that long;
  ``X-RateLimit-Remaining: 0`` with ``X-RateLimit-Reset`` (epoch seconds) — wait until
  then, even on a ``200`` (the next request would be refused). A ``403`` with neither is
  a refusal (no access), not a limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from conversations.evidence import GITHUB, DeployEvent

_REPO = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})$")
_URL = re.compile(r"^https?://[^/\s]+/([^/\s]+/[^/\s]+?)(?:\.git)?/?$")
_WORKFLOW = re.compile(r"^(?:[A-Za-z0-9._-]{1,190}\.ya?ml|[0-9]{1,20})$")
# Tokens GitHub issues carry a prefix (classic and fine-grained personal, OAuth, app): the
# format is checked so a typo is caught, and so the log filter can recognise every one.
TOKEN = re.compile(r"^(?:gh[pousr]_[A-Za-z0-9]{20,251}|github_pat_[A-Za-z0-9_]{20,244})$")
SUCCEEDED = frozenset({"success"})
FAILED = frozenset({"failure", "timed_out", "startup_failure"})
LONGEST_WAIT = timedelta(hours=1)  # GitHub's limits reset within the hour
NO_HINT_WAIT = timedelta(minutes=1)  # a 429 that does not say how long


def read_repo(text: str) -> str | None:
    """``owner/repo`` from what was typed (``owner/repo`` or its ``https://…`` URL)."""
    text = text.strip().strip("<>")
    url = _URL.match(text)
    if url:
        text = url.group(1)
    if text.endswith(".git"):
        text = text[:-4]
    return text if _REPO.match(text) and ".." not in text else None


def is_workflow(word: str) -> bool:
    """A workflow as the API names it: its file name (``deploy.yml``) or its numeric id."""
    return bool(_WORKFLOW.match(word))


def is_token(word: str) -> bool:
    return bool(TOKEN.match(word))


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at.astimezone(UTC) if at.tzinfo else None


def created_at(run: Mapping[str, Any]) -> datetime | None:
    return _time(run.get("created_at")) or _time(run.get("run_started_at"))


def deploy_of(run: Mapping[str, Any], repo: str) -> DeployEvent | None:
    """The deploy a completed workflow run was (None: not completed, or it deployed
    nothing, or GitHub's answer lacks what is needed)."""
    if run.get("status") != "completed":
        return None
    conclusion = run.get("conclusion")
    if conclusion not in SUCCEEDED and conclusion not in FAILED:
        return None
    run_id = run.get("id")
    if not isinstance(run_id, int) or isinstance(run_id, bool):
        return None
    started = _time(run.get("run_started_at")) or _time(run.get("created_at"))
    finished = _time(run.get("updated_at"))
    if started is None or finished is None or finished < started:
        return None
    attempt = run.get("run_attempt")
    attempt = attempt if isinstance(attempt, int) and attempt > 0 else 1
    return DeployEvent(
        id=f"{repo}#{run_id}.{attempt}",
        service=repo,
        environment="production",  # the team named this workflow as its production deploys
        succeeded=conclusion in SUCCEEDED,
        started_at=started,
        finished_at=finished,
        source=GITHUB,
    )


def next_page(link: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, if any."""
    for part in (link or "").split(","):
        url, _, params = part.partition(";")
        if re.search(r'rel="?next"?', params):
            return url.strip().strip("<>") or None
    return None


def wait_until(status: int, headers: Mapping[str, str], now: datetime) -> datetime | None:
    """When the next request may go, if GitHub's answer says to wait (None: no need).
    ``headers`` with lower-case names."""
    retry = headers.get("retry-after", "").strip()
    remaining = headers.get("x-ratelimit-remaining", "").strip()
    reset = headers.get("x-ratelimit-reset", "").strip()
    at: datetime | None = None
    if status in (403, 429) and retry:
        if retry.isdigit():
            at = now + timedelta(seconds=int(retry))
        else:
            try:
                at = parsedate_to_datetime(retry).astimezone(UTC)
            except (TypeError, ValueError):
                at = now + NO_HINT_WAIT
    elif remaining == "0" and reset.isdigit():
        at = datetime.fromtimestamp(int(reset), UTC)
    elif status == 429:
        at = now + NO_HINT_WAIT
    if at is None:
        return None
    return min(max(at, now + timedelta(seconds=1)), now + LONGEST_WAIT)
