"""The demo seed (`python -m sync.server seed-demo`), on SQLite and PostgreSQL: the seeds'
example (the Sumsel Marketing booth with 100 UMKM, a branch target of 1,441 employers) shows in
the coverage API; enrollments wait in the review queue; the accounts sign in with the printed
passwords and the laptops pull the records; a database holding data is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.servers import CHEAP_ENV
from srv_support import World

from sync.server import db
from sync.server.__main__ import main
from sync.server.admin import AdminError, demo


def sign_in(world: World, code: str, password: str) -> dict[str, str]:
    response = world.login_raw(code, password=password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_demo_seed_gives_the_booth_example(world: World) -> None:
    made = demo.seed_demo(world.engine, world.settings)
    supervisor = sign_in(world, "SPV01", made.passwords["SPV01"])
    items = world.client.get("/v1/admin/coverage", headers=supervisor).json()["items"]
    got = {(x["scope"], x["metric"], x["scope_name"]): x for x in items}
    employers = got[("branch", "employers", "Palembang")]
    assert (employers["goal"], employers["done"]) == (1441, demo.EMPLOYERS_ACCEPTED)
    waiting = demo.BOOTH_EMPLOYERS - demo.EMPLOYERS_ACCEPTED - demo.EMPLOYERS_SENT_BACK
    assert employers["waiting"] == waiting
    registrations = world.client.get("/v1/admin/employer-registrations", headers=supervisor).json()[
        "items"
    ]
    assert len(registrations) == waiting
    assert max(x["workers_count"] for x in registrations) == demo.BIG_EMPLOYER_WORKERS
    booth = got[("event", "businesses", "Sumsel Marketing")]
    # The partner's list imported for the event adds prospects, not UMKM registered.
    records = db.table(db.Record)
    with world.engine.connect() as conn:
        imported = conn.execute(
            sa.select(sa.func.count()).where(
                records.c.entity == "business",
                records.c.event_id == made.event_id,
                records.c.owner_code.is_(None),
            )
        ).scalar_one()
        queued = conn.execute(sa.text("SELECT count(*) FROM duplicate_check")).scalar_one()
    assert imported > 0
    assert queued == 0  # the agents' businesses judged, as a push's answer would have them
    assert (booth["goal"], booth["done"], booth["percent"]) == (100, 100, 100.0)
    assert dt.date.fromisoformat(booth["period_start"]) <= dt.date.today()
    queue = world.client.get("/v1/admin/enrollments", headers=supervisor).json()["items"]
    assert len(queue) == demo.WORKERS - demo.ACCEPTED - demo.SENT_BACK
    assert all(x["nik_masked"].count("*") == 8 for x in queue)
    agent = sign_in(world, "AGN01", made.passwords["AGN01"])
    pulled = world.client.get("/v1/sync/pull", params={"limit": 1000}, headers=agent).json()
    kinds = [change["entity"] for change in pulled["changes"]]
    assert kinds.count("business") == demo.BOOTH_UMKM + demo.STREET_UMKM + imported
    assert kinds.count("event") == 1 and "enrollment" in kinds
    national = sign_in(world, "ADM01", made.passwords["ADM01"])
    assert world.client.get("/v1/admin/coverage", headers=national).json()["items"] == items
    with pytest.raises(AdminError, match="already holds data"):
        demo.seed_demo(world.engine, world.settings)


def test_seed_demo_refuses_a_database_with_data_and_prints_the_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {**CHEAP_ENV, "PERISAI_SERVER_HOME": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["create-branch", "LLG", "--name", "Lubuklinggau"]) == 0
    capsys.readouterr()
    assert main(["seed-demo"]) == 2
    assert "already holds data" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    assert main(["seed-demo"]) == 0
    out = capsys.readouterr().out
    for code, _, _ in demo.ACCOUNTS:
        assert f"{code} " in out
    assert out.count("password ") == len(demo.ACCOUNTS)
    assert "Sumsel Marketing" in out and "1441" in out
