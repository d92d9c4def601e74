"""Every action_id, block_id and callback_id, in one place.

Block builders and listener registrations both import these, so a rename cannot
half-apply. Assessment question blocks use the model's question ids (DESIGN.md).
"""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/maturity"


class ActionId(StrEnum):
    ASSESS_ANSWER = "assess.answer"
    ASSESS_RESUME = "assess.resume"
    ASSESS_RESTART = "assess.restart"
    ASSESS_SHARE = "assess.share"
    NUDGE_DISMISS = "nudge.dismiss"
    # Runbook to script (suffixed ``:<operation id>``, ``:<team id>`` or ``:<import key>``).
    RUNBOOK_REMIND = "runbook.remind"
    RUNBOOK_REMIND_TOP = "runbook.remind_top"
    RUNBOOK_EDIT = "runbook.edit"
    RUNBOOK_REMOVE = "runbook.remove"
    RUNBOOK_ADD = "runbook.add"
    RUNBOOK_PASTE = "runbook.paste"
    RUNBOOK_PAGE = "runbook.page"
    RUNBOOK_SHOW = "runbook.show"
    RUNBOOK_IMPORT_REVIEW = "runbook.import_review"
    RUNBOOK_IMPORT_ALL = "runbook.import_all"
    RUNBOOK_IMPORT_CANCEL = "runbook.import_cancel"
    REMINDER_SCRIPTED = "reminder.scripted"
    REMINDER_SNOOZE = "reminder.snooze"
    REMINDER_KEEP_MANUAL = "reminder.keep_manual"
    # The one input element of each runbook form block.
    RUNBOOK_INPUT = "value"
    # Asked before a team is created; "did you mean …": both carry on with the command.
    TEAM_CREATE = "team.create"
    COMMAND_RUN = "command.run"
    # Issue 12: the board's Update button (``criterion.update:<team id>``, value: the
    # criterion id) and the history's pages (``history.page:<team id>``, value: the page).
    CRITERION_UPDATE = "criterion.update"
    HISTORY_PAGE = "history.page"
    # Issue 12: the App Home's *Check in* / *Resume check-in* beside one of the person's
    # teams (``home.checkin:<team id>``): the check-in starts (or resumes) in their DM.
    HOME_CHECKIN = "home.checkin"
    # Teams as people manage them (suffixed ``:<team id>``; the list's page ``:<page>``;
    # the export buttons ``:<team id>:<format>``).
    TEAMS_PAGE = "teams.page"
    TEAM_SHOW = "team.show"
    TEAM_OWNERS = "team.owners"
    TEAM_CHANNEL = "team.channel"
    TEAM_RENAME = "team.rename"
    TEAM_EXPORT = "team.export"
    TEAM_DELETE = "team.delete"
    TEAM_DELETE_CONFIRM = "team.delete_confirm"
    # A workspace admin deleting everything the bot keeps for the workspace; and "keep it"
    # on any of these confirmations.
    WORKSPACE_DELETE_CONFIRM = "workspace.delete_confirm"
    CONFIRM_CANCEL = "confirm.cancel"
    # Issue 13: a weekly check-in's answer buttons (``checkin.answer:<check-in id>:<q>:<i>``,
    # in a block whose block_id is the criterion id) and its *Add to runbook*
    # (``checkin.runbook:<team id>``).
    CHECKIN_ANSWER = "checkin.answer"
    CHECKIN_RUNBOOK = "checkin.runbook"
    # Settling a disagreement (``checkin.settle:<calibration id>``, value: the status).
    CHECKIN_SETTLE = "checkin.settle"
    # *Add a note* beside an answered check-in question (``checkin.note:<check-in id>:<n>``,
    # value: the criterion id).
    CHECKIN_NOTE = "checkin.note"
    # Issue 15: *Use the measurement* / *Keep my answer* where a measurement differs from a
    # person's value (``checkin.measured:<check-in id>:<q>:<i>``, in a block whose block_id
    # is the criterion id; value: ``use`` or ``keep``).
    CHECKIN_MEASURED = "checkin.measured"
    # Issue 14: the answers to a nudge in the team's channel (``:<nudge record id>``).
    NUDGE_GOT_IT = "nudge.got_it"
    NUDGE_NOT_RELEVANT = "nudge.not_relevant"
    NUDGE_SNOOZE = "nudge.snooze"


