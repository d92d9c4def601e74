"""Persistence: SQLModel tables, engine/session setup, data access, Alembic migrations.

Knows nothing of Slack. Every data-access function takes the workspace it works in.
"""
