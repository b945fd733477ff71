"""Passwords, access tokens and refresh tokens of the central server.

Passwords are argon2id hashes (checked only at login). An access token is a short-lived,
HMAC-SHA256-signed statement `{agent, device, expiry}`; the secret lives in the database
(`server_meta`), so any server process sharing the database accepts it. Refresh tokens are
random, stored only as SHA-256 hashes, and rotated at each refresh (accounts/tokens.py: the grace
window and reuse detection). The pair a refresh token was traded for is kept sealed
(AES-256-GCM) under a key derived from that refresh token by HKDF: only a holder of the spent
token can open it again, and the database alone holds no usable token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.server import config


class TokenError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class AccessClaims:
    agent_code: str
    device_id: str
    expires_at: int


def password_hasher(settings: config.Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


def hash_password(settings: config.Settings, password: str) -> str:
    return password_hasher(settings).hash(password)


def verify_password(settings: config.Settings, stored_hash: str, password: str) -> bool:
    try:
        return password_hasher(settings).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_access_token(secret: bytes, agent_code: str, device_id: str, seconds: int) -> str:
    payload = _b64(
        json.dumps(
            {"a": agent_code, "d": device_id, "x": int(time.time()) + seconds, "v": 1},
            separators=(",", ":"),
        ).encode()
    )
    signature = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_access_token(secret: bytes, token: str) -> AccessClaims:
    """Checks the signature and expiry; raises TokenError (invalid_token, token_expired)."""
    try:
        payload, signature = token.split(".")
        expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            raise ValueError("bad signature")
        claims = json.loads(_unb64(payload))
        parsed = AccessClaims(str(claims["a"]), str(claims["d"]), int(claims["x"]))
    except (ValueError, KeyError, TypeError) as error:
        raise TokenError("invalid_token", "The access token is not valid.") from error
    if parsed.expires_at <= time.time():
        raise TokenError("token_expired", "The access token has expired; refresh it.")
    return parsed


def new_refresh_token() -> tuple[str, str]:
    """A new refresh token and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_SUCCESSOR_INFO = b"perisai refresh-token successor v1"


def _successor_key(token: str) -> bytes:
    return HKDF(hashes.SHA256(), length=32, salt=None, info=_SUCCESSOR_INFO).derive(
        token.encode("utf-8")
    )


def seal_successor(token: str, pair: dict[str, object]) -> str:
    """The pair `token` was traded for, sealed so that only a holder of `token` opens it."""
    nonce = os.urandom(12)
    sealed = AESGCM(_successor_key(token)).encrypt(
        nonce, json.dumps(pair, separators=(",", ":")).encode(), refresh_token_hash(token).encode()
    )
    return _b64(nonce + sealed)


def open_successor(token: str, sealed: str) -> dict[str, object] | None:
    """The pair sealed by `seal_successor` for this token, or None if it does not open."""
    try:
        raw = _unb64(sealed)
        plain = AESGCM(_successor_key(token)).decrypt(
            raw[:12], raw[12:], refresh_token_hash(token).encode()
        )
        pair = json.loads(plain)
    except (InvalidTag, ValueError):
        return None
    return pair if isinstance(pair, dict) else None
