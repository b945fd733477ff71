"""Test helpers for the laptop side of sync: an in-memory `LocalStore` and op factories.

`MemoryStore` is the fake at the boundary the engine talks to (the app's encrypted storage
implements the same Protocol); everything on the other side of the engine is the real server.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_app.domain import contributions
from sync import protocol

ROOT = Path(__file__).resolve().parents[2]

WIB = dt.timezone(dt.timedelta(hours=7))


def now_wib() -> dt.datetime:
    return dt.datetime.now(WIB).replace(microsecond=0)


@dataclass
class OutboxOp:
    op: dict[str, Any]
    state: str = "pending"  # pending | done | rejected | conflict
    result: protocol.OpResult | None = None


@dataclass
class MemoryStore:
    """A `sync.engine.LocalStore` in memory, recording every call the engine makes."""

    device_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    outbox: dict[str, OutboxOp] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    clock_offsets: list[float] = field(default_factory=list)
    pages: list[tuple[list[protocol.Change], str]] = field(default_factory=list)
    batches_marked: list[list[protocol.OpResult]] = field(default_factory=list)
    resets: int = 0
    successes: list[str | None] = field(default_factory=list)
    next_seq: int = 1
    #: Attachments by SHA-256: (media type, bytes); and those marked uploaded.
    blobs: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    uploaded: set[str] = field(default_factory=set)

    # --- writing ops (what the app's services do) ---------------------------------------

    def add(
        self,
        entity: str,
        kind: str,
        fields: Mapping[str, Any],
        *,
        entity_id: str | None = None,
        base_version: int | None = None,
        op_id: str | None = None,
    ) -> dict[str, Any]:
        op = {
            "op_id": op_id or str(uuid.uuid4()),
            "op_seq": self.next_seq,
            "entity": entity,
            "entity_id": entity_id or str(uuid.uuid4()),
            "kind": kind,
            "base_version": base_version,
            "fields": dict(fields),
            "recorded_at": now_wib().isoformat(),
        }
        self.next_seq += 1
        self.outbox[op["op_id"]] = OutboxOp(op)
        return op

    def state_of(self, op: Mapping[str, Any]) -> str:
        return self.outbox[op["op_id"]].state

    def result_of(self, op: Mapping[str, Any]) -> protocol.OpResult | None:
        return self.outbox[op["op_id"]].result

    # --- LocalStore ----------------------------------------------------------------------

    def pending_count(self) -> int:
        return sum(1 for item in self.outbox.values() if item.state == "pending")

    def pending_ops(self, limit: int, after_seq: int | None = None) -> list[dict[str, Any]]:
        ops = sorted(
            (item.op for item in self.outbox.values() if item.state == "pending"),
            key=lambda op: op["op_seq"],
        )
        if after_seq is not None:
            ops = [op for op in ops if op["op_seq"] > after_seq]
        return [dict(op) for op in ops[:limit]]

    def mark_results(self, results: Sequence[protocol.OpResult]) -> None:
        self.batches_marked.append(list(results))
        for result in results:
            item = self.outbox.get(str(result.op_id))
            if item is None:
                continue
            item.result = result
            item.state = {"applied": "done", "duplicate": "done"}.get(result.status, result.status)
            if item.state == "done":
                record = self.records.setdefault(item.op["entity_id"], {})
                record["version"] = result.entity_version

    def _has_pending(self, entity_id: str) -> bool:
        return any(
            item.state == "pending" and item.op["entity_id"] == entity_id
            for item in self.outbox.values()
        )

    def apply_pulled(self, changes: Sequence[protocol.Change], cursor: str) -> None:
        self.pages.append((list(changes), cursor))
        for change in changes:
            key = str(change.entity_id)
            if self._has_pending(key):
                continue
            self.records[key] = {
                "entity": change.entity,
                "version": change.version,
                "deleted": change.deleted,
                "fields": dict(change.fields),
            }
        self.cursor = cursor

    def get_cursor(self) -> str | None:
        return self.cursor

    def reset_cursor(self) -> None:
        self.resets += 1
        self.cursor = None

    def record_clock_offset(self, seconds: float) -> None:
        self.clock_offsets.append(seconds)

    def record_success(self, server_time: str | None = None) -> None:
        self.successes.append(server_time)

    def attachments_to_upload(self, shas: Sequence[str]) -> list[str]:
        return [sha for sha in dict.fromkeys(shas) if sha not in self.uploaded]

    def attachment_bytes(self, sha256: str) -> tuple[str, bytes] | None:
        return self.blobs.get(sha256)

    def mark_attachments_uploaded(self, shas: Sequence[str]) -> None:
        self.uploaded.update(sha for sha in shas if sha in self.blobs)

    def mark_attachments_not_uploaded(self, shas: Sequence[str]) -> None:
        self.uploaded.difference_update(shas)


# --- records ---------------------------------------------------------------------------


def business(name: str = "Pempek Cek Molek", **extra: Any) -> dict[str, Any]:
    return {"name": name, "sector": "kuliner", "status": "prospect", **extra}


def enrollment(nik: str, **extra: Any) -> dict[str, Any]:
    """A valid enrollment (the quote computed by the domain, as the app does)."""
    income = 2_000_000
    programs = ["JKK", "JKM"]
    quote = contributions.quote(income, programs, 1, now_wib().date(), "pedagang")
    fields = {
        "nik": nik,
        "full_name": "Siti Aminah",
        "birth_place": "Palembang",
        "birth_date": "1999-09-05",
        "gender": "F",
        "phone": "+6281234567890",
        "email": None,
        "address": "Jl. Merdeka 1",
        "region_code": "16.71.03",
        "occupation": "pedagang",
        "declared_income": income,
        "programs": programs,
        "period_months": 1,
        "paid_by_state": False,
        "monthly_contribution": quote.monthly_total,
        "consent": {"text_version": "2026-01", "given_at": now_wib().isoformat()},
        "business_id": None,
        "event_id": None,
        "status": "submitted",
    }
    fields.update(extra)
    return fields
