"""An employer table published centrally, like a BPU rate table (issue 17 item 1): the
`employer` part of a published `rate_table` (the shape of resources/employer_contributions.json)
is what the push check quotes an employer registration with, from its day on, and what a laptop
pulls; a broken part is refused at publishing. On SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from employer_support import ENTITY, registration, worker
from srv_support import World, business_fields, now_wib, op

from agent_app.domain import contributions, employer_contributions
from sync.server import __main__ as server_cli

PROGRAMS = ("JKK", "JKM", "JHT", "JP")
NEW_CAP = 12_500_000  # above every shipped JP cap


def employer_part(start: str, cap: int = NEW_CAP) -> dict[str, Any]:
    """The shipped employer table with a new JP wage cap from `start` (what the office
    publishes each March)."""
    part = copy.deepcopy(dict(employer_contributions._table()))
    part["version"] = "uji-pu"
    part["wage_caps"]["JP"].append({"effective_from": start, "amount": cap, "source": "uji"})
    return part


def _publish(world: World, monkeypatch: pytest.MonkeyPatch, path: Path, table: Any) -> int:
    path.write_text(json.dumps(table), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    start = now_wib().date().replace(day=1).isoformat()
    return server_cli.main(
        ["publish-rate-table", str(path), "--version", "uji-pu", "--effective-from", start]
    )


def test_a_published_jp_cap_changes_the_push_check_and_reaches_the_laptops(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    rate_table: Callable[..., dict[str, Any]],
) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    assert a1.push_one(op("business", "create", biz, business_fields()))["status"] == "applied"
    first = now_wib().date().replace(day=1)
    table = {**rate_table(first), "employer": employer_part(first.isoformat())}
    lines = [worker(900, 15_000_000), worker(901, 4_000_000)]
    old = registration(biz, lines, programs=PROGRAMS)
    contributions.install_tables([(first, table)])  # what a laptop that pulled it quotes
    new = registration(biz, lines, programs=PROGRAMS)
    contributions.install_tables([])
    assert new["monthly_contribution"] > old["monthly_contribution"]  # JP on a higher base
    # The BPU part of the table is what it always was: the employer part does not touch it.
    assert contributions.check_table(table) is None
    # Before it is published, the shipped cap is the server's.
    assert a1.push_one(op(ENTITY, "create", None, old))["status"] == "applied"
    assert _publish(world, monkeypatch, tmp_path / "table.json", table) == 0
    others = [worker(902, 15_000_000), worker(903, 4_000_000)]
    stale = registration(
        biz, others, programs=PROGRAMS, monthly_contribution=old["monthly_contribution"]
    )
    refused = a1.push_one(op(ENTITY, "create", None, stale))
    assert refused["status"] == "rejected"
    assert refused["error"]["field"] == "monthly_contribution"
    fresh = {**stale, "monthly_contribution": new["monthly_contribution"]}
    assert a1.push_one(op(ENTITY, "create", None, fresh))["status"] == "applied"
    # Every laptop pulls the table with its employer part (an old laptop's check of the
    # table reads only the BPU keys it knows).
    changes, _ = a1.pull_all()
    [pulled] = [c for c in changes if c["entity"] == "rate_table"]
    assert pulled["fields"]["table"]["employer"]["wage_caps"]["JP"][-1]["amount"] == NEW_CAP


def test_a_broken_employer_part_is_refused_and_nothing_published(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    rate_table: Callable[..., dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    a1, _, _ = world.standard()
    first = now_wib().date().replace(day=1)
    part = employer_part(first.isoformat())
    broken: list[dict[str, Any]] = [copy.deepcopy(part) for _ in range(4)]
    del broken[0]["rates"]["JKK"]
    broken[1]["wage_caps"]["JP"][-1]["amount"] = "dua belas juta"
    broken[2]["rates"]["JKM"][-1]["employer_percent"] = "0.305"  # finer than 0.01%
    broken[3]["due_day"] = 31
    for part_of in [*broken, "tidak"]:
        table = {**rate_table(first), "employer": part_of}
        assert _publish(world, monkeypatch, tmp_path / "table.json", table) == 2
        assert "employer" in capsys.readouterr().err
    assert [c for c in a1.pull_all()[0] if c["entity"] == "rate_table"] == []
