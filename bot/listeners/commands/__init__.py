"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands import maturity
from bot.slack.ids import COMMAND


def register(app: App) -> None:
    app.command(COMMAND)(maturity.handle_maturity)
