"""Views listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.views import checkins, criteria, nudges, runbook
from bot.slack.ids import CallbackId


def register(app: App) -> None:
    app.view(CallbackId.RUNBOOK_FORM)(runbook.handle_form)
    app.view(CallbackId.RUNBOOK_PASTE)(runbook.handle_paste)
    app.view(CallbackId.RUNBOOK_PREVIEW)(runbook.handle_preview)
    app.view(CallbackId.RUNBOOK_REMIND_DATE)(runbook.handle_remind_date)
    app.view(CallbackId.RUNBOOK_SCRIPTED)(runbook.handle_scripted)
    app.view(CallbackId.RUNBOOK_KEEP_MANUAL)(runbook.handle_keep_manual)
    app.view(CallbackId.CRITERION_UPDATE)(criteria.handle_update)
    app.view(CallbackId.CHECKIN_SETTLE)(checkins.handle_settle)
    app.view(CallbackId.CHECKIN_NOTE)(checkins.handle_note)
    app.view(CallbackId.NUDGE_REASON)(nudges.handle_reason)
