"""a person's value kept over a measurement, confirmed in the weekly check-in

Revision ID: 0016
Revises: 0015

Issue 15, item 4: where a measurement differs from a person's value, the owner's weekly
check-in asks about it (``checkins.measured``: criterion id -> "" asked, "used", "kept");
*Keep my answer* is remembered on the measurement (``evidence_measurements.kept_by``,
``kept_status``, ``kept_value``: who, and what it measured then), so the same
measurement is not asked again and the board shows the override beside it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("measured", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("evidence_measurements") as batch:
        batch.add_column(
            sa.Column(
                "kept_by",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(
            sa.Column(
                "kept_status",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(sa.Column("kept_value", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence_measurements") as batch:
        batch.drop_column("kept_value")
        batch.drop_column("kept_status")
        batch.drop_column("kept_by")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("measured")
