"""Runbook to script, the domain: ranking manual operations by toil, broken ones apart
(``ranking``), what a runbook's scripted share is evidence of and when it stands in for the
team's answer (``coverage``), the ``runbook add`` grammar (``adding``), the verb after
``/maturity runbook`` (``verbs``), guessing how often a step runs and how long it takes from
its words (``guessing``), and reading a Markdown or Slack runbook into steps (``parsing``)."""
