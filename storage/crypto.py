"""Secrets at rest: tokens are stored encrypted with Fernet (AES-128-CBC + HMAC-SHA256,
from the well-kept ``cryptography`` package), never in plaintext.

Keys come from settings as a comma-separated list: the first encrypts, every one decrypts
(``MultiFernet``), so a key is rotated by putting the new key first, re-encrypting every
row (``maturity-bot tokens reencrypt``), then dropping the old key.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, base64)


class TokenCipherError(ValueError):
    """A key is malformed, or a stored token does not decrypt with any configured key."""


def parse_keys(raw: str) -> list[str]:
    """The keys of a comma-separated setting, each checked to be a Fernet key."""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for key in keys:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise TokenCipherError(
                "is not a list of Fernet keys (make one with: python -c "
                '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
            ) from None
    return keys


class TokenCipher:
    """Encrypts with the first key; decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise TokenCipherError("no key")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value == "":
            return value
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        """The plaintext of a stored value; a value stored before encryption (never a
        Fernet token) is returned as it is, so reading never fails on an old row."""
        if not value or not is_encrypted(value):
            return value
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise TokenCipherError("a stored token does not decrypt with any key") from None

    def rotate(self, value: str | None) -> str | None:
        """``value`` encrypted with the current (first) key, whatever it was before."""
        if not value:
            return value
        if not is_encrypted(value):
            return self.encrypt(value)
        try:
            return self._fernet.rotate(value.encode()).decode()
        except InvalidToken:
            raise TokenCipherError("a stored token does not decrypt with any key") from None


def is_encrypted(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)
