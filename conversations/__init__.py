"""The maturity-bot domain: the maturity model, scoring, the check-in flow and nudges.

Pure Python: no Slack, no database. ``bot/`` renders what this package decides and
``storage/`` keeps its ids and answers.
"""
