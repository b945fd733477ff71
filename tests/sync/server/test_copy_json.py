"""The JSON of PostgreSQL's COPY text is written by orjson (`bulk._copy_json`, issue 15): the
same JSON values as the stdlib's, and the stdlib's text where orjson refuses a value."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from srv_support import World

from sync.server import bulk, push

_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"])),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def _unescaped(copy_text: str) -> str:
    """COPY's text format back to the JSON text (only backslashes are doubled in it)."""
    assert "\t" not in copy_text and "\n" not in copy_text and "\r" not in copy_text
    return copy_text.replace("\\\\", "\\")


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_the_copy_json_holds_the_stdlib_s_value(value: Any) -> None:
    text = bulk._copy_json(value)
    if value is None:
        assert text == "\\N"
    else:
        assert json.loads(_unescaped(text)) == json.loads(json.dumps(value))


def test_what_orjson_refuses_is_written_by_the_stdlib() -> None:
    big = {"n": 2**70, "k": [2**64]}
    assert bulk._copy_json(big) == '{"n":1180591620717411303424,"k":[18446744073709551616]}'
    assert bulk._copy_json({1: "x"}) == '{"1":"x"}'
    assert bulk._copy_json({"s": "\ud800"}) == '{"s":"\\\\ud800"}'


def test_records_read_back_with_orjson_s_text(world: World) -> None:
    """Non-ASCII text raw, DEL, a line separator, floats written the short way and a whole
    number beyond 64 bits (the stdlib's) read back as they were written."""
    now = dt.datetime.now(dt.UTC)
    fields = {
        "name": "Warung Bu Siti — ✓ é \x7f \u2028 \\ \t \x01",
        "tiny": 1e-05,
        "huge": 1e300,
        "neg": -0.5,
        "nested": {"list": [1, "dua", None, True]},
    }
    records = [
        push.Rec(str(uuid.uuid4()), "business", "PLG", "A1", 1, False, f, {}, 1 + i, now, now)
        for i, f in enumerate([fields, {"big": 2**70, "name": "x"}])
    ]
    for rec in records:
        rec.is_new = rec.dirty = True
    with world.engine.begin() as conn:
        bulk.insert_records(conn, records)
    with world.engine.connect() as conn:
        batch = push.Batch(conn, push.Caller("A1", "PLG", "agent", "d"), 0, now)
        batch.load_records([r.entity_id for r in records])
    for rec in records:
        assert batch.records[rec.entity_id].fields == rec.fields
