"""runbook coverage and guessed minutes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:56:16.758466

- ``teams.runbook_complete``: whether the team's runbook lists all of its operations (NULL:
  not asked yet). Only then does the runbook's scripted share stand in for the team's
  ``scripted.ops_80pct`` answer.
- ``runbook_operations.minutes_guessed``: the minutes of a run are a guess (an imported step
  with no duration in its words), so its toil is shown as an estimate.

Data, both directions of the old behaviour undone:

- Until now every runbook change overwrote ``scripted.ops_80pct`` with the runbook's share
  (source ``runbook``, or ``assessment`` once a check-in had taken it as known), whatever the
  team had answered. No team has declared its runbook complete yet, so each such board row
  goes back to the latest answer a person gave (or, with none, to "not answered yet"), and
  the history says so.
- Imported operations still at the importer's default of 10 minutes and never edited
  (version 0) were guesses: they are marked as such.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime, utcnow

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCRIPTED = "scripted.ops_80pct"
IMPORTED = ("url", "paste", "message")
GUESSED_MINUTES = 10  # conversations.runbook.parsing.DEFAULT_MINUTES when this was written
EVIDENCE = (
    "The runbook's share no longer stands in for this answer: the runbook may not list every "
    "operation. Back to the last answer a person gave."
)

_statuses = sa.table(
    "criterion_statuses",
    sa.column("id", sa.Integer),
    sa.column("workspace_id", sa.Integer),
    sa.column("team_id", sa.Integer),
    sa.column("criterion_id", sa.String),
    sa.column("status", sa.String),
    sa.column("value", sa.Float),
    sa.column("source", sa.String),
    sa.column("updated_by", sa.String),
    sa.column("updated_at", UTCDateTime()),
)
_events = sa.table(
    "criterion_events",
    sa.column("id", sa.Integer),
    sa.column("workspace_id", sa.Integer),
    sa.column("team_id", sa.Integer),
    sa.column("criterion_id", sa.String),
    sa.column("status", sa.String),
    sa.column("value", sa.Float),
    sa.column("evidence", sa.String),
    sa.column("source", sa.String),
    sa.column("user_id", sa.String),
    sa.column("created_at", UTCDateTime()),
)
_operations = sa.table(
    "runbook_operations",
    sa.column("minutes_guessed", sa.Boolean),
    sa.column("minutes", sa.Integer),
    sa.column("source", sa.String),
    sa.column("version", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table('runbook_operations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('minutes_guessed', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('runbook_operations', schema=None) as batch_op:
        batch_op.alter_column('minutes_guessed', existing_type=sa.Boolean(), server_default=None)

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runbook_complete', sa.Boolean(), nullable=True))

    conn = op.get_bind()
    conn.execute(
        _operations.update()
        .where(
            _operations.c.source.in_(IMPORTED),
            _operations.c.minutes == GUESSED_MINUTES,
            _operations.c.version == 0,
        )
        .values(minutes_guessed=True)
    )
    _answers_back(conn)


def _answers_back(conn: sa.Connection) -> None:
    """Every ``scripted.ops_80pct`` status the runbook set — recorded as the runbook's, or
    recorded again by a check-in that took it as known (no change, so the history's last
    word is still the runbook's) — goes back to a person's latest answer."""
    rows = conn.execute(
        sa.select(
            _statuses.c.id, _statuses.c.workspace_id, _statuses.c.team_id, _statuses.c.source
        ).where(_statuses.c.criterion_id == SCRIPTED)
    ).all()
    now = utcnow()
    newest = (_events.c.created_at.desc(), _events.c.id.desc())
    for row_id, workspace_id, team_id, current in rows:
        events = sa.select(
            _events.c.status,
            _events.c.value,
            _events.c.source,
            _events.c.user_id,
            _events.c.created_at,
        ).where(_events.c.team_id == team_id, _events.c.criterion_id == SCRIPTED)
        last = conn.execute(events.order_by(*newest).limit(1)).first()
        if current != "runbook" and (last is None or last.source != "runbook"):
            continue  # a person's answer
        answer = conn.execute(
            events.where(_events.c.source != "runbook").order_by(*newest).limit(1)
        ).first()
        if answer is None:
            conn.execute(_statuses.delete().where(_statuses.c.id == row_id))
            status, value, source = "unknown", None, "runbook"
        else:
            status, value, source = answer.status, answer.value, answer.source
            conn.execute(
                _statuses.update()
                .where(_statuses.c.id == row_id)
                .values(
                    status=answer.status,
                    value=answer.value,
                    source=answer.source,
                    updated_by=answer.user_id,
                    updated_at=answer.created_at,
                )
            )
        conn.execute(
            _events.insert().values(
                workspace_id=workspace_id,
                team_id=team_id,
                criterion_id=SCRIPTED,
                status=status,
                value=value,
                evidence=EVIDENCE,
                source=source,  # the answer that is back (as storage.criteria.answer_back)
                user_id="",
                created_at=now,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('runbook_complete')

    with op.batch_alter_table('runbook_operations', schema=None) as batch_op:
        batch_op.drop_column('minutes_guessed')
