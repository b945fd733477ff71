"""The Beranda's figures from one statement (`storage.dashboard_reads`, issue 15) are the
figures the repositories gave before, on a seeded database: stamps written with other offsets
near the branch's midnight, deleted rows, drafts, refused and conflicting records, the audit
trail's ops, records of two events and of two agents, and targets of every metric and scope;
for an agent and a supervisor, with and without an event, in the three zones."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import clock, keys, records
from agent_app.domain.filters import BusinessFilter
from agent_app.domain.keys import Role
from agent_app.services import dashboard
from agent_app.services.actor import Actor
from agent_app.storage import rows, tables
from agent_app.storage.dashboard_reads import Counts
from agent_app.storage.uow import SqlUnitOfWork
from devtools.seed import _bulk_businesses, _bulk_enrollments

TODAY = dt.date(2026, 12, 7)
EVENTS = ("e-1", "e-2")
AGENTS = ("AG001", "AG002")
OFFSETS = ("+07:00", "+09:00", "+00:00", "-05:00")


def _stamp(rng: random.Random) -> str:
    """A moment within two days of TODAY, often near a midnight, with some offset."""
    day = TODAY + dt.timedelta(days=rng.randrange(-3, 3))
    hour, minute = rng.choice([(0, 5), (1, 30), (16, 59), (17, 0), (22, 40), (23, 59), (9, 0)])
    return f"{day}T{hour:02d}:{minute:02d}:00{rng.choice(OFFSETS)}"


def _seed(engine: Engine) -> None:
    rng = random.Random(20261207)
    shops = _bulk_businesses(rng, 120, "2026-12-01T09:00:00+07:00")
    for n, shop in enumerate(shops):
        shop.update(
            created_at=_stamp(rng),
            deleted=n % 17 == 0,
            event_id=rng.choice((None, *EVENTS)),
            registered_by=rng.choice((None, *AGENTS)),
            status=rng.choice(("prospect", "visited", "enrolled", "declined")),
            next_follow_up=rng.choice((None, TODAY + dt.timedelta(days=rng.randrange(-4, 4)))),
            partner_source=rng.choice((None, "Koperasi Maju")),
        )
    people = _bulk_enrollments(rng, 120, "2026-12-01T09:00:00+07:00")
    for n, person in enumerate(people):
        person.update(
            submitted_at=_stamp(rng),
            deleted=n % 19 == 0,
            event_id=rng.choice((None, *EVENTS)),
            agent_code=rng.choice(AGENTS),
            status=rng.choice([s.value for s in keys.EnrollmentStatus]),
            sync_state=rng.choice(("synced", "pending", "rejected", "conflict")),
        )
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.Business), shops)
        conn.execute(sa.insert(tables.Enrollment), people)
        conn.execute(sa.insert(tables.Visit), [_visit(rng, shops, n) for n in range(150)])
        conn.execute(
            sa.insert(tables.EmployerRegistration), [_employer(rng, shops, n) for n in range(40)]
        )
        conn.execute(sa.insert(tables.OutboxOp), [_op(rng, n) for n in range(60)])
        conn.execute(sa.insert(tables.Target), list(_targets()))
        conn.execute(sa.insert(tables.Assignment), [_assignment(rng, shops, n) for n in range(30)])


def _visit(rng: random.Random, shops: list[dict[str, Any]], n: int) -> dict[str, Any]:
    stamp = _stamp(rng)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "business_id": rng.choice(shops)["id"],
        "visited_at": stamp,
        "agent_code": rng.choice((None, *AGENTS)),
        "event_id": rng.choice((None, *EVENTS)),
        "created_at": stamp,
        "updated_at": stamp,
        "deleted": n % 13 == 0,
    }


def _employer(rng: random.Random, shops: list[dict[str, Any]], n: int) -> dict[str, Any]:
    stamp = _stamp(rng)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "business_id": rng.choice(shops)["id"],
        "owner_name": "Pemilik",
        "owner_phone": "+6281200000000",
        "size_class": "mikro",
        "size_basis": "workers",
        "sector": "kuliner",
        "risk_group": "I",
        "start_date": TODAY,
        "programs": ["JKK", "JKM"],
        "workers": [],
        "monthly_contribution": 0,
        "status": rng.choice(("submitted", "accepted", "needs_correction")),
        "agent_code": rng.choice(AGENTS),
        "recorded_at": None if n % 3 == 0 else stamp,  # a pulled one: from when it came
        "created_at": _stamp(rng),
        "updated_at": stamp,
        "sync_state": rng.choice(("synced", "pending", "rejected", "conflict")),
        "deleted": n % 11 == 0,
    }


def _assignment(rng: random.Random, shops: list[dict[str, Any]], n: int) -> dict[str, Any]:
    return {
        "id": f"a-{n:02d}",
        "business_id": rng.choice(shops)["id"] if n % 5 else f"not-here-{n}",
        "agent_code": rng.choice(AGENTS),
        "kind": rng.choice(("visit", "follow_up", "enroll")),
        "due_on": TODAY + dt.timedelta(days=rng.randrange(-3, 3)),
        "note": rng.choice((None, "Tanyakan jumlah pekerja")),
        "status": rng.choice(("open", "open", "done")),
        "version": rng.choice((None, 1, 2)),
    }


def _op(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "op_seq": n + 1,
        "op_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "entity": "audit_event" if n % 4 == 0 else rng.choice(("business", "enrollment")),
        "entity_id": str(n),
        "kind": "create",
        "fields": {},
        "recorded_at": "2026-12-07T09:00:00+07:00",
        "status": rng.choice(("pending", "sent", "accepted", "rejected", "conflict")),
    }


def _targets() -> Any:
    period = (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1))
    scopes = (("agent", AGENTS[0]), ("branch", "PLG"), ("event", EVENTS[0]))
    metrics = ("enrollments", "businesses", "visits", "employers", "something_new")
    for n, ((scope, scope_id), metric) in enumerate((s, m) for s in scopes for m in metrics):
        yield {
            "id": f"t-{n}",
            "scope": scope,
            "scope_id": scope_id,
            "metric": metric,
            "goal": 10,
            "period_start": period[0],
            "period_end": period[1] if n % 2 else TODAY,
            "deleted": n in (1, 9),
        }
    yield {  # ended yesterday
        "id": "t-ended",
        "scope": "branch",
        "scope_id": "PLG",
        "metric": "visits",
        "goal": 5,
        "period_start": TODAY - dt.timedelta(days=9),
        "period_end": TODAY - dt.timedelta(days=1),
        "deleted": False,
    }


def _before(
    uow: SqlUnitOfWork, actor: Actor, on: dt.date, event_id: str | None, zone: str
) -> dashboard.DashboardSummary:
    """The figures as the repositories gave them before (the former `summary`)."""
    mine = None if actor.is_supervisor else actor.agent_code
    with uow:
        scopes = [("agent", actor.agent_code), ("branch", actor.branch)]
        if event_id:
            scopes.append(("event", event_id))
        progress = [
            _progress_before(uow, target, actor, zone)
            for target in uow.targets.for_scopes(scopes, on)
        ]
        draft = keys.EnrollmentStatus.DRAFT.value
        return dashboard.DashboardSummary(
            on=on,
            visits_today=uow.visits.count_between(
                on, on, agent_code=mine, event_id=event_id, zone=zone
            ),
            enrollments_today=uow.enrollments.count_submitted(
                on, on, agent_code=mine, event_id=event_id, zone=zone
            ),
            businesses_today=uow.businesses.count_created(
                on, on, registered_by=mine, event_id=event_id, zone=zone
            ),
            follow_ups_due=uow.businesses.count(
                BusinessFilter(follow_up_due_on=on, event_id=event_id)
            ),
            drafts=uow.enrollments.count(rows.EnrollmentFilter(status=draft, agent_code=mine)),
            needing_correction=len(uow.enrollments.needing_attention(mine)),
            unsynced_ops=uow.outbox.count_unsettled(),
            targets=progress,
            assignments=tuple(uow.assignments.for_agent(actor.agent_code, ("open",), 50)),
            employers_needing_correction=len(uow.employer_registrations.needing_attention(mine)),
        )


def _progress_before(
    uow: SqlUnitOfWork, target: records.Target, actor: Actor, zone: str
) -> dashboard.TargetProgress:
    agent = actor.agent_code if target.scope == "agent" else None
    event = target.scope_id if target.scope == "event" else None
    span = (target.period_start, target.period_end)
    if target.metric == "employers":
        by_status = uow.employer_registrations.count_by_status(
            *span, agent_code=agent, event_id=event, zone=zone
        )
        return dashboard.TargetProgress(
            target, by_status.get("accepted", 0), by_status.get("submitted", 0)
        )
    counted = {
        "enrollments": lambda: uow.enrollments.count_submitted(
            *span, agent_code=agent, event_id=event, zone=zone
        ),
        "businesses": lambda: uow.businesses.count_created(
            *span, registered_by=agent, event_id=event, zone=zone
        ),
        "visits": lambda: uow.visits.count_between(
            *span, agent_code=agent, event_id=event, zone=zone
        ),
    }
    return dashboard.TargetProgress(
        target, counted[target.metric]() if target.metric in counted else 0
    )


@pytest.fixture
def seeded(engine: Engine) -> SqlUnitOfWork:
    _seed(engine)
    return SqlUnitOfWork(engine)


def test_the_same_figures_as_the_repositories_gave(seeded: SqlUnitOfWork) -> None:
    agent = Actor(AGENTS[0], "Agen Uji", "PLG", Role.AGENT)
    supervisor = Actor("SPV01", "Penyelia", "PLG", Role.SUPERVISOR)
    yesterday = TODAY - dt.timedelta(days=1)
    cases = [(agent, None, zone, on) for zone in clock.ZONES for on in (yesterday, TODAY)]
    cases += [(supervisor, EVENTS[0], clock.WIT, TODAY), (agent, EVENTS[0], clock.WITA, TODAY)]
    cases += [(supervisor, None, clock.WIB, yesterday)]
    for actor, event_id, zone, on in cases:
        after = dashboard.summary(seeded, actor, on, event_id=event_id, zone=zone)
        assert after == _before(seeded, actor, on, event_id, zone)
    # the seed gives every figure something to count (a comparison of zeros proves nothing)
    summary = dashboard.summary(seeded, supervisor, TODAY, zone=clock.WIT)
    figures = (
        summary.visits_today,
        summary.enrollments_today,
        summary.businesses_today,
        summary.follow_ups_due,
        summary.drafts,
        summary.needing_correction,
        summary.unsynced_ops,
        summary.employers_needing_correction,
    )
    assert all(figures), figures
    assert {p.target.metric for p in summary.targets if p.achieved} >= {
        "enrollments",
        "businesses",
        "visits",
        "employers",
    }
    assert any(p.pending for p in summary.targets)
    mine = dashboard.summary(seeded, agent, TODAY, zone=clock.WIB).assignments
    assert {a.business_name is None for a in mine} == {True, False}
    assert any(a.partner_source for a in mine)


def test_the_branch_zone_is_read_when_not_given(seeded: SqlUnitOfWork) -> None:
    agent = Actor(AGENTS[0], "Agen Uji", "PLG", Role.AGENT)
    # no zone recorded for the branch: WIB, as `zones.zone_in` says
    assert dashboard.summary(seeded, agent, TODAY) == _before(seeded, agent, TODAY, None, clock.WIB)


def test_three_statements_one_for_every_count(seeded: SqlUnitOfWork, engine: Engine) -> None:
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    supervisor = Actor("SPV01", "Penyelia", "PLG", Role.SUPERVISOR)
    dashboard.summary(seeded, supervisor, TODAY, event_id=EVENTS[0], zone=clock.WIB)
    assert len(seen) == 3, seen  # the targets, the counts, the assignments


def test_the_partial_indexes_still_serve_the_counts(seeded: SqlUnitOfWork) -> None:
    """Their WHERE terms are written word for word, so SQLite can use them."""
    counts = Counts()
    counts.follow_ups_due(TODAY)
    counts.enrollments_needing_attention()
    with seeded:
        statement = counts.statement()
        plan = " ".join(
            str(row[-1])
            for row in seeded.session.execute(
                sa.text("EXPLAIN QUERY PLAN " + statement.text), counts.params
            )
        )
    assert "ix_businesses_follow_up" in plan
    assert "ix_enrollments_attention" in plan
