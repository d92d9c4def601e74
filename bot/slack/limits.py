"""Slack's rate limits as design inputs.

- A 429's ``Retry-After`` pauses every post of *that workspace* (``WorkspaceGate``), not
  just the request that got it, and not other workspaces.
- At most one message per second per channel (``ChannelPacer``), Slack's documented pace.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState


class WorkspaceGate:
    """Closed while a workspace is rate limited; every sender for it waits here."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    def wait(self) -> None:
        while True:
            with self._lock:
                remaining = self._until - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(remaining)


class _RetryAfterHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, reading ``Retry-After`` as Slack sends it (seconds, possibly
    fractional) and waiting it out through :meth:`wait_out` (with a little jitter)."""

    def wait_out(self, seconds: float) -> None:
        time.sleep(seconds)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        state.next_attempt_requested = True
        self.wait_out(_retry_after(response.headers) + random.random() * 0.2)
        state.increment_current_attempt()


class CappedRateLimitHandler(_RetryAfterHandler):
    """For calls a person is waiting on: a 429 is waited out only when Slack asks for at
    most ``max_wait`` seconds; a longer ``Retry-After`` fails at once, and the person is
    told to try again, instead of a worker thread sleeping for a minute."""

    def __init__(self, max_wait: float = 3.0, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and _retry_after(response.headers) <= self.max_wait
        )


class GatedRateLimitHandler(_RetryAfterHandler):
    """The ``Retry-After`` closes the workspace's gate: every sender of that workspace
    waits, not just the request that got the 429."""

    def __init__(self, gate: WorkspaceGate, max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.gate = gate

    def wait_out(self, seconds: float) -> None:
        self.gate.pause(seconds)
        self.gate.wait()


def _retry_after(headers: dict[str, Any]) -> float:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                break
    return 1.0


class ChannelPacer:
    """Spaces posts to the same channel at least ``interval`` seconds apart."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(channel, 0.0))
            self._next[channel] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)
