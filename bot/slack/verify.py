"""Is this request from Slack? Signature checks that never raise, whatever the headers.

slack_sdk's verifier does ``int(timestamp)``: a request whose timestamp is ``x`` or empty
would make it raise, and an exception during verification used to reach the error handler
(which then answered the *unverified* request's ``response_url``). Here every such request
is simply not verified: 401, and nothing else runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger("maturity_bot.verify")

VERIFIED = "verified"  # the context key set once a request's signature checked out
LOGGED_BODY_CHARS = 120  # what of an unverified body may reach the log


def _first(headers: Mapping[str, Any], name: str) -> str:
    value = headers.get(name)
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if value else ""
    return str(value or "")


def signature_ok(
    verifier: SignatureVerifier, body: str | bytes, headers: Mapping[str, Any]
) -> bool:
    """True when ``body`` carries a valid, fresh Slack signature (header names lower-case)."""
    timestamp = _first(headers, "x-slack-request-timestamp")
    signature = _first(headers, "x-slack-signature")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12 or not signature:
        return False
    try:
        return verifier.is_valid(body, timestamp, signature)
    except Exception:  # whatever an odd header does to the verifier, it is not verified
        return False


def log_refusal(body: str | bytes, headers: Mapping[str, Any]) -> None:
    """One line about a refused request: a bounded prefix of its body, never all of it."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    logger.info(
        "refused a request that failed signature verification (timestamp %r, %d bytes: %r…)",
        _first(headers, "x-slack-request-timestamp")[:20],
        len(body),
        text[:LOGGED_BODY_CHARS],
    )


class RequestVerification(Middleware):
    """Bolt's request verification, minus its two problems: it cannot raise, and it logs
    a bounded prefix of a refused body rather than all of it. Marks verified requests in
    the context, so the error handler answers only those."""

    def __init__(self, signing_secret: str | None) -> None:
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        # Socket Mode requests arrive over a connection Slack authenticated; with no signing
        # secret (the shell, tests without one) there is nothing to verify against.
        if req.mode == "socket_mode" or self.verifier is None:
            req.context[VERIFIED] = True
            return next()
        if signature_ok(self.verifier, req.raw_body, req.headers):
            req.context[VERIFIED] = True
            return next()
        log_refusal(req.raw_body, req.headers)
        return BoltResponse(status=401, body={"error": "invalid request"})