class BlockId(StrEnum):
    USAGE = "usage"
    ERROR = "error"
    NUDGE_PREFIX = "nudge."
    # Runbook messages (operation blocks are suffixed with the operation id).
    RUNBOOK_HEADER = "runbook.header"
    RUNBOOK_SUMMARY = "runbook.summary"
    RUNBOOK_TOP = "runbook.top"
    RUNBOOK_NAV = "runbook.nav"
    RUNBOOK_NOTE = "runbook.note"
    RUNBOOK_OP_PREFIX = "runbook.op."
    RUNBOOK_OP_ACTIONS_PREFIX = "runbook.op_actions."
    RUNBOOK_PREVIEW = "runbook.preview"
    RUNBOOK_PREVIEW_ACTIONS = "runbook.preview_actions"
    REMINDER = "reminder"
    REMINDER_ACTIONS = "reminder.actions"
    # Runbook form fields (modals).
    RUNBOOK_TITLE = "runbook.title"
    RUNBOOK_FREQUENCY = "runbook.frequency"
    RUNBOOK_MINUTES = "runbook.minutes"
    RUNBOOK_SECTION = "runbook.section"
    RUNBOOK_SCRIPTED = "runbook.scripted"
    RUNBOOK_SCRIPT_URL = "runbook.script_url"
    RUNBOOK_BROKEN = "runbook.broken"
    RUNBOOK_BROKEN_NOTE = "runbook.broken_note"
    RUNBOOK_KEEP_MANUAL = "runbook.keep_manual"
    RUNBOOK_OWNER = "runbook.owner"
    RUNBOOK_TEXT = "runbook.text"
    RUNBOOK_DATE = "runbook.date"
    RUNBOOK_REASON = "runbook.reason"
    RUNBOOK_STEP_PREFIX = "runbook.step."
    # Issue 11: the list's groups (suffixed with ``conversations.runbook.ranking.Group``),
    # what the runbook covers, and the minutes of each step in the import preview
    # (suffixed with the step's index, like RUNBOOK_STEP_PREFIX).
    RUNBOOK_GROUP_PREFIX = "runbook.group."
    RUNBOOK_SCOPE = "runbook.scope"
    RUNBOOK_SCOPE_ACTIONS = "runbook.scope_actions"
    RUNBOOK_STEP_MINUTES_PREFIX = "runbook.step_minutes."
    # A command that needs a team the workspace does not have yet; a near-miss command.
    TEAM_QUESTION = "team.question"
    TEAM_ACTIONS = "team.actions"
    SUGGESTION = "usage.suggestion"
    # Issue 12. A criterion's row on the board (suffixed with the criterion id); the
    # fields of its Update form; the one message a level change posts (a contract,
    # DESIGN.md); the history's pages; "did you mean …" for a criterion id.
    BOARD_CRITERION_PREFIX = "board."
    BOARD_ACTIONS = "board_actions"
    CRITERION_STATUS = "criterion.status"
    CRITERION_VALUE = "criterion.value"
    CRITERION_LINK = "criterion.link"
    CRITERION_NOTE = "criterion.note"
    LEVEL_CHANGE = "level.change"
    HISTORY_HEADER = "history.header"
    HISTORY_NAV = "history.nav"
    CRITERION_SUGGESTIONS = "criterion.suggestions"
    # The App Home: one of the person's teams (suffixed ``<team id>``), a criterion of its
    # current step (suffixed ``<team id>.<criterion id>``), the person's reminders, and
    # the compact list of every team.
    HOME_TEAM_PREFIX = "home.team."
    HOME_CRITERION_PREFIX = "home.criterion."
    HOME_REMINDERS = "home.reminders"
    HOME_ALL_TEAMS = "home.all_teams"
    # The list of teams (rows suffixed with the team id), one team's card, confirmations.
    TEAMS_HEADER = "teams.header"
    TEAMS_ROW_PREFIX = "teams.row."
    TEAMS_NAV = "teams.nav"
    TEAM_CARD = "team.card"
    TEAM_RENAME_INPUT = "team.rename"
    TEAM_SETTINGS = "team.settings"
    TEAM_CARD_ACTIONS = "team.card_actions"
    TEAM_DELETE_QUESTION = "team.delete"
    # Issue 14: the daily nudge message's header, each nudge's buttons (suffixed with the
    # record id; the nudge itself is ``nudge.<rule id>``), what was answered in its place,
    # the list of ``/maturity nudges``, and the reason field of *Not relevant for us*.
    NUDGES_HEADER = "nudges.header"
    NUDGE_ACTIONS_PREFIX = "nudge_actions."
    NUDGE_ANSWERED_PREFIX = "nudge_answered."
    NUDGES_NONE = "nudges.none"
    NUDGE_REASON = "nudge_reason"
    TEAM_DELETE_ACTIONS = "team.delete_actions"
    # Exports (the format question's buttons are suffixed ``.csv`` / ``.json``) and
    # deleting the workspace's data.
    EXPORT_FORMAT = "export.format"
    WORKSPACE_DELETE_QUESTION = "workspace.delete"
    WORKSPACE_DELETE_ACTIONS = "workspace.delete_actions"
    # Issue 13: a weekly check-in DM (its questions' prompts are suffixed with the
    # criterion id; their buttons sit in a block whose id IS the criterion id).
    CHECKIN_INTRO = "checkin.intro"
    CHECKIN_QUESTION_PREFIX = "checkin.q."
    CHECKIN_NOTE_PREFIX = "checkin.note."  # the person's note under an answered question
    CHECKIN_SCRIPTED = "checkin.scripted"
    CHECKIN_BOARD = "checkin.board"
    CHECKIN_FOOTER = "checkin.footer"
    # A disagreement named in the team's channel (suffixed with the criterion id), its
    # settle buttons, and the settle form's "why".
    CALIBRATION_PREFIX = "calibration."
    CALIBRATION_ACTIONS = "calibration_actions"
    CALIBRATION_WHY = "calibration_why"
    CHECKIN_NOTE = "checkin_note"  # the note form's field
    CALIBRATION_NOTES = "calibration_notes"  # the notes given with a split's answers
    BOARD_SPLIT_PREFIX = "board_split."  # an open split under its criterion on the board
    # ``/maturity assess --team-wide``: its result in the team's channel (agreement per
    # criterion first, then the level).
    TEAMWIDE_RESULT = "teamwide.result"
    TEAMWIDE_LEVEL = "teamwide.level"


class RunbookScopeAction(StrEnum):
    """What a click says the runbook covers. Its buttons are ``runbook.show:<team id>:<this>``
    (they show the list again, with the answer recorded)."""

    ALL = "scope_all"
    SOME = "scope_some"


class CallbackId(StrEnum):
    # The message shortcut "Add steps to runbook" (declared in manifest.yml).
    RUNBOOK_ADD_STEPS = "runbook_add_steps"
    RUNBOOK_FORM = "runbook.form"
    RUNBOOK_PASTE = "runbook.paste"
    RUNBOOK_PREVIEW = "runbook.preview"
    RUNBOOK_REMIND_DATE = "runbook.remind_date"
    RUNBOOK_SCRIPTED = "runbook.scripted"
    RUNBOOK_KEEP_MANUAL = "runbook.keep_manual"
    RUNBOOK_NOTICE = "runbook.notice"
    CRITERION_UPDATE = "criterion.update"
    CHECKIN_SETTLE = "checkin.settle"  # settling a disagreement: why (issue 13)
    CHECKIN_NOTE = "checkin.note"  # a short note with a check-in answer (issue 13)
    NUDGE_REASON = "nudge.reason"  # why a nudge is not relevant (issue 14)
