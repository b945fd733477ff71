"""Reading employer registrations, and where a worker's NIK is already active on this
laptop (an enrollment, a worker of another registration): the form's live flag and the
submit's refusal say the same thing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from agent_app.domain import keys, records
from agent_app.domain.messages import Text
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound
from agent_app.storage.uow import SqlUnitOfWork

ENTITY = keys.EMPLOYER_REGISTRATION


def get_in(uow: SqlUnitOfWork, registration_id: str) -> records.EmployerRegistration:
    """The registration, in the caller's open unit of work; raises NotFound."""
    found = uow.employer_registrations.get(registration_id)
    if found is None:
        raise NotFound(ENTITY, registration_id)
    return found


def get(
    uow: SqlUnitOfWork, actor: Actor, registration_id: uuid.UUID | str
) -> records.EmployerRegistration:
    """One registration (with its review, employer number and sync state).

    Raises:
        NotFound: no such registration on this laptop.
    """
    with uow:
        return get_in(uow, str(registration_id))


def for_business(
    uow: SqlUnitOfWork, actor: Actor, business_id: uuid.UUID | str
) -> list[records.EmployerRegistration]:
    """The business's registrations on this laptop, the latest first (usually one)."""
    with uow:
        return uow.employer_registrations.for_business(str(business_id))


def conflicts_in(
    uow: SqlUnitOfWork, niks: Sequence[str], registration_id: str | None
) -> dict[str, Text]:
    """`local_nik_conflicts` inside the caller's open unit of work."""
    wanted = [nik for nik in dict.fromkeys(niks) if isinstance(nik, str) and nik]
    if not wanted:
        return {}
    found: dict[str, Text] = {}
    for nik in uow.enrollments.active_niks(wanted):
        found[nik] = Text.of("an enrollment on this laptop")
    workers = uow.employer_registrations.active_worker_niks(wanted, exclude_id=registration_id)
    for nik, (_registration, _business, name) in workers.items():
        if nik in found:
            continue
        if name:
            found[nik] = Text.of("a worker of {business}", business=name)
        else:
            found[nik] = Text.of("a worker of another employer registration")
    return found


def local_nik_conflicts(
    uow: SqlUnitOfWork,
    actor: Actor,
    niks: Sequence[str],
    *,
    registration_id: uuid.UUID | str | None = None,
) -> dict[str, Text]:
    """Which of `niks` are already active on this laptop, and where (a message to put after
    "already in"): an active enrollment, or a worker of another active registration (not
    `registration_id`, the one being corrected)."""
    with uow:
        return conflicts_in(uow, niks, None if registration_id is None else str(registration_id))
