"""Runbook to script, the domain: ranking manual operations by toil (``ranking``), the
``runbook add`` grammar (``adding``), guessing how often a step runs and how long it takes
from its words (``guessing``), and reading a Markdown or Slack runbook into steps
(``parsing``)."""
