"""Slack plumbing: the Web API client, rate limits, OAuth, errors, and how answers reach
people. Nothing here knows the maturity model."""
