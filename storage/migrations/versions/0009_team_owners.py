"""team owners

Revision ID: 0009
Revises: 0008

``teams.owners``: the Slack user ids who own a team's board and settings (with workspace
admins); empty until set, when the team's creator owns it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added with a default rather than altered afterwards: on SQLite, altering ``teams``
    # would rebuild it, which its foreign keys forbid.
    op.add_column(
        'teams', sa.Column('owners', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )


def downgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('owners')
