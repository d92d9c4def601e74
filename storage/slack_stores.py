"""The tables of slack_sdk's SQLAlchemy OAuth stores (installations, bots, OAuth states).

slack_sdk defines them; we create them through our own Alembic migrations so the schema
has one history. Their shape does not depend on the client id.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, create_engine

STATE_EXPIRY_S = 600


def store_metadata() -> list[MetaData]:
    probe = create_engine("sqlite://")
    return [
        SQLAlchemyInstallationStore(client_id="schema", engine=probe).metadata,
        SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRY_S, engine=probe).metadata,
    ]
