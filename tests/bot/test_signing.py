"""Request signing against Slack's own published test vector."""

from __future__ import annotations

import json

from slack_sdk.signature import SignatureVerifier

from bot.payloads import sign


class _FixedClock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_slacks_signing_test_vector(shared_dir) -> None:
    vector = json.loads(
        (shared_dir / "slack-fixtures/requests/signing_test_vector.slash_command.json").read_text()
    )
    ts = int(vector["timestamp"])
    headers = sign(vector["raw_body"], vector["signing_secret"], ts)
    assert headers["X-Slack-Signature"] == vector["expected_signature"]
    verifier = SignatureVerifier(vector["signing_secret"], clock=_FixedClock(ts + 10))
    assert verifier.is_valid(vector["raw_body"], str(ts), vector["expected_signature"])
    assert not verifier.is_valid(vector["raw_body"] + "x", str(ts), vector["expected_signature"])
