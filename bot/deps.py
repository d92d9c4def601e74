"""What listeners and jobs share: settings, the database engine (never a session), and the
pool that runs a request's work after its acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.work import Work


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    work: Work = field(default_factory=lambda: Work(threads=0))


def deps_of(context: Any) -> Deps:
    deps = context.get("deps") if hasattr(context, "get") else None
    if not isinstance(deps, Deps):
        raise RuntimeError("the app was not built with build_app(); deps are missing")
    return deps
