"""Accounts and devices: login, refresh, lockout and the check of every call's access token.

Login verifies the argon2id hash, binds the device to the agent (a booth laptop may be bound to
several agents of its branch: a device belongs to the branch of its first login, and a revoked
one binds nobody until `reset-device`), registers the agent's own Ed25519 bundle-signing key on
that device once when given, and issues an access token and a refresh token; each login starts
a token family. A refresh token is traded in once for a new pair of the same family
(rotation); traded in again within `refresh_grace_seconds` (an answer lost on the way back) it
gives the same pair again (kept sealed under a key only that token gives), and after that it
is taken as stolen: every refresh token of its family is revoked and the person logs in again.
Wrong passwords are counted in the database per agent code and client address, and logins are
rate-limited (throttle.py).
"""

from sync.server.accounts.devices import device_public_key as device_public_key
from sync.server.accounts.logins import login as login
from sync.server.accounts.logins import verify_password as verify_password
from sync.server.accounts.principal import AuthError as AuthError
from sync.server.accounts.principal import Principal as Principal
from sync.server.accounts.principal import agent_info as agent_info
from sync.server.accounts.principal import authenticate as authenticate
from sync.server.accounts.tokens import refresh as refresh
from sync.server.accounts.tokens import revoke_refresh_tokens as revoke_refresh_tokens
