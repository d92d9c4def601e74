"""nudges delivered to team channels

Revision ID: 0014
Revises: 0013

Issue 14, nudges on every change: each nudge record keeps the fingerprint of what
triggered it, what the team answered (got it, not relevant with a reason, remind me
later), until when it stays quiet, and the channel message it went out in. The daily
nudge message and the weekly pass are ``schedules`` rows (kinds ``nudges`` and
``nudges_weekly``), claimed like every scheduled send.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(
        name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False, server_default=''
    )


def upgrade() -> None:
    with op.batch_alter_table('nudges') as batch:
        batch.add_column(_text('fingerprint', 255))
        batch.add_column(_text('outcome', 16))
        batch.add_column(_text('reason', 500))
        batch.add_column(
            sa.Column('quiet_until', storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(_text('channel_id', 32))
        batch.add_column(_text('message_ts', 32))
        batch.create_index(
            'ix_nudge_fingerprint', ['team_id', 'fingerprint', 'created_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('nudges') as batch:
        batch.drop_index('ix_nudge_fingerprint')
        for name in ('message_ts', 'channel_id', 'quiet_until', 'reason', 'outcome', 'fingerprint'):
            batch.drop_column(name)
