"""Block Kit for the runbook, one module per concern: :mod:`.listing` (the ranked list),
:mod:`.forms` (the add/edit form), :mod:`.importing` (previews and the paste modal),
:mod:`.reminders` (the reminder DM and the modals that answer it), and :mod:`.common`
(what they share: quoting user text, option lists, one-question modals).

Built with slack_sdk's models, which check Slack's limits as they serialise. Titles,
sections, notes and URLs are the user's words: every one goes through ``escape_mrkdwn``
before it lands in mrkdwn (plain_text fields are not parsed by Slack).
"""
