"""a short note with a check-in answer, shown with a split

Revision ID: 0015
Revises: 0014

Issue 13, calibration: a person may give a short reason with an answer of a weekly
check-in (``checkins.reasons``: criterion id -> note), and a disagreement keeps the notes
of the answers it names (``calibrations.notes``: user id -> note) so the board, the
channel's message and the settle form show why people answered as they did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('checkins') as batch:
        batch.add_column(sa.Column('reasons', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('calibrations') as batch:
        batch.add_column(sa.Column('notes', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('calibrations') as batch:
        batch.drop_column('notes')
    with op.batch_alter_table('checkins') as batch:
        batch.drop_column('reasons')
