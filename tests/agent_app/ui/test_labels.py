"""Sync states on screen: a record being re-confirmed after an expired cursor ("stale" in
storage) reads as synced, never as a raw storage word."""

from __future__ import annotations

from agent_app.ui import labels


def test_every_storage_sync_state_has_a_label(qapp):
    from agent_app.storage import store

    shown = labels.record_sync_state({"status": "submitted", "sync_state": store.STALE})
    assert shown == labels.sync_states()["synced"]
    assert shown != store.STALE
    for state in ("pending", "synced", "rejected", "conflict"):
        assert labels.record_sync_state({"status": "submitted", "sync_state": state}) != state
