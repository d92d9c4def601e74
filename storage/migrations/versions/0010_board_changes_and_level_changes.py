"""board changes and level changes

Revision ID: 0010
Revises: 0009

Issue 12, the criteria board as the team's working surface:

- ``criterion_events`` keeps what each change replaced (``old_status``, ``old_value``;
  NULL for changes recorded before this revision) and what the person said about it
  (``note``, ``link``), and gets an index for a criterion's own latest change.
- ``level_changes``: every change of a team's level, whoever moved which criterion, and
  whether (and how) it was announced in the team's channel.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('level_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('from_level', sa.Integer(), nullable=True),
    sa.Column('to_level', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('announced_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(
        'ix_level_change_pending', 'level_changes', ['team_id', 'announced_at'], unique=False
    )
    op.create_index(
        'ix_level_change_team',
        'level_changes',
        ['workspace_id', 'team_id', 'created_at'],
        unique=False,
    )

    # Added with defaults rather than altered afterwards: on SQLite an alteration would
    # rebuild the table (kept so even for a table nothing references yet).
    op.add_column(
        'criterion_events',
        sa.Column('old_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )
    op.add_column('criterion_events', sa.Column('old_value', sa.Float(), nullable=True))
    op.add_column(
        'criterion_events',
        sa.Column(
            'note',
            sqlmodel.sql.sqltypes.AutoString(length=500),
            nullable=False,
            server_default=sa.text("''"),
        ),
    )
    op.add_column(
        'criterion_events',
        sa.Column(
            'link',
            sqlmodel.sql.sqltypes.AutoString(length=2000),
            nullable=False,
            server_default=sa.text("''"),
        ),
    )
    op.create_index(
        'ix_criterion_event_criterion',
        'criterion_events',
        ['workspace_id', 'team_id', 'criterion_id', 'created_at'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_criterion_event_criterion', table_name='criterion_events')
    with op.batch_alter_table('criterion_events', schema=None) as batch_op:
        batch_op.drop_column('link')
        batch_op.drop_column('note')
        batch_op.drop_column('old_value')
        batch_op.drop_column('old_status')
    op.drop_index('ix_level_change_team', table_name='level_changes')
    op.drop_index('ix_level_change_pending', table_name='level_changes')
    op.drop_table('level_changes')
