"""What a login or refresh leaves the laptop (`SyncClient`, `sync.client`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tokens:
    """What a login (or refresh) leaves us: enough to call the server until it expires.

    `expires_at` is a Unix time (seconds). The server rotates the refresh token at each refresh
    (the old one is honoured again only briefly, for an answer lost on the way), so whoever
    persists tokens must persist every new pair (`on_tokens`).
    """

    access_token: str
    refresh_token: str
    expires_at: float
