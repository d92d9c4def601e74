"""The local Slack stand-in: a Slack Web API on localhost for tests and ``maturity-bot shell``."""

from bot.local.standin.records import (
    FILE_UPLOAD,
    RESPONSE_URL,
    Fault,
    RecordedCall,
    ResponseUrlPost,
)
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspace import DEFAULT_SCOPES, METHOD_SCOPES

__all__ = [
    "DEFAULT_SCOPES",
    "FILE_UPLOAD",
    "METHOD_SCOPES",
    "RESPONSE_URL",
    "Fault",
    "RecordedCall",
    "ResponseUrlPost",
    "SlackStandIn",
]
