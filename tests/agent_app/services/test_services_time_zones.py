"""The laptop's days are its branch's (docs/time.md): a Makassar agent (WITA) on a laptop whose
machine runs in WIB still quotes, counts and summarizes on Makassar's calendar."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import clock as test_clock

from agent_app.domain import clock, contributions, records
from agent_app.reports import exports
from agent_app.services import businesses, dashboard, enrollments, receipts, visits, zones
from agent_app.services import daily_summary as daily
from agent_app.services.actor import Actor
from agent_app.storage.uow import SqlUnitOfWork


@pytest.fixture
def makassar(uow: SqlUnitOfWork, actor: Actor) -> Iterator[None]:
    """The actor's branch keeps WITA (as a login told the laptop); the machine runs in WIB, so
    the machine's calendar and the branch's differ between 00:00 and 01:00 WITA."""
    zones.remember(uow, actor.branch, clock.WITA)
    with test_clock.machine_zone("Asia/Jakarta"):
        yield


def test_the_zone_is_wib_until_the_server_says_otherwise_and_kept_per_branch(
    uow: SqlUnitOfWork,
) -> None:
    assert zones.zone_of(uow, "PLG") == clock.WIB
    zones.remember(uow, "PLG", clock.WITA)
    zones.remember(uow, "PLG", None)  # an older server's answer
    zones.remember(uow, "PLG", "Europe/Paris")  # not one of Indonesia's three
    assert zones.zone_of(uow, "PLG") == clock.WITA
    assert zones.zone_of(uow, "JYP") == clock.WIB
    zones.remember(uow, "JYP", clock.WIT)
    assert zones.zone_of(uow, "JYP") == clock.WIT
    assert zones.today(uow, "JYP", dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC)) == dt.date(
        2026, 12, 1
    )


@pytest.mark.parametrize(
    ("local_time", "quote_day"),
    [("2026-12-31T23:59:00+08:00", "2026-12-31"), ("2027-01-01T00:01:00+08:00", "2027-01-01")],
)
def test_an_enrollment_at_the_end_of_a_discount_window_is_quoted_for_the_branch_s_day(
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
    makassar: None,
    local_time: str,
    quote_day: str,
) -> None:
    """PP 50/2025's BPU discount ends on 31 Dec 2026. At 23:59 WITA it applies; at 00:01 WITA
    (23:01 on the 31st on the machine's WIB clock) it no longer does."""
    with test_clock.at(local_time):
        draft = enrollments.save_draft(uow, actor, enrollment_fields(7))
        submitted = enrollments.submit(uow, actor, draft.id)
    expected = contributions.quote(
        1_500_000, ["JKK", "JKM"], 1, dt.date.fromisoformat(quote_day), "penjual_makanan"
    )
    assert submitted.monthly_contribution == expected.monthly_total
    assert (expected.discount is not None) == (quote_day == "2026-12-31")


def _visit_at(uow: SqlUnitOfWork, actor: Actor, business_id: str, local_time: str) -> None:
    with test_clock.at(local_time):
        visits.record_visit(uow, actor, business_id, {"outcome": "interested"})


def test_a_makassar_agent_s_daily_summary_holds_the_day_s_2330_and_not_the_next_0030(
    uow: SqlUnitOfWork, actor: Actor, makassar: None
) -> None:
    with test_clock.at("2026-11-30T23:30:00+08:00"):
        shop = businesses.register_business(uow, actor, {"name": "Coto Daeng"})
    _visit_at(uow, actor, shop.id, "2026-11-30T23:30:00+08:00")
    _visit_at(uow, actor, shop.id, "2026-12-01T00:30:00+08:00")  # 23:30 WIB on the 30th

    day = daily.daily_summary(uow, actor, dt.date(2026, 11, 30))
    assert sum(day.visits_by_outcome.values()) == 1
    assert day.businesses_registered == 1
    next_day = daily.daily_summary(uow, actor, dt.date(2026, 12, 1))
    assert sum(next_day.visits_by_outcome.values()) == 1
    assert next_day.businesses_registered == 0


def test_a_target_s_period_ends_at_the_branch_s_midnight(
    uow: SqlUnitOfWork, actor: Actor, makassar: None
) -> None:
    with uow:
        uow.targets.upsert(
            records.Target(
                str(uuid.uuid4()),
                "agent",
                actor.agent_code,
                "visits",
                10,
                dt.date(2026, 11, 1),
                dt.date(2026, 11, 30),
            )
        )
        uow.commit()
    with test_clock.at("2026-11-30T23:00:00+08:00"):
        shop = businesses.register_business(uow, actor, {"name": "Pisang Epe"})
    _visit_at(uow, actor, shop.id, "2026-11-30T23:30:00+08:00")  # counts
    _visit_at(uow, actor, shop.id, "2026-12-01T00:30:00+08:00")  # the next period's

    [progress] = dashboard.summary(uow, actor, dt.date(2026, 11, 30)).targets
    assert progress.achieved == 1
    assert dashboard.summary(uow, actor, dt.date(2026, 12, 1)).visits_today == 1


def test_a_receipt_s_date_and_due_date_and_an_export_s_days_are_the_branch_s(
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
    makassar: None,
) -> None:
    """Submitted at 00:30 WITA on the 16th (23:30 on the 15th on the machine's WIB clock): the
    receipt says the 16th, so the first payment is due by the 15th of the next month, and an
    export of the 16th holds it."""
    with test_clock.at("2026-12-16T00:30:00+08:00"):
        draft = enrollments.save_draft(uow, actor, enrollment_fields(8))
        submitted = enrollments.submit(uow, actor, draft.id)
        made = receipts.build_receipt(uow, actor, submitted.id)
    assert made.submitted_on == dt.date(2026, 12, 16)
    assert made.due_on == receipts.due_date(2027, 1)

    def exported(day: dt.date) -> int:
        request = exports.ExportRequest(exports.Kind.ENROLLMENTS, start=day, end=day)
        with uow:
            return len(exports.table_rows(uow, actor, request)[1])

    assert (exported(dt.date(2026, 12, 15)), exported(dt.date(2026, 12, 16))) == (0, 1)
