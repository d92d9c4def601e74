"""Entry points that serve Slack: HTTP (gunicorn) and Socket Mode, over the same app."""
