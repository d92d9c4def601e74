"""Block action listeners (button clicks)."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.listeners.actions import (
    assessment,
    checkins,
    criteria,
    history,
    home,
    nudges,
    runbook,
    runbook_import,
    runbook_reminders,
    team_admin,
    teams,
    workspace_data,
)
from bot.slack.ids import ActionId


def _prefixed(action_id: ActionId) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id.value)}:")


def register(app: App) -> None:
    app.action(_prefixed(ActionId.ASSESS_ANSWER))(assessment.handle_answer)
    app.action(_prefixed(ActionId.ASSESS_RESUME))(assessment.handle_resume)
    app.action(_prefixed(ActionId.ASSESS_RESTART))(assessment.handle_restart)
    app.action(_prefixed(ActionId.ASSESS_SHARE))(assessment.handle_share)
    app.action(_prefixed(ActionId.NUDGE_DISMISS))(nudges.handle_dismiss)
    app.action(_prefixed(ActionId.NUDGE_GOT_IT))(nudges.handle_got_it)
    app.action(_prefixed(ActionId.NUDGE_NOT_RELEVANT))(nudges.handle_not_relevant)
    app.action(_prefixed(ActionId.NUDGE_SNOOZE))(nudges.handle_snooze)
    app.action(_prefixed(ActionId.RUNBOOK_REMIND))(runbook.handle_remind)
    app.action(_prefixed(ActionId.RUNBOOK_REMIND_TOP))(runbook.handle_remind_top)
    app.action(_prefixed(ActionId.RUNBOOK_EDIT))(runbook.handle_edit)
    app.action(_prefixed(ActionId.RUNBOOK_ADD))(runbook.handle_add)
    app.action(_prefixed(ActionId.RUNBOOK_REMOVE))(runbook.handle_remove)
    app.action(_prefixed(ActionId.RUNBOOK_PASTE))(runbook.handle_paste)
    app.action(_prefixed(ActionId.RUNBOOK_PAGE))(runbook.handle_page)
    app.action(_prefixed(ActionId.RUNBOOK_SHOW))(runbook.handle_show)
    app.action(_prefixed(ActionId.RUNBOOK_IMPORT_REVIEW))(runbook_import.handle_review)
    app.action(_prefixed(ActionId.RUNBOOK_IMPORT_ALL))(runbook_import.handle_import_all)
    app.action(_prefixed(ActionId.RUNBOOK_IMPORT_CANCEL))(runbook_import.handle_cancel)
    app.action(_prefixed(ActionId.REMINDER_SCRIPTED))(runbook_reminders.handle_scripted)
    app.action(_prefixed(ActionId.REMINDER_SNOOZE))(runbook_reminders.handle_snooze)
    app.action(_prefixed(ActionId.REMINDER_KEEP_MANUAL))(runbook_reminders.handle_keep_manual)
    app.action(ActionId.TEAM_CREATE)(teams.handle_create)
    app.action(ActionId.COMMAND_RUN)(teams.handle_run)
    app.action(_prefixed(ActionId.CRITERION_UPDATE))(criteria.handle_update)
    app.action(_prefixed(ActionId.HOME_CHECKIN))(home.handle_checkin)
    app.action(_prefixed(ActionId.HISTORY_PAGE))(history.handle_page)
    app.action(_prefixed(ActionId.TEAMS_PAGE))(team_admin.handle_page)
    app.action(_prefixed(ActionId.TEAM_SHOW))(team_admin.handle_show)
    app.action(_prefixed(ActionId.TEAM_OWNERS))(team_admin.handle_owners)
    app.action(_prefixed(ActionId.TEAM_CHANNEL))(team_admin.handle_channel)
    app.action(_prefixed(ActionId.TEAM_RENAME))(team_admin.handle_rename)
    app.action(_prefixed(ActionId.TEAM_EXPORT))(team_admin.handle_export)
    app.action(_prefixed(ActionId.TEAM_DELETE))(team_admin.handle_delete)
    app.action(_prefixed(ActionId.TEAM_DELETE_CONFIRM))(team_admin.handle_delete_confirm)
    app.action(ActionId.CONFIRM_CANCEL)(team_admin.handle_keep)
    app.action(ActionId.WORKSPACE_DELETE_CONFIRM)(workspace_data.handle_delete_confirm)
    app.action(_prefixed(ActionId.CHECKIN_ANSWER))(checkins.handle_answer)
    app.action(_prefixed(ActionId.CHECKIN_RUNBOOK))(checkins.handle_runbook)
    app.action(_prefixed(ActionId.CHECKIN_SETTLE))(checkins.handle_settle)
    app.action(_prefixed(ActionId.CHECKIN_NOTE))(checkins.handle_note)
    app.action(_prefixed(ActionId.CHECKIN_MEASURED))(checkins.handle_measured)
