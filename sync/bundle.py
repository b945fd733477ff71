"""The offline bundle: a push body carried on a USB stick when no network is to be had.

A bundle is the push body, gzip-compressed, encrypted to the central server's X25519 public
key (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM) and signed with the device's Ed25519 key.
The laptop seals it (`seal`); the server reads its clear header (`read_header`), looks up the
device's public key, and opens it (`open_bundle`). This module never imports `agent_app`.

Layout: ``MAGIC | u32 header length | header (JSON, UTF-8) | ciphertext | signature (64)``.
The header is the AES-GCM associated data; the signature covers everything before it.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"PRSBNDL1"
FORMAT_VERSION = 1
_INFO = b"perisai-bundle-v1"
_SIG_LEN = 64
_MAX_HEADER = 4096


class BundleError(ValueError):
    """A file that is not a readable bundle (bad format, signature or encryption)."""


class BundleTooLarge(BundleError):
    """The bundle's decompressed push body is larger than allowed."""


@dataclass(frozen=True)
class BundleHeader:
    device_id: str
    agent_code: str
    created_at: str
    ephemeral_public_key: bytes
    nonce: bytes


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def raw_public(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key of a private key."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def _derive_key(shared: bytes, ephemeral_public: bytes, server_public: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + server_public, info=_INFO
    )
    return hkdf.derive(shared)


def seal(
    push_body: dict[str, Any] | bytes,
    *,
    agent_code: str,
    server_public_key: bytes,
    device_private_key: Ed25519PrivateKey,
    created_at: str,
) -> bytes:
    """Makes a bundle file's bytes from a push body.

    Args:
        push_body: the push request (a dict, or its JSON bytes).
        agent_code: the agent the ops were recorded by (the device must be bound to them).
        server_public_key: the server's raw X25519 public key (from the login answer).
        device_private_key: the device's Ed25519 key (its public key was sent at login).
        created_at: ISO 8601 time with offset.
    """
    body = push_body if isinstance(push_body, bytes) else json.dumps(push_body).encode("utf-8")
    device_id = str(uuid.UUID(json.loads(body)["device_id"]))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(server_public_key))
    key = _derive_key(shared, ephemeral_public, server_public_key)
    nonce = os.urandom(12)
    header = json.dumps(
        {
            "v": FORMAT_VERSION,
            "device_id": device_id,
            "agent_code": agent_code,
            "created_at": created_at,
            "alg": "X25519-HKDF-SHA256-AES256GCM+Ed25519",
            "epk": b64(ephemeral_public),
            "nonce": b64(nonce),
        },
        sort_keys=True,
    ).encode("utf-8")
    ciphertext = AESGCM(key).encrypt(nonce, gzip.compress(body), header)
    signed = MAGIC + struct.pack(">I", len(header)) + header + ciphertext
    return signed + device_private_key.sign(signed)


def _split(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    if len(data) < len(MAGIC) + 4 + _SIG_LEN or not data.startswith(MAGIC):
        raise BundleError("not a Perisai bundle")
    (header_len,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if header_len > _MAX_HEADER or start + header_len + _SIG_LEN > len(data):
        raise BundleError("damaged bundle header")
    header = data[start : start + header_len]
    ciphertext = data[start + header_len : -_SIG_LEN]
    return data[:-_SIG_LEN], header, ciphertext, data[-_SIG_LEN:]


def read_header(data: bytes) -> BundleHeader:
    """The clear header: which device and agent the bundle claims to come from."""
    _, header, _, _ = _split(data)
    try:
        fields = json.loads(header)
        if fields.get("v") != FORMAT_VERSION:
            raise BundleError("unsupported bundle version")
        return BundleHeader(
            device_id=str(uuid.UUID(str(fields["device_id"]))),
            agent_code=str(fields["agent_code"]),
            created_at=str(fields["created_at"]),
            ephemeral_public_key=unb64(fields["epk"]),
            nonce=unb64(fields["nonce"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        if isinstance(error, BundleError):
            raise
        raise BundleError("damaged bundle header") from error


def _gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompresses gzip, stopping as soon as the output passes `max_bytes`."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    pending = data
    try:
        while pending and not inflater.eof:
            out += inflater.decompress(pending, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise BundleTooLarge(f"the bundle's body is larger than {max_bytes} bytes")
            pending = inflater.unconsumed_tail
    except zlib.error as error:
        raise BundleError("the bundle's body is not valid gzip") from error
    if not inflater.eof:
        raise BundleError("the bundle's body is truncated")
    return bytes(out)


def open_bundle(
    data: bytes,
    *,
    server_private_key: X25519PrivateKey,
    device_public_key: bytes,
    max_body_bytes: int,
) -> bytes:
    """Verifies and decrypts a bundle; returns the push body's JSON bytes.

    Raises:
        BundleError: bad format, signature or encryption.
        BundleTooLarge: the decompressed body is over `max_body_bytes` (checked while
            decompressing).
    """
    signed, header_bytes, ciphertext, signature = _split(data)
    header = read_header(data)
    try:
        Ed25519PublicKey.from_public_bytes(device_public_key).verify(signature, signed)
    except (InvalidSignature, ValueError) as error:
        raise BundleError("the bundle's signature does not match the device") from error
    server_public = raw_public(server_private_key)
    try:
        shared = server_private_key.exchange(
            X25519PublicKey.from_public_bytes(header.ephemeral_public_key)
        )
        key = _derive_key(shared, header.ephemeral_public_key, server_public)
        compressed = AESGCM(key).decrypt(header.nonce, ciphertext, header_bytes)
    except (InvalidTag, ValueError) as error:
        raise BundleError("the bundle was not sealed for this server") from error
    return _gunzip_capped(compressed, max_body_bytes)
