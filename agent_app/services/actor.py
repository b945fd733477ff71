"""Who performs a use case: the logged-in agent on this laptop.

`role` is the role the account acts with here (`keyslots.acting_role`: the server-confirmed
one). `account_key` is the account's own key, which only its password unwraps: it seals the
account's server tokens and bundle-signing key (`services.sync`), so a co-user holding the
shared database key cannot act as this agent against the server. `on_server_role` is called
with the role and branch the server answers at each login and refresh of this account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent_app.domain.keys import SUPERVISING, Role


@dataclass(frozen=True, slots=True)
class Actor:
    agent_code: str
    name: str
    branch: str
    role: Role = Role.AGENT
    device_id: str = ""
    account_key: bytes = field(default=b"", repr=False, compare=False)
    on_server_role: Callable[[str, str], None] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISING
