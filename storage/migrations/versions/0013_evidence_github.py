"""evidence from GitHub Actions

Revision ID: 0013
Revises: 0012

Issue 15, GitHub Actions polled for a team's deploys:

- ``evidence_github``: a team's GitHub connection — repository, workflow, its own token
  (Fernet ciphertext only), the ETag of the last answer, and when GitHub's rate limit lets
  the next poll go.
- ``evidence_events.source``: where an event came from, ``webhook`` or ``github`` (the
  events kept so far all came from the hooks).

The polls themselves are ``schedules`` rows of kind ``evidence_poll``, claimed like every
scheduled send.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'evidence_github',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('repo', sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column('workflow', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('token', sa.Text(), nullable=True),
        sa.Column('token_set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('resume_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('polled_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', name='uq_evidence_github_team'),
    )
    op.create_index(
        op.f('ix_evidence_github_workspace_id'), 'evidence_github', ['workspace_id'], unique=False
    )
    with op.batch_alter_table('evidence_events') as batch:
        batch.add_column(
            sa.Column(
                'source',
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default='webhook',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('evidence_events') as batch:
        batch.drop_column('source')
    op.drop_index(op.f('ix_evidence_github_workspace_id'), table_name='evidence_github')
    op.drop_table('evidence_github')
