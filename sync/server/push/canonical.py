"""The canonical JSON of the push's payload hash (SYNC_PROTOCOL.md, "payload"): byte for byte
`json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)` in UTF-8, since every
stored ledger hash was made so and a different byte would answer a resent op `key_reuse`.
orjson writes it where it writes the same bytes (a third of the stdlib's time per op, issue
15): for values made of dicts, lists, text, whole numbers, booleans and null only, whose output
is ASCII without DEL. orjson differs elsewhere (non-ASCII text raw, DEL raw, `0.00001` for
`1e-05`, `null` for NaN, datetimes in its own format, no whole numbers beyond 64 bits), so
anything else goes to the stdlib's encoder. A hypothesis test compares the two."""

from __future__ import annotations

import json
from typing import Any

import orjson

# The encoder built once instead of at every call.
_STDLIB = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)
#: The only leaf types orjson writes as the stdlib does (exact types: a subclass, e.g. an
#: enum member, goes to the stdlib, which writes its `str`).
_LEAVES = frozenset({str, int, bool, type(None)})
_CONTAINED = _LEAVES | {dict, list}
#: A walk stops (the stdlib then encodes) after this many containers: a value built with a
#: cycle never ends the walk, and the stdlib reports the cycle as it always did.
_MAX_CONTAINERS = 10_000


def _plain(value: Any) -> bool:
    """Whether `value` holds only dicts, lists and `_LEAVES` (no float anywhere)."""
    if type(value) is not dict and type(value) is not list:
        return type(value) in _LEAVES
    stack = [value]
    budget = _MAX_CONTAINERS
    while stack:
        item = stack.pop()
        values = item.values() if type(item) is dict else item
        # The types of a container's items gathered in C: most of an op's fields are leaves.
        kinds = set(map(type, values))
        if kinds <= _LEAVES:
            continue
        if not kinds <= _CONTAINED:
            return False
        inner = [v for v in values if type(v) is dict or type(v) is list]
        budget -= len(inner)
        if budget < 0:
            return False
        stack.extend(inner)
    return True


def canonical_json(value: Any) -> bytes:
    """`json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)`, UTF-8."""
    if _plain(value):
        try:
            fast = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # orjson.JSONEncodeError: a key not text, an int beyond 64 bits
            pass
        else:
            # Non-ASCII text (the stdlib escapes it as \uXXXX) and DEL (escaped as \u007f)
            # are the two differences left in such a value's output.
            if fast.isascii() and b"\x7f" not in fast:
                return fast
    return _STDLIB.encode(value).encode("utf-8")
