"""The tables of slack_sdk's SQLAlchemy OAuth stores (installations, bots, OAuth states).

slack_sdk defines them; we create them through our own Alembic migrations so the schema
has one history. Their shape does not depend on the client id.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Text, create_engine, select, update
from sqlalchemy.engine import Engine

from storage.crypto import TokenCipher

STATE_EXPIRY_S = 600
# The token columns hold Fernet ciphertext (storage.crypto), longer than slack_sdk's 200
# characters for a plaintext token: ours are TEXT.
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def store_metadata() -> list[MetaData]:
    probe = create_engine("sqlite://")
    installations = SQLAlchemyInstallationStore(client_id="schema", engine=probe).metadata
    for table in installations.tables.values():
        for name in TOKEN_COLUMNS:
            if name in table.c:
                table.c[name].type = Text()
    return [
        installations,
        SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRY_S, engine=probe).metadata,
    ]


def reencrypt_tokens(engine: Engine, cipher: TokenCipher) -> int:
    """Encrypt every stored token with the cipher's current (first) key — plaintext ones
    included — and return how many values were rewritten. Run after putting a new key first
    in ``TOKEN_ENCRYPTION_KEY``; then the old key can go."""
    rewritten = 0
    with engine.begin() as conn:
        for table in store_metadata()[0].tables.values():
            columns = [table.c[name] for name in TOKEN_COLUMNS if name in table.c]
            for row in conn.execute(select(table.c.id, *columns)).mappings():
                values = {c.name: cipher.rotate(row[c.name]) for c in columns if row[c.name]}
                if values:
                    conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
                    rewritten += len(values)
    return rewritten
