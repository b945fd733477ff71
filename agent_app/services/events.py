"""Outreach events (pulled from the server): the list an agent picks the current event from."""

from __future__ import annotations

import datetime as dt

from agent_app.domain import records
from agent_app.services.errors import NotFound
from agent_app.storage.uow import SqlUnitOfWork


def list_events(uow: SqlUnitOfWork, on: dt.date | None = None) -> list[records.Event]:
    """All events this laptop knows, or those running on the day `on`; the latest first."""
    with uow:
        return uow.events.list(on)


def get(uow: SqlUnitOfWork, event_id: str) -> records.Event:
    """Raises NotFound when the event is unknown here."""
    with uow:
        event = uow.events.get(event_id)
    if event is None:
        raise NotFound("event", event_id)
    return event
