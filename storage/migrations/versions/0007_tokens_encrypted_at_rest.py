"""tokens encrypted at rest

Revision ID: 0007
Revises: 0006

- The token columns of slack_sdk's installation store (``slack_installations`` and
  ``slack_bots``: bot, user and refresh tokens) become TEXT: they hold Fernet ciphertext,
  longer than a plaintext token.
- Every token already stored in plaintext is encrypted in place with the first key of
  ``TOKEN_ENCRYPTION_KEY`` (passed by ``storage.migrate.upgrade``, or read from the
  environment). Without plaintext tokens (a single-workspace install stores none) no key is
  needed; with some and no key, the upgrade stops and says so, changing nothing.
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.crypto import TokenCipher, is_encrypted, parse_keys

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


class TokensNeedAKey(RuntimeError):
    """Plaintext tokens are stored and no key was given to encrypt them with."""


def _keys() -> list[str]:
    given = op.get_context().config.attributes.get("token_keys") if op.get_context().config else None
    return list(given or parse_keys(os.environ.get("TOKEN_ENCRYPTION_KEY", "")))


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=True
                )
    bind = op.get_bind()
    plain: list[tuple[str, int, dict[str, str]]] = []
    for table, columns in COLUMNS.items():
        t = sa.table(table, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in columns))
        for row in bind.execute(sa.select(t)).mappings():
            values = {c: row[c] for c in columns if row[c] and not is_encrypted(row[c])}
            if values:
                plain.append((table, row["id"], values))
    if not plain:
        return
    keys = _keys()
    if not keys:
        raise TokensNeedAKey(
            f"{len(plain)} installation row(s) hold plaintext tokens: set TOKEN_ENCRYPTION_KEY "
            "to encrypt them, then upgrade again"
        )
    cipher = TokenCipher(keys)
    for table, row_id, values in plain:
        t = sa.table(table, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in values))
        bind.execute(
            sa.update(t).where(t.c.id == row_id).values({c: cipher.encrypt(v) for c, v in values.items()})
        )


def downgrade() -> None:
    # The tokens stay encrypted (decrypting them here would need the key and write secrets
    # back in plaintext); only the column types return.
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column, existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=True
                )
