"""The in-memory shapes of a batch: who pushes it, the records it touches, the NIK guard
rows and each op's outcome (with the answers every judge gives)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from agent_app.domain import keys
from agent_app.domain.validation.problem import Problem


class Busy(Exception):
    """The database could not take the batch now (lock timeout, repeated deadlocks)."""


@dataclass(frozen=True)
class Caller:
    agent_code: str
    branch_code: str
    role: str
    device_id: str

    @property
    def is_supervisor(self) -> bool:
        return self.role in keys.SUPERVISING


@dataclass
class Rec:
    entity_id: str
    entity: str
    branch_code: str | None
    owner_code: str | None
    version: int
    deleted: bool
    fields: dict[str, Any]
    field_versions: dict[str, Any]
    server_seq: int
    created_at: dt.datetime
    updated_at: dt.datetime
    is_new: bool = False
    dirty: bool = False


@dataclass(frozen=True)
class NikRow:
    entity_id: str
    branch_code: str
    enrolled_on: dt.date


@dataclass
class Outcome:
    status: str
    entity_version: int | None = None
    server_seq: int | None = None
    error: dict[str, Any] | None = None
    current: dict[str, Any] | None = None


def rejected(code: str, field_name: str | None, message: str) -> Outcome:
    return Outcome("rejected", error={"code": code, "field": field_name, "message": message})


#: A field name a refusal may echo: a plain name, or a line's field (`workers[3].nik`).
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}(\[[0-9]{1,4}\]\.[a-z_][a-z0-9_]{0,63})?", re.ASCII)


def refusal(problem: Problem) -> Outcome:
    """`invalid_field` for the domain's `problem`; the name of an unknown field is echoed
    only when it is a plain name (or a line's plain name)."""
    name = problem.field if _FIELD_NAME.fullmatch(problem.field) else None
    return rejected("invalid_field", name, problem.message_en)


def unknown_record() -> Outcome:
    return rejected("unknown_reference", "entity_id", "The server has no such record.")


def conflict(
    code: str, field_name: str | None, message: str, version: int | None, current: Any
) -> Outcome:
    return Outcome(
        "conflict",
        entity_version=version,
        error={"code": code, "field": field_name, "message": message},
        current=current,
    )


def outcome_json(op_id: str, outcome: Outcome) -> dict[str, Any]:
    return {
        "op_id": op_id,
        "status": outcome.status,
        "entity_version": outcome.entity_version,
        "server_seq": outcome.server_seq,
        "error": outcome.error,
        "current": outcome.current,
    }
