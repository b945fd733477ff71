"""Use cases for businesses (UMKM): register, update, search, and the detail an agent reads
before walking in (the business and its visit history)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from agent_app.domain import keys, records, validation
from agent_app.domain.filters import BusinessFilter
from agent_app.services import _input, attachments
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound
from agent_app.storage import rows, wire
from agent_app.storage.rows import BusinessRow
from agent_app.storage.uow import SqlUnitOfWork

__all__ = [
    "BusinessDetail",
    "BusinessRow",
    "count",
    "get_detail",
    "register_business",
    "search",
    "update_business",
]

log = logging.getLogger("db")

ENTITY = keys.Entity.BUSINESS
EDITABLE = wire.BUSINESS_FIELDS


@dataclass(frozen=True, slots=True)
class BusinessDetail:
    business: records.Business
    visits: list[records.Visit]
    sync: rows.SyncMeta | None = None


def register_business(
    uow: SqlUnitOfWork, actor: Actor, fields: dict[str, Any], event_id: str | None = None
) -> records.Business:
    """Registers a new business as a prospect (unless `fields` says otherwise).

    Raises:
        ValidationFailed: with one problem per bad field.
    """
    given = dict(fields)
    if event_id is not None and "event_id" not in given:
        given["event_id"] = event_id
    cleaned, problems = _input.clean(given, EDITABLE)
    cleaned.setdefault("status", keys.BusinessStatus.PROSPECT.value)
    if cleaned.get("name") is None:
        cleaned.pop("name", None)
    problems += validation.validate_business(cleaned)
    _input.check(problems)
    business = dataclasses.replace(
        records.Business(id=str(uuid.uuid4()), name=""),
        **wire.record_changes(ENTITY, cleaned),
        registered_by=actor.agent_code,
    )
    with uow:
        attachments.check_held(uow, (), business.attachments)
        uow.businesses.add(business)
        _input.write_change(
            uow,
            actor_code=actor.agent_code,
            action="business.register",
            entity=ENTITY,
            entity_id=business.id,
            kind=keys.OpKind.CREATE,
            base_version=None,
            fields=wire.to_wire(business, ENTITY),
        )
        uow.commit()
    log.info("business %s registered", business.id)
    return business


def update_business(
    uow: SqlUnitOfWork, actor: Actor, business_id: str, changes: dict[str, Any]
) -> records.Business:
    """Changes some fields of a business; only the fields that really change travel.

    Raises:
        NotFound: no such business.
        ValidationFailed: with one problem per bad field.
    """
    cleaned, problems = _input.clean(changes, EDITABLE)
    if "name" in cleaned and cleaned["name"] is None:
        problems.append(_input.required("name"))
        del cleaned["name"]
    problems += validation.validate_business(cleaned, partial=True)
    _input.check(problems)
    with uow:
        old = uow.businesses.get(business_id)
        meta = uow.businesses.meta(business_id)
        if old is None or meta is None:
            raise NotFound(ENTITY, business_id)
        new = dataclasses.replace(old, **wire.record_changes(ENTITY, cleaned))
        attachments.check_held(uow, old.attachments, new.attachments)
        changed = wire.diff(wire.to_wire(old, ENTITY), wire.to_wire(new, ENTITY))
        if not changed:
            return old
        uow.businesses.update(new)
        _input.write_change(
            uow,
            actor_code=actor.agent_code,
            action="business.update",
            entity=ENTITY,
            entity_id=business_id,
            kind=keys.OpKind.UPDATE,
            base_version=meta.version,
            fields=changed,
            record=wire.to_wire(new, ENTITY),
        )
        uow.commit()
    log.info("business %s updated (%s)", business_id, ", ".join(sorted(changed)))
    return new


def _filter(
    text: str,
    status: str | None,
    sector: str | None,
    event_id: str | None,
    follow_up_due_on: dt.date | None,
) -> BusinessFilter:
    return BusinessFilter(
        text=text or "",
        status=str(status) if status else None,
        sector=sector,
        event_id=event_id,
        follow_up_due_on=follow_up_due_on,
    )


def search(
    uow: SqlUnitOfWork,
    text: str = "",
    status: str | None = None,
    sector: str | None = None,
    event_id: str | None = None,
    follow_up_due_on: dt.date | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[BusinessRow]:
    """One page of businesses whose name or owner contains every word of `text`, by name."""
    flt = _filter(text, status, sector, event_id, follow_up_due_on)
    with uow:
        return uow.businesses.search(flt, offset=offset, limit=limit)


def first_page(
    uow: SqlUnitOfWork,
    text: str = "",
    status: str | None = None,
    sector: str | None = None,
    event_id: str | None = None,
    follow_up_due_on: dt.date | None = None,
    limit: int = 100,
) -> tuple[list[BusinessRow], int]:
    """`search`'s first page and `count`, read together (the list's keystroke, issue 15)."""
    flt = _filter(text, status, sector, event_id, follow_up_due_on)
    with uow:
        return uow.businesses.first_page(flt, limit)


#: Texts that match nothing, one of each form a typed search takes: a short word (the name's
#: prefix), a word of three letters or more (the trigram index), and both. The first search of
#: each form in a session built and prepared its statement (SQLAlchemy's compile, SQLite's
#: prepare, the trigram index's first read): 3-5 ms more CPU on the first "p" and "pem" typed.
WARM_TEXTS = ("~", "~~~", "~~~ ~")


def warm_search(uow: SqlUnitOfWork) -> None:
    """The search's index read into the database connection's cache, so the first word typed
    in the business list does not pay for it (issue 15: 55-60 ms of a cold first word at
    100,000 businesses, 9-15 ms warm); then a first page asked for each of `WARM_TEXTS`, so
    the first keystroke of each form finds its statement ready (the page's size is a bound
    value: any size prepares the same statement)."""
    with uow:
        uow.businesses.warm_search()
        for text in WARM_TEXTS:
            uow.businesses.first_page(_filter(text, None, None, None, None), 1)


def count(
    uow: SqlUnitOfWork,
    text: str = "",
    status: str | None = None,
    sector: str | None = None,
    event_id: str | None = None,
    follow_up_due_on: dt.date | None = None,
) -> int:
    """How many businesses `search` would page through with the same filters."""
    flt = _filter(text, status, sector, event_id, follow_up_due_on)
    with uow:
        return uow.businesses.count(flt)


def get_detail(uow: SqlUnitOfWork, business_id: str) -> BusinessDetail:
    """The business, its visits (latest first) and its sync state; of a business merged into
    another on the server, the one it became (issue 18).

    Raises:
        NotFound: no such business.
    """
    with uow:
        business = uow.businesses.get(business_id)
        survivor = uow.businesses.survivor_of(business_id) if business is None else None
        if survivor is not None:
            business_id, business = survivor, uow.businesses.get(survivor)
        if business is None:
            raise NotFound(ENTITY, business_id)
        return BusinessDetail(
            business, uow.visits.for_business(business_id), uow.businesses.meta(business_id)
        )
