"""What listeners and jobs share: settings and the database engine (never a session)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.settings import Settings


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine


def deps_of(context: Any) -> Deps:
    deps = context.get("deps") if hasattr(context, "get") else None
    if not isinstance(deps, Deps):
        raise RuntimeError("the app was not built with build_app(); deps are missing")
    return deps
