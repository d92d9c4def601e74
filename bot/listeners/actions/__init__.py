"""Block action listeners (button clicks)."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.ids import ActionId
from bot.listeners.actions import assessment, nudges


def _prefixed(action_id: ActionId) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id.value)}:")


def register(app: App) -> None:
    app.action(_prefixed(ActionId.ASSESS_ANSWER))(assessment.handle_answer)
    app.action(_prefixed(ActionId.ASSESS_RESUME))(assessment.handle_resume)
    app.action(_prefixed(ActionId.ASSESS_RESTART))(assessment.handle_restart)
    app.action(_prefixed(ActionId.ASSESS_SHARE))(assessment.handle_share)
    app.action(_prefixed(ActionId.NUDGE_DISMISS))(nudges.handle_dismiss)
