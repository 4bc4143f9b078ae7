"""Tokens at rest: Fernet-encrypted with a key derived from FOLLOWTHROUGH_SECRET_KEY, or marked plain."""

from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)
_FERNET = "fernet:"
_PLAIN = "plain:"


class TokenCipher:
    """Encrypts what goes into the installation table; without a key it stores plain text (and says so)."""

    def __init__(self, secret_key: str | None) -> None:
        self._fernet = (
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest())) if secret_key else None
        )

    @property
    def encrypting(self) -> bool:
        """True when a secret key is configured."""
        return self._fernet is not None

    def seal(self, token: str | None) -> str | None:
        """Encrypt (or mark plain) a token for storage."""
        if token is None:
            return None
        if self._fernet is None:
            return _PLAIN + token
        return _FERNET + self._fernet.encrypt(token.encode()).decode()

    def open(self, stored: str | None) -> str | None:
        """Decrypt a stored token; None when it cannot be read with this key (never logged)."""
        if stored is None:
            return None
        if stored.startswith(_PLAIN):
            return stored[len(_PLAIN) :]
        if stored.startswith(_FERNET):
            if self._fernet is None:
                log.error("a stored token is encrypted but FOLLOWTHROUGH_SECRET_KEY is not set")
                return None
            try:
                return self._fernet.decrypt(stored[len(_FERNET) :].encode()).decode()
            except InvalidToken:
                log.error("a stored token does not decrypt with this FOLLOWTHROUGH_SECRET_KEY")
                return None
        return stored
