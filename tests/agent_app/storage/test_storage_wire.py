"""Records to the wire form and back (SYNC_PROTOCOL.md, "Entities")."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.domain import keys, records, validation
from agent_app.storage import wire

WIB = dt.timezone(dt.timedelta(hours=7))
# Text as a person types it: control characters, lone surrogates, line separators and
# format marks (bidi overrides) are refused by the field rules (validation.checks.bad_character).
typed = st.characters(blacklist_categories=["Cc", "Cs", "Cf", "Zl", "Zp"])
texts = st.none() | st.text(typed, min_size=1, max_size=40)

businesses = st.builds(
    records.Business,
    id=st.uuids().map(str),
    name=st.text(typed, min_size=1, max_size=40).filter(str.strip),
    owner_name=texts,
    phone=st.none() | st.just("+6281234567890"),
    sector=st.none() | st.sampled_from(keys.SECTORS),
    size_class=st.none() | st.sampled_from(keys.SizeClass),
    workers_count=st.none() | st.integers(0, 10_000),
    address=texts,
    region_code=st.none() | st.just("16.71.03"),
    nib=st.none() | st.just("1234567890123"),
    latitude=st.none() | st.floats(-90, 90),
    longitude=st.none() | st.floats(-180, 180),
    status=st.sampled_from(keys.BusinessStatus),
    event_id=st.none() | st.uuids().map(str),
)

visits = st.builds(
    records.Visit,
    id=st.uuids().map(str),
    business_id=st.uuids().map(str),
    visited_at=st.datetimes(
        min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)
    ).map(lambda d: d.replace(microsecond=0, tzinfo=WIB)),
    channel=st.sampled_from(keys.VisitChannel),
    outcome=st.sampled_from(keys.VisitOutcome),
    reason=texts,
    notes=texts,
    next_follow_up=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    event_id=st.none() | st.uuids().map(str),
)


def _round_trip(record: object, entity: str) -> object:
    fields = wire.to_wire(record, entity)
    return dataclasses.replace(record, **wire.record_changes(entity, fields))  # type: ignore[type-var]


@given(businesses)
def test_a_business_survives_the_wire(business: records.Business) -> None:
    fields = wire.to_wire(business, keys.Entity.BUSINESS)
    assert validation.validate_business(fields) == []
    assert _round_trip(business, keys.Entity.BUSINESS) == business


@given(visits)
def test_a_visit_survives_the_wire(visit: records.Visit) -> None:
    fields = wire.to_wire(visit, keys.Entity.VISIT)
    assert validation.validate_visit(fields) == []
    assert fields["visited_at"].endswith("+07:00")
    assert _round_trip(visit, keys.Entity.VISIT) == visit


def test_a_time_without_an_offset_never_reaches_the_wire() -> None:
    with pytest.raises(ValueError):
        wire.value_to_wire(dt.datetime(2026, 11, 21, 9, 0))


def test_diff_keeps_only_changed_fields() -> None:
    # A field the old form lacks counts as null: null now is no change.
    assert wire.diff({"a": 1, "b": [1]}, {"a": 1, "b": [1, 2], "c": None, "d": 0}) == {
        "b": [1, 2],
        "d": 0,
    }


def test_from_wire_drops_unknown_fields_and_parses_dates() -> None:
    values = wire.from_wire(
        keys.Entity.VISIT,
        "v1",
        {"business_id": "b1", "next_follow_up": "2026-11-22", "agent_code": "AG1", "hack": 1},
    )
    assert values == {
        "business_id": "b1",
        "next_follow_up": dt.date(2026, 11, 22),
        "agent_code": "AG1",
        "id": "v1",
    }
