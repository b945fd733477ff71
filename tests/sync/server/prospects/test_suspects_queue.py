"""The duplicate search judged after the push commits (issue 15), on SQLite and PostgreSQL: a
push only queues its businesses; a push whose background drain never ran (a kill) leaves them
queued and the housekeeping drain writes the same pairs; two drains at once write each pair
once; a business deleted before its drain makes no pair; one changed while a drain judged it
stays queued and is judged again; pushes answered while their branch is drained make one more
drain, not one each."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import Laptop, World, business_fields, op, visit_fields

from sync.server import db, housekeeping
from sync.server.api import batches
from sync.server.prospects import checks
from sync.server.prospects.tables import BusinessDuplicate, DuplicateCheck


def create(laptop: Laptop, name: str, **fields: Any) -> str:
    values = business_fields(name, **{"phone": None, "region_code": "16.71.03", **fields})
    return laptop.create("business", values)


def pairs(world: World) -> list[tuple[str, str, str]]:
    table = db.table(BusinessDuplicate)
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.business_id, table.c.candidate_id, table.c.reason))
        return sorted((row.business_id, row.candidate_id, row.reason) for row in rows)


def queued(world: World) -> set[str]:
    with world.engine.connect() as conn:
        return set(conn.scalars(sa.select(db.table(DuplicateCheck).c.entity_id)))


@pytest.fixture
def no_background_drain(monkeypatch: pytest.MonkeyPatch) -> None:
    """The push's answer goes out but its drain never runs (a kill right after the commit)."""
    monkeypatch.setattr(batches.checks, "drain_quietly", lambda *_: None)


def before_the_write(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]) -> None:
    """Runs `meanwhile` once, between the next drain's read and its write transaction."""
    real = checks._write

    def write(*args: Any) -> tuple[int, int]:
        monkeypatch.setattr(checks, "_write", real)
        meanwhile()
        return real(*args)

    monkeypatch.setattr(checks, "_write", write)


def test_the_pairs_come_after_the_push_and_a_drain_that_never_ran_is_made_up(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1, a2, _ = world.standard()
    molek = create(a1, "Pempek Cek Molek", nib="1234567890123")
    twin = create(a2, "Pempek Molek, Cek")  # through the app: judged after the answer
    assert pairs(world) == [(twin, molek, "name")] and queued(world) == set()
    monkeypatch.setattr(batches.checks, "drain_quietly", lambda *_: None)
    by_nib = create(a2, "Toko Lain", nib="1234567890123")
    assert pairs(world) == [(twin, molek, "name")] and queued(world) == {by_nib}
    assert housekeeping.drain_once(world.app.state.server) == 1
    assert pairs(world) == sorted([(twin, molek, "name"), (by_nib, molek, "nib")])
    assert queued(world) == set()


def test_only_a_push_that_applied_a_business_drains_after_its_answer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1, _, _ = world.standard()
    drains: list[tuple[Any, ...]] = []
    monkeypatch.setattr(batches.checks, "drain_quietly", lambda *args: drains.append(args))
    business = create(a1, "Pempek Cek Molek")
    assert len(drains) == 1 and queued(world) == {business}
    visit = op("visit", "create", str(uuid.uuid4()), visit_fields(business))
    refused = op("business", "create", str(uuid.uuid4()), business_fields(""))
    assert [r["status"] for r in a1.push(visit, refused)] == ["applied", "rejected"]
    assert len(drains) == 1  # nothing it did could be queued: no drain


@pytest.mark.usefixtures("no_background_drain")
def test_two_drains_at_once_write_each_pair_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1, _, _ = world.standard()
    made = [create(a1, f"Warung Sate Pak Kumis {i}") for i in range(4)]
    # Another worker's drain judges the same queue and commits between this one's read and
    # its write.
    before_the_write(monkeypatch, lambda: checks.drain(world.engine))
    assert checks.drain(world.engine) == 0
    found = pairs(world)
    assert len(found) == 6 and {frozenset(p[:2]) for p in found} == {
        frozenset((x, y)) for x in made for y in made if x < y
    }
    assert queued(world) == set()


@pytest.mark.usefixtures("no_background_drain")
def test_a_business_deleted_before_its_drain_makes_no_pair(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1, a2, _ = world.standard()
    first = create(a1, "Bengkel Motor Jaya")
    gone = create(a2, "Bengkel Motor Jaya Abadi")
    deleted = a2.push_one(op("business", "delete", gone, {}, 1))
    assert deleted["status"] == "applied" and queued(world) == {first, gone}
    create(a2, "Bengkel Jaya Motor")  # the same name as `first`, in other words
    # `first` is deleted while the drain judges the two: their pair is left out, the new one
    # is done with, `first` (changed since the read) is dropped by the next drain.
    before_the_write(monkeypatch, lambda: a1.push_one(op("business", "delete", first, {}, 1)))
    assert checks.drain(world.engine) == 0
    assert pairs(world) == [] and queued(world) == {first}
    assert checks.drain(world.engine) == 0 and queued(world) == set()


@pytest.mark.usefixtures("no_background_drain")
def test_a_business_changed_while_judged_is_judged_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1, a2, _ = world.standard()
    kopi = create(a1, "Kopi Kenangan Ilir")
    salon = create(a1, "Salon Dewi Cantik")
    checks.drain(world.engine)
    moved = create(a2, "Bengkel Jaya")
    renamed = {"name": "Salon Dewi Cantik Dua"}
    before_the_write(
        monkeypatch,
        lambda: a2.push_one(op("business", "update", moved, renamed, 1)),
    )
    checks.drain(world.engine)
    assert pairs(world) == [] and queued(world) == {moved}  # judged as it was: queued again
    assert checks.drain(world.engine) == 1
    assert pairs(world) == [(moved, salon, "name")] and queued(world) == set()
    assert kopi not in {p[1] for p in pairs(world)}


def test_pushes_arriving_while_their_branch_is_drained_make_one_more_drain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three pushes' background drains while the first runs: it runs once more, for both."""
    calls: list[str | None] = []

    def drain(engine: Any, branch: str | None) -> int:
        calls.append(branch)
        if len(calls) == 1:
            checks.drain_quietly(engine, "PLG")  # pushes answered meanwhile
            checks.drain_quietly(engine, "PLG")
            checks.drain_quietly(engine, "LLG")  # another branch: drained at once
        return 0

    monkeypatch.setattr(checks, "drain", drain)
    engine = object()
    checks.drain_quietly(engine, "PLG")  # type: ignore[arg-type]
    assert calls == ["PLG", "LLG", "PLG"]
    checks.drain_quietly(engine, "PLG")  # type: ignore[arg-type]
    assert calls == ["PLG", "LLG", "PLG", "PLG"]
