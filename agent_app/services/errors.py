"""Failures of the use cases that the person can fix, each with a bilingual message."""

from __future__ import annotations

from collections.abc import Sequence

from agent_app.domain.messages import Text
from agent_app.domain.validation import Problem
from agent_app.errors import KnownError

_ENTITY_NAMES = {
    "business": Text.of("Business"),
    "visit": Text.of("Visit"),
    "enrollment": Text.of("Enrollment"),
    "event": Text.of("Event"),
    "assignment": Text.of("Assignment"),
    "employer_registration": Text.of("Employer registration"),
}


class ValidationFailed(KnownError):
    """Some fields break the rules; `problems` says which and why (one per field)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        names = ", ".join(p.field or "?" for p in self.problems)
        first_id = self.problems[0].message_id if self.problems else ""
        first_en = self.problems[0].message_en if self.problems else ""
        super().__init__(
            Text.of(
                "Check these fields: {names}. {first_en}",
                names=names,
                first_en=Text(first_id, first_en),
            ),
            code="validation_failed",
        )

    def fields(self) -> list[str]:
        return [p.field for p in self.problems]


class NotFound(KnownError):
    def __init__(self, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        name = _ENTITY_NAMES.get(entity, Text(entity, entity))
        super().__init__(Text.of("{name} not found.", name=name), code="not_found")


class DuplicateNik(KnownError):
    """This laptop already holds an active enrollment with the same NIK."""

    def __init__(self, existing_id: str) -> None:
        self.existing_id = existing_id
        super().__init__(
            Text.of("This NIK is already in another active enrollment on this laptop."),
            code="duplicate_nik",
        )


class Frozen(KnownError):
    """A submitted enrollment cannot change until the server accepts it or sends it back."""

    def __init__(self, enrollment_id: str, status: str) -> None:
        self.enrollment_id = enrollment_id
        self.status = status
        super().__init__(
            Text.of(
                "A submitted enrollment cannot be changed until it is "
                "accepted or sent back for correction."
            ),
            code="frozen",
        )
