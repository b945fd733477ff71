"""A key slot's cryptography: the argon2id derivation, the wrapping of the keys under it with
every power-granting field as associated data, and the slot's fields (see
`agent_app.security.keyslots`)."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from argon2.low_level import Type, hash_secret_raw

from agent_app.domain.keys import Role
from agent_app.security.accounts import SLOT_VERSION, Account, KdfParams


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def derive(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost_kib"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def aead(key: bytes) -> Any:
    """AES-256-GCM under `key`. cryptography (~7 MB resident) is imported here, at its first
    use; the app's log-in imports it in its warm-up (`AppShell.warm_up`)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def invalid_tag() -> type[Exception]:
    """What `aead(key).decrypt` raises for a wrong key or altered data (loaded with it)."""
    from cryptography.exceptions import InvalidTag

    return InvalidTag


def seal_slot(
    account: Account, wrapping: bytes, key: bytes, account_key: bytes, base: dict[str, Any]
) -> dict[str, Any]:
    """The slot's fields for `account`, its keys wrapped (fresh nonce) under `wrapping`
    with every power-granting field as associated data; `base` gives kdf and salt."""
    slot: dict[str, Any] = {
        "v": SLOT_VERSION,
        "agent_code": account.agent_code,
        "name": account.name,
        "branch": account.branch,
        "role": account.role.value,
        "confirmed": account.confirmed,
        "owner": account.owner,
        "kdf": base["kdf"],
        "salt": base["salt"],
    }
    nonce = secrets.token_bytes(12)
    slot["nonce"] = b64(nonce)
    slot["wrapped_key"] = b64(aead(wrapping).encrypt(nonce, key + account_key, bound(slot)))
    return slot


def kdf_params(kdf: KdfParams) -> dict[str, int]:
    return {
        "time_cost": kdf.time_cost,
        "memory_cost_kib": kdf.memory_cost_kib,
        "parallelism": kdf.parallelism,
    }


def bound(slot: dict[str, Any]) -> bytes:
    """The associated data of a slot's wrapped keys: every field that grants a power."""
    return json.dumps(
        {
            "v": SLOT_VERSION,
            "agent_code": slot["agent_code"],
            "name": slot["name"],
            "branch": slot["branch"],
            "role": slot["role"],
            "confirmed": slot.get("confirmed") is True,
            "owner": slot.get("owner") is True,
        },
        sort_keys=True,
        ensure_ascii=True,
    ).encode("ascii")


def account_of(slot: dict[str, Any]) -> Account:
    return Account(
        slot["agent_code"],
        slot["name"],
        slot["branch"],
        Role(slot["role"]) if slot["role"] in tuple(Role) else Role.AGENT,
        confirmed=slot.get("confirmed") is True,
        owner=slot.get("owner") is True,
    )
