"""Logging that never writes a secret: Slack tokens, evidence hook tokens (``mbh_…``),
GitHub tokens (``ghp_…``, ``github_pat_…``) and OAuth client secrets are redacted from
every line, whoever logs it (slack_sdk logs whole requests and answers at DEBUG,
``oauth.v2.access`` and response_url posts included), exception text and tracebacks too."""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_TOKEN = re.compile(
    r"\b(?:xox[a-z]|xapp|xoxe)[.-][A-Za-z0-9._-]{4,}|mbh_[A-Za-z0-9_-]{8,}"
    r"|\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{8,}"  # GitHub tokens (evidence from Actions)
)
_SECRET_FIELD = re.compile(
    r"""(?P<key>["']?(?:client_secret|signing_secret|refresh_token|access_token|token)["']?"""
    r"""\s*[:=]\s*["']?)(?P<value>[^"',\s&}]+)"""
)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    text = _TOKEN.sub(REDACTED, text)
    return _SECRET_FIELD.sub(lambda m: m.group("key") + REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line (message, exception, stack) has secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(level: str) -> None:
    """Root logging for the CLI: one stream handler, secrets redacted."""
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(FORMAT))
    logging.getLogger("alembic").setLevel(logging.WARNING)
