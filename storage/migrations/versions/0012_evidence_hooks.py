"""evidence hooks

Revision ID: 0012
Revises: 0011

Issue 15, evidence from the systems that deploy and page:

- ``evidence_hooks``: each team's hook token, as its SHA-256 only (one per team).
- ``evidence_events``: the deploy and incident events sent to a team's hooks, unique per
  ``(team, kind, id)`` so an event sent twice counts once.
- ``evidence_measurements``: what a team's recent events measure about a criterion.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('evidence_hooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', name='uq_hook_token_team'),
    sa.UniqueConstraint('token_hash', name='uq_hook_token_hash')
    )
    op.create_index(
        op.f('ix_evidence_hooks_workspace_id'), 'evidence_hooks', ['workspace_id'], unique=False
    )
    op.create_table('evidence_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('environment', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=True),
    sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rolled_back', sa.Boolean(), nullable=True),
    sa.Column('automated_rollback', sa.Boolean(), nullable=True),
    sa.Column('approval_required', sa.Boolean(), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=True),
    sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'kind', 'external_id', name='uq_evidence_event')
    )
    op.create_index(
        'ix_evidence_event_window',
        'evidence_events',
        ['workspace_id', 'team_id', 'kind', 'started_at'],
        unique=False,
    )
    op.create_table('evidence_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('evidence', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('measured_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'criterion_id', name='uq_evidence_measurement')
    )
    op.create_index(
        'ix_evidence_measurement_team',
        'evidence_measurements',
        ['workspace_id', 'team_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_evidence_measurement_team', table_name='evidence_measurements')
    op.drop_table('evidence_measurements')
    op.drop_index('ix_evidence_event_window', table_name='evidence_events')
    op.drop_table('evidence_events')
    op.drop_index(op.f('ix_evidence_hooks_workspace_id'), table_name='evidence_hooks')
    op.drop_table('evidence_hooks')
