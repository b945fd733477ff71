"""The push's payload hash writes its canonical JSON with orjson where that is byte for byte
the stdlib's `json.dumps(sort_keys=True, separators=(",", ":"), default=str)` (issue 15):
compared with the stdlib over generated values (non-ASCII text, control characters, DEL, lone
surrogates, floats of every size, NaN, whole numbers beyond 64 bits, nesting, keys that need
escaping or sorting, datetimes and ids), and a stored ledger hash still matches its op."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync import protocol
from sync.server.push import canonical
from sync.server.push.prepare import payload_hash


def _stdlib(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


_TEXT = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),  # every ASCII character, controls and DEL too
        st.characters(),  # any code point (non-ASCII, escapes)
        st.characters(categories=["Cs"]),  # lone surrogates
    ),
    max_size=12,
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-(2**63), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-05, 1e16, 1e15, 0.0001, -0.0, 5e-324, 1.5e300]),
    _TEXT,
    st.datetimes(timezones=st.just(dt.UTC)),
    st.uuids(),
)
_JSON = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=10,
)


@settings(max_examples=120, deadline=None)
@given(_JSON)
def test_the_canonical_json_is_the_stdlibs_byte_for_byte(value: Any) -> None:
    assert canonical.canonical_json(value) == _stdlib(value)


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.text(st.characters(max_codepoint=0x7E), max_size=8),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(min_value=-(2**63), max_value=2**63),
            st.text(st.characters(max_codepoint=0x7F), max_size=20),  # DEL and controls
        ),
        max_size=8,
    )
)
def test_ascii_fields_of_text_numbers_and_booleans(fields: dict[str, Any]) -> None:
    # The values a pushed op holds, which take orjson's path unless DEL is in them.
    assert canonical._plain(fields)
    assert canonical.canonical_json(fields) == _stdlib(fields)


def test_what_orjson_writes_otherwise_is_the_stdlibs() -> None:
    # Each of these orjson writes differently: the stdlib's bytes must come out.
    for odd in (
        1e-05,
        float("nan"),
        float("inf"),
        2**64,
        "\x7f",
        "é",
        "\ud800",
        dt.date(2026, 1, 1),
    ):
        value = {"fields": {"a": "b", "odd": [odd]}, "n": 1}
        assert canonical.canonical_json(value) == _stdlib(value), odd


def test_a_cycle_is_reported_as_the_stdlib_did() -> None:
    looped: dict[str, Any] = {"a": []}
    looped["a"].append(looped)
    try:
        canonical.canonical_json(looped)
    except ValueError as error:
        assert "Circular reference" in str(error)
    else:
        raise AssertionError("a cycle was encoded")


def test_deep_nesting_past_the_walks_depth_is_the_stdlibs() -> None:
    deep: Any = "x"
    for _ in range(300):
        deep = [{"k": deep}]
    assert canonical.canonical_json(deep) == _stdlib(deep)


def test_a_stored_ledger_hash_still_matches_its_op() -> None:
    # The hash the stdlib wrote for this op (how every ledger row was hashed before orjson):
    # a resent copy must still be recognised as the same op, not answered `key_reuse`.
    op = protocol.Op.model_validate(
        {
            "op_id": str(uuid.UUID(int=1)),
            "op_seq": 1,
            "entity": "enrollment",
            "entity_id": str(uuid.UUID(int=2)),
            "kind": "create",
            "fields": {
                "full_name": "Siti Nurhaliza \u00e9\u4e2d",
                "address": 'Jl. "Merdeka" 1\\2\n\x7f',
                "declared_income": 2_000_000,
                "latitude": -2.9761,
                "programs": ["JKK", "JKM"],
                "consent": {"text_version": "2026-01", "given_at": "2026-12-06T10:00:00+07:00"},
                "email": None,
                "paid_by_state": False,
            },
            "recorded_at": "2026-12-06T10:00:00+07:00",
        }
    )
    # Computed by the code before orjson (commit 75c0f76).
    stored = "e2a7aa56c7e84627351422da99a9c0f2b4c6f63ae92aed8d7ef7d0188d39e532"
    assert payload_hash(op) == hashlib.sha256(_stdlib(op.payload())).hexdigest() == stored
    plain = op.model_copy(update={"fields": {"full_name": "Siti", "declared_income": 1}})
    assert canonical._plain(plain.payload())  # this one takes orjson's path
    stored = "6a078d5e58e08a8002659467750083dd65a337cf86e3f66fd01d4f4a86d54f92"
    assert payload_hash(plain) == stored
