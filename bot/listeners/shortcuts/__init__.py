"""Shortcuts listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.shortcuts import runbook
from bot.slack.ids import CallbackId


def register(app: App) -> None:
    app.message_shortcut(CallbackId.RUNBOOK_ADD_STEPS)(runbook.handle_add_steps)
