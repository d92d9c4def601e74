"""Alembic, configured in code so the installed package needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on a password containing '%'.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head", *, token_keys: list[str] | None = None) -> None:
    """Bring the database at ``url`` to ``revision``. ``token_keys`` (``TOKEN_ENCRYPTION_KEY``)
    let a migration encrypt tokens stored before encryption."""
    cfg = alembic_config(url)
    cfg.attributes["token_keys"] = list(token_keys or [])
    command.upgrade(cfg, revision)
