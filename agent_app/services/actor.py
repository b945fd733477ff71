"""Who performs a use case: the logged-in agent on this laptop."""

from __future__ import annotations

from dataclasses import dataclass

from agent_app.domain.keys import Role


@dataclass(frozen=True, slots=True)
class Actor:
    agent_code: str
    name: str
    branch: str
    role: Role = Role.AGENT
    device_id: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR
