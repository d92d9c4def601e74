"""The runbook feature's use cases, one module per concern.

- :mod:`.listing` — ``/maturity runbook [team]``, its help, and every page of the list;
  routes the ``/maturity runbook …`` subcommands (to :mod:`.editing` and :mod:`.importing`).
- :mod:`.editing` — add an operation (typed or through the form), edit it, remove it.
- :mod:`.importing` — import a whole runbook (a URL, pasted text, any message): preview,
  adjust, confirm or cancel.
- :mod:`.reminders` — "remind me to script this", and the reminder DM and its answers
  (scripted, snooze, keep manual); sends due reminders for the scheduler.
- :mod:`.coverage` — "does this runbook list all of your operations?": asked once on the
  list, changeable; only "all" lets the runbook's share stand in for the team's answer.
- :mod:`.common` — what they share: the team a command is about, who may change what,
  the ``scripted.ops_80pct`` criterion the runbook may feed, loading a page of the list.
- :mod:`.fetch` — fetching a runbook from a URL without letting anyone probe our network.

Imports point one way: ``listing`` → ``editing``, ``importing`` → ``common``;
``coverage`` → ``common``;
``importing`` → ``fetch``; ``reminders`` → ``common``. Nothing imports ``listing``.
"""
