"""``POST /hooks/deploys`` and ``POST /hooks/incidents``: the HTTP side of evidence.

In this order, each step cheaper than the next: the body is capped (:data:`MAX_HOOK_BODY`,
413 beyond it, read no further); the bearer token must belong to a team (401, nothing
else said); each token has its own rate (a token bucket in this process: a burst of
``HOOK_RATE_PER_MINUTE``, refilled at that rate; 429 with ``Retry-After`` when empty);
then the use case (``bot/usecases/evidence.py``) checks the body (400 naming the field)
and keeps the event (202). Tokens are never logged; a refusal is logged by its kind only.

With several workers or replicas each process keeps its own buckets, so the rate a token
gets overall is the per-process rate times the processes serving it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from bot.usecases.evidence import KINDS, HookAnswer, authenticate, receive

logger = logging.getLogger("maturity_bot.hooks")

HOOKS_PREFIX = "/hooks/"
HOOK_PATHS = tuple(HOOKS_PREFIX + name for name in KINDS)
MAX_HOOK_BODY = 64 * 1024


class TokenBuckets:
    """A token bucket per key (a hook token's hash): ``burst`` requests at once, refilled
    at ``per_minute`` a minute. Only tokens that authenticated get a bucket, so the
    buckets are as many as the teams sending events."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """0 when a request may go ahead (one taken), else the seconds until one may."""
        now = self.clock()
        with self._lock:
            level, at = self._buckets.get(key, (self.burst, now))
            level = min(self.burst, level + (now - at) * self.rate)
            if level >= 1:
                self._buckets[key] = (level - 1, now)
                return 0.0
            self._buckets[key] = (level, now)
            return (1 - level) / self.rate


@dataclass(frozen=True)
class HookReply:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Hooks:
    engine: Engine
    per_minute: int
    window_days: int
    buckets: TokenBuckets = field(init=False)

    def __post_init__(self) -> None:
        self.buckets = TokenBuckets(self.per_minute)

    def handle(self, environ: dict[str, Any], path: str) -> HookReply:
        kind = KINDS[path.removeprefix(HOOKS_PREFIX)]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return HookReply(400, {"error": "Content-Length is not a number"})
        if length > MAX_HOOK_BODY:
            return _too_large()
        raw = _read(environ, length)
        if len(raw) > MAX_HOOK_BODY:  # sent without a length (chunked)
            return _too_large()
        token = _bearer(environ.get("HTTP_AUTHORIZATION", ""))
        owner = authenticate(self.engine, token) if token else None
        if owner is None:
            logger.info("refused a %s event: no valid hook token", kind)
            return HookReply(
                401,
                {"error": "a valid hook token is required (Authorization: Bearer <token>)"},
                [("WWW-Authenticate", 'Bearer realm="maturity-bot"')],
            )
        wait = self.buckets.take(owner.token_hash)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            return HookReply(
                429,
                {
                    "error": "too many events for this token; try again later",
                    "retry_after": seconds,
                },
                [("Retry-After", str(seconds))],
            )
        answer: HookAnswer = receive(self.engine, owner, kind, raw, window_days=self.window_days)
        return HookReply(answer.status, answer.body)


def _too_large() -> HookReply:
    return HookReply(413, {"error": f"the body is larger than {MAX_HOOK_BODY} bytes"})


def _read(environ: dict[str, Any], length: int) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length > 0:
        return bytes(stream.read(length))
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        return bytes(stream.read(MAX_HOOK_BODY + 1))
    return b""


def _bearer(header: str) -> str:
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""
