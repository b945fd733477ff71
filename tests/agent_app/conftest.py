"""Fixtures for storage and service tests: a real SQLCipher file per test in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.niks import FIXTURE_BORN, fixture_nik
from sqlalchemy import Engine

from agent_app.domain.keys import Role
from agent_app.services.actor import Actor
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork


@pytest.fixture
def key() -> bytes:
    return bytes(range(32))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "agent.db"


@pytest.fixture
def engine(db_path: Path, key: bytes) -> Iterator[Engine]:
    engine = open_engine(db_path, key)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


@pytest.fixture
def actor() -> Actor:
    return Actor("AG001", "Agen Uji", "PLG", Role.AGENT, "00000000-0000-4000-8000-000000000001")


@pytest.fixture
def enrollment_fields() -> Callable[..., dict[str, Any]]:
    def make(serial: int = 1, **changes: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "nik": fixture_nik(serial),
            "full_name": "Siti Aminah",
            "birth_place": "Palembang",
            "birth_date": FIXTURE_BORN,
            "gender": "F",
            "phone": "0812-3456-7890",
            "email": None,
            "address": "Jl. Merdeka 10",
            "region_code": "16.71.03",
            "occupation": "penjual_makanan",
            "declared_income": 1_500_000,
            "programs": ["JKK", "JKM"],
            "period_months": 1,
            "paid_by_state": False,
            "consent": {"text_version": "2026.1", "given_at": "2026-11-21T09:00:00+07:00"},
        }
        fields.update(changes)
        return fields

    return make
