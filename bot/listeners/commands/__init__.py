"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import COMMAND
from bot.listeners.commands import maturity


def register(app: App) -> None:
    app.command(COMMAND)(maturity.handle_maturity)
