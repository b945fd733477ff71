"""Recording a visit to a business, which also moves the business along: an `enrolled` or
`declined` outcome sets that status; any other outcome turns a prospect into `contacted`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from typing import Any

from agent_app.domain import keys, records, validation
from agent_app.services import _input, attachments
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound
from agent_app.storage import wire
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

ENTITY = keys.Entity.VISIT
EDITABLE = tuple(name for name in wire.VISIT_FIELDS if name != "business_id")


def business_status_after(
    current: keys.BusinessStatus, outcome: keys.VisitOutcome
) -> keys.BusinessStatus:
    """The status a business takes after a visit with this outcome."""
    if outcome is keys.VisitOutcome.ENROLLED:
        return keys.BusinessStatus.ENROLLED
    if outcome is keys.VisitOutcome.DECLINED:
        return keys.BusinessStatus.DECLINED
    if current is keys.BusinessStatus.PROSPECT:
        return keys.BusinessStatus.CONTACTED
    return current


def record_visit(
    uow: SqlUnitOfWork, actor: Actor, business_id: str, fields: dict[str, Any]
) -> records.Visit:
    """Records a visit (now, unless `visited_at` is given) and updates the business's status.

    Raises:
        NotFound: no such business.
        ValidationFailed: with one problem per bad field.
    """
    cleaned, problems = _input.clean(fields, EDITABLE)
    cleaned["business_id"] = business_id
    if cleaned.get("visited_at") is None:
        cleaned["visited_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    cleaned.setdefault("channel", keys.VisitChannel.DOOR_TO_DOOR.value)
    cleaned.setdefault("outcome", keys.VisitOutcome.INTERESTED.value)
    problems += validation.validate_visit(cleaned)
    _input.check(problems)
    with uow:
        business = uow.businesses.get(business_id)
        meta = uow.businesses.meta(business_id)
        if business is None or meta is None:
            raise NotFound(keys.Entity.BUSINESS, business_id)
        visit = dataclasses.replace(
            records.Visit(
                id=str(uuid.uuid4()), business_id=business_id, visited_at=dt.datetime.now()
            ),
            **wire.record_changes(ENTITY, cleaned),
            agent_code=actor.agent_code,
        )
        attachments.check_held(uow, (), visit.attachments)
        uow.visits.add(visit)
        _input.write_change(
            uow,
            actor_code=actor.agent_code,
            action="visit.record",
            entity=ENTITY,
            entity_id=visit.id,
            kind=keys.OpKind.CREATE,
            base_version=None,
            fields=wire.to_wire(visit, ENTITY),
            details={"business_id": business_id, "outcome": visit.outcome.value},
        )
        uow.businesses.refresh_visit_summary(business_id)
        status = business_status_after(business.status, visit.outcome)
        if status is not business.status:
            uow.businesses.update(dataclasses.replace(business, status=status))
            _input.write_change(
                uow,
                actor_code=actor.agent_code,
                action="business.status",
                entity=keys.Entity.BUSINESS,
                entity_id=business_id,
                kind=keys.OpKind.UPDATE,
                base_version=meta.version,
                fields={"status": status.value},
                details={"visit_id": visit.id, "status": status.value},
            )
        uow.commit()
    log.info("visit %s recorded for business %s", visit.id, business_id)
    return visit
