"""workspace uninstalled_at

Revision ID: 0008
Revises: 0007

``workspaces.uninstalled_at``: when the app was uninstalled from the workspace (NULL while
installed). Its scheduled posts stop; its data is deleted after the retention period.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uninstalled_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('uninstalled_at')
