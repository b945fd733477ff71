"""Pulled pages: every entity, deletions, repeats within a page, and what a pull must not touch."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.services import businesses, enrollments
from agent_app.services.actor import Actor
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork


def _change(
    entity: str,
    entity_id: str,
    version: int,
    fields: dict[str, Any],
    *,
    deleted: bool = False,
    seq: int | None = None,
) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "version": version,
        "deleted": deleted,
        "fields": {} if deleted else fields,
        "server_seq": seq if seq is not None else version,
    }


def _enrollment_wire(nik: str, **changes: Any) -> dict[str, Any]:
    fields = {
        "nik": nik,
        "full_name": "Dari Server",
        "birth_place": "Palembang",
        "birth_date": "1999-09-05",
        "gender": "F",
        "phone": "+6281234567890",
        "email": None,
        "address": "Jl. A",
        "region_code": "16.71.03",
        "occupation": "pedagang",
        "declared_income": 1_500_000,
        "programs": ["JKK", "JKM"],
        "period_months": 1,
        "paid_by_state": False,
        "monthly_contribution": 10_900,
        "consent": {"text_version": "2026.1", "given_at": "2026-11-21T09:00:00+07:00"},
        "business_id": None,
        "event_id": None,
        "status": "accepted",
        "review_reason": None,
        "membership_number": "BPU-9",
        "agent_code": "AG001",
    }
    fields.update(changes)
    return fields


def test_a_pulled_enrollment_the_laptop_lacks_is_written(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    store = LocalStore(engine)
    enrollment_id = str(uuid.uuid4())
    store.apply_pulled(
        [_change("enrollment", enrollment_id, 3, _enrollment_wire("1671034509990011"))], "c"
    )
    got = enrollments.get(uow, enrollment_id)
    assert got.status is keys.EnrollmentStatus.ACCEPTED
    assert got.birth_date == dt.date(1999, 9, 5)
    assert got.programs == ("JKK", "JKM")
    assert got.consent is not None and got.consent.text_version == "2026.1"
    assert got.version == 3
    assert enrollments.find_active_by_nik(uow, "1671034509990011") == got
    assert enrollments.count(uow, text="dari server") == 1


def test_the_latest_change_of_a_record_in_a_page_wins(engine: Engine, uow: SqlUnitOfWork) -> None:
    store = LocalStore(engine)
    new_id, old_id = str(uuid.uuid4()), str(uuid.uuid4())
    store.apply_pulled(
        [_change("business", old_id, 1, {"name": "Lama", "status": "prospect"})], "a"
    )
    store.apply_pulled(
        [
            _change("business", new_id, 2, {"name": "Kedua", "status": "contacted"}, seq=12),
            _change("business", new_id, 1, {"name": "Pertama", "status": "prospect"}, seq=11),
            _change("business", old_id, 2, {"name": "Lama 2", "status": "prospect"}, seq=13),
            _change("business", old_id, 3, {"name": "Lama 3", "status": "declined"}, seq=14),
        ],
        "b",
    )
    first = businesses.get_detail(uow, new_id).business
    assert (first.name, first.version, first.status.value) == ("Kedua", 2, "contacted")
    second = businesses.get_detail(uow, old_id).business
    assert (second.name, second.version) == ("Lama 3", 3)
    assert businesses.count(uow, text="kedua") == 1 and businesses.count(uow, text="pertama") == 0


def test_a_record_created_and_deleted_in_one_page_is_not_shown(
    engine: Engine, uow: SqlUnitOfWork
) -> None:
    store = LocalStore(engine)
    gone = str(uuid.uuid4())
    store.apply_pulled(
        [
            _change("business", gone, 1, {"name": "Sebentar", "status": "prospect"}, seq=1),
            _change("business", gone, 2, {}, deleted=True, seq=2),
        ],
        "c",
    )
    assert businesses.count(uow, text="sebentar") == 0
    assert businesses.count(uow) == 0


def test_deleted_visits_events_and_targets(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    store = LocalStore(engine)
    shop, visit = str(uuid.uuid4()), str(uuid.uuid4())
    event, target, rate = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    day = dt.date(2026, 11, 21)
    store.apply_pulled(
        [
            _change("business", shop, 1, {"name": "Toko", "status": "contacted"}),
            _change(
                "visit",
                visit,
                1,
                {
                    "business_id": shop,
                    "visited_at": "2026-11-20T09:00:00+07:00",
                    "channel": "booth",
                    "outcome": "follow_up",
                    "next_follow_up": "2026-11-21",
                },
            ),
            _change(
                "event",
                event,
                1,
                {
                    "name": "Expo",
                    "venue": "PIM",
                    "branch": "PLG",
                    "starts_on": "2026-11-20",
                    "ends_on": "2026-11-30",
                },
            ),
            _change(
                "target",
                target,
                1,
                {
                    "scope": "branch",
                    "scope_id": "PLG",
                    "metric": "businesses",
                    "goal": 100,
                    "period_start": "2026-11-01",
                    "period_end": "2026-11-30",
                },
            ),
            _change(
                "rate_table",
                rate,
                1,
                {"version": "2026.2", "effective_from": "2026-12-01", "table": {"rates": {}}},
            ),
        ],
        "d",
    )
    assert businesses.count(uow, follow_up_due_on=day) == 1
    with uow:
        assert [t.goal for t in uow.targets.for_scopes([("branch", "PLG")], day)] == [100]
        assert [e.id for e in uow.events.list(day)] == [event]
    store.apply_pulled(
        [
            _change("visit", visit, 2, {}, deleted=True),
            _change("event", event, 2, {}, deleted=True),
            _change("target", target, 2, {}, deleted=True),
        ],
        "e",
    )
    assert businesses.get_detail(uow, shop).visits == []
    assert businesses.count(uow, follow_up_due_on=day) == 0
    with uow:
        assert uow.targets.for_scopes([("branch", "PLG")], day) == []
        assert uow.events.list(day) == []


def test_a_pull_never_touches_drafts_or_pending_records(
    engine: Engine,
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    store = LocalStore(engine)
    draft = enrollments.save_draft(uow, actor, enrollment_fields(1))
    pending = businesses.register_business(uow, actor, {"name": "Lokal"})
    store.apply_pulled(
        [
            _change("enrollment", draft.id, 5, _enrollment_wire("1671034509990001")),
            _change("business", pending.id, 5, {"name": "Server", "status": "declined"}),
        ],
        "f",
    )
    assert businesses.get_detail(uow, pending.id).business.name == "Lokal"
    # A draft has no op, and the server has never seen it: an id collision is not possible in
    # practice; if it happens the server's record wins and the draft is replaced.
    assert store.get_cursor() == "f"


def test_each_account_on_a_shared_laptop_pulls_from_its_own_cursor(engine: Engine) -> None:
    """Agents see different records, so one agent's pull must not move another's cursor."""
    first, second, laptop = LocalStore(engine, "AG001"), LocalStore(engine, "AG002"), None
    first.apply_pulled([_change("business", str(uuid.uuid4()), 1, {"name": "A"})], "c-first")
    assert (first.get_cursor(), second.get_cursor()) == ("c-first", None)
    second.apply_pulled([], "c-second")
    assert (first.get_cursor(), second.get_cursor()) == ("c-first", "c-second")
    first.reset_cursor()  # after a 410, only that account starts again
    assert (first.get_cursor(), second.get_cursor()) == (None, "c-second")
    assert LocalStore(engine, laptop).get_cursor() is None  # the laptop-wide one is apart
