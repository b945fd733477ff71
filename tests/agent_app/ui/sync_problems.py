"""A sync problem as the Sync page shows it: a conflict the agent can settle."""

from __future__ import annotations

from typing import Any

from agent_app.domain.messages import Text
from agent_app.services import sync as sync_service


def conflict(**overrides: Any) -> sync_service.SyncProblem:
    values: dict[str, Any] = {
        "op_id": "op-7",
        "entity": "business",
        "entity_id": "b7",
        "kind": "update",
        "status": "conflict",
        "code": "field_changed",
        "field": "phone",
        "server_message": "field phone changed on the server",
        "problem": Text(
            "Nomor HP diubah orang lain di server sejak Anda terakhir sinkron.",
            "Someone else changed Mobile number on the server since you last synced.",
        ),
        "advice": Text(
            "Bandingkan, lalu pilih: pakai data Anda, atau pakai data server.",
            "Compare, then choose: keep yours, or take the server's.",
        ),
        "current": {"id": "b7", "name": "Pempek Cek Ani", "phone": "+6281311112222", "version": 4},
        "server_version": 4,
        "resolvable": True,
        "mine": {"name": "Pempek Cek Ani", "phone": "+6281277889900"},
    }
    values.update(overrides)
    return sync_service.SyncProblem(**values)
