"""Value types the stand-in records and hands back to tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Pseudo method names under which non-Web-API requests are recorded in ``SlackStandIn.calls``
# (and can be faulted with ``inject``): POSTs to a response_url, and the raw upload POST of
# files_upload_v2's second step.
RESPONSE_URL = "response_url"
FILE_UPLOAD = "file_upload"


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in answered (or dropped), in arrival order.

    ``params`` merges query string, form fields and JSON body; JSON-in-a-string fields
    (``blocks``, ``attachments``, ``view``, ``files``, ``metadata``) are decoded.
    ``headers`` keys are lower-case. ``status`` is the HTTP status sent (0 when the connection
    was dropped on purpose). ``response`` is the JSON body sent (for a response_url or upload
    POST, whose wire body is text, ``{"ok": true}`` or ``{"ok": false, "error": ...}``).
    ``at`` is ``time.time()`` when the answer was decided.
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    response: dict[str, Any]
    at: float
    path: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return error if isinstance(error, str) else None


@dataclass(frozen=True)
class ResponseUrlPost:
    """A POST the app made to a ``response_url`` minted by ``SlackStandIn.response_url``."""

    name: str
    body: dict[str, Any]
    status: int
    at: float
    error: str | None = None


@dataclass
class Fault:
    """An injected failure; consumed in injection order, ``remaining=None`` means forever."""

    method: str
    status: int | None = None
    error: str | None = None
    retry_after: int = 1
    delay: float | None = None
    disconnect: bool = False
    hold: float | None = None  # do the call, then keep its answer back this long
    remaining: int | None = 1
    hits: int = field(default=0)

    def matches(self, method: str) -> bool:
        return (self.remaining is None or self.remaining > 0) and self.method in (method, "*")
