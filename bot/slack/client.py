"""The Web API client: short timeout, and slack_sdk's own retry handlers."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack.limits import CappedRateLimitHandler, GatedRateLimitHandler, WorkspaceGate

WEB_API_TIMEOUT_S = 5
INTERACTIVE_MAX_RETRY_AFTER_S = 3.0


def build_client(
    settings: Settings, token: str | None = None, *, gate: WorkspaceGate | None = None
) -> WebClient:
    """A WebClient against ``SLACK_API_URL`` that retries 429 (after ``Retry-After``),
    5xx answers and dropped connections a few times before giving up.

    With a ``gate`` (scheduled posts), a 429 pauses every request sharing that gate (one
    workspace's senders) for as long as Slack asks. Without one (requests a person is
    waiting on), a 429 is waited out only when it asks for a few seconds.
    """
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    rate_limit: RateLimitErrorRetryHandler = (
        GatedRateLimitHandler(gate, max_retry_count=3)
        if gate is not None
        else CappedRateLimitHandler(max_wait=INTERACTIVE_MAX_RETRY_AFTER_S)
    )
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            rate_limit,
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
