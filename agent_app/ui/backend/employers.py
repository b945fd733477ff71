"""The real backend's employer registration calls (`ServicesBackend` inherits them): the
registration of a business, its submit, the NIKs already active on this laptop, the server's
check of many NIKs, and the printable summary with the audit of its printing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from agent_app.services.actor import Actor
from agent_app.services.database import UowFactory

if TYPE_CHECKING:
    from agent_app.services.employer_summary import EmployerSummary
    from agent_app.services.sync import ParticipantCheck


class EmployerCalls:
    """What the employer registration page asks of the services."""

    uow_factory: UowFactory
    network_uow_factory: UowFactory
    actor: Actor
    server_url: Callable[[], str]

    def _server(self) -> str:
        raise NotImplementedError  # ServicesBackend's

    def employer_registration(self, business_id: str) -> Any | None:
        """The business's registration (the latest), or None."""
        from agent_app.services import employers

        found = employers.for_business(self.uow_factory(), self.actor, business_id)
        return found[0] if found else None

    def submit_employer(self, fields: dict[str, Any], registration_id: str | None) -> Any:
        """Submits (one use case, one transaction) and gives back the stored registration."""
        import uuid

        from agent_app.services import employers

        known = uuid.UUID(registration_id) if registration_id else None
        new_id = employers.submit(self.uow_factory(), self.actor, fields, registration_id=known)
        return employers.get(self.uow_factory(), self.actor, new_id)

    def employer_nik_conflicts(
        self, niks: list[str], registration_id: str | None
    ) -> Mapping[str, Any]:
        import uuid

        from agent_app.services import employers

        known = uuid.UUID(registration_id) if registration_id else None
        return employers.local_nik_conflicts(
            self.uow_factory(), self.actor, niks, registration_id=known
        )

    def check_participants(self, niks: list[str]) -> Mapping[str, ParticipantCheck]:
        """The server's word on many NIKs; empty without a server (offline never blocks)."""
        if not self.server_url():
            return {}
        server = self._server()
        from agent_app.services.sync import participants

        return participants.check_participants(self.network_uow_factory, self.actor, server, niks)

    def employer_summary(self, registration_id: str) -> EmployerSummary:
        from agent_app.services import employer_summary  # QR codes (segno): loaded when used

        return employer_summary.build_summary(self.uow_factory(), self.actor, registration_id)

    def record_employer_summary_printed(self, s: EmployerSummary, how: str) -> None:
        from agent_app.services import employer_summary

        employer_summary.record_printed(self.uow_factory(), self.actor, s, how)
