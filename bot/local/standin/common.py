"""Shared bits of the stand-in's Slack semantics: answer types, id shapes, the error type."""

from __future__ import annotations

import re
from typing import Any

Params = dict[str, Any]
Answer = dict[str, Any]

CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]+$")
USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


class SlackError(Exception):
    """An ``ok: false`` answer: ``error`` plus any extra top-level fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def answer(self) -> Answer:
        return {"ok": False, "error": self.error, **self.extra}


def invalid(error: str, messages: list[str]) -> SlackError:
    return SlackError(error, response_metadata={"messages": messages})


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def id_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]
