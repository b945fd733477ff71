"""The push's answer is written by orjson (`errors.JsonAnswer`, issue 15): the same JSON values
as Starlette's `JSONResponse` for generated answers (non-ASCII messages, nulls, nested records,
floats, whole numbers of any size, keys that are not text)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi.responses import JSONResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.server.api.errors import JsonAnswer

_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers(0, 9)), inner, max_size=4),
    ),
    max_leaves=8,
)


@settings(max_examples=50, deadline=None)
@given(_VALUES)
def test_the_answer_holds_the_same_json_values(content: Any) -> None:
    body = JsonAnswer(content).body
    assert json.loads(body) == json.loads(JSONResponse(content).body)


def test_a_push_answer_is_orjsons_utf8() -> None:
    answer = {
        "results": [
            {
                "op_id": "00000000-0000-0000-0000-000000000001",
                "status": "rejected",
                "entity_version": None,
                "server_seq": None,
                "error": {
                    "code": "invalid_field",
                    "field": "nik",
                    "message": "NIK tidak valid \u2013 é",
                },
                "current": {"branch": "PLG", "latitude": -2.9761},
            }
        ],
        "server_time": "2026-12-07T00:00:00+00:00",
    }
    response = JsonAnswer(answer)
    assert response.media_type == "application/json"
    assert "\u2013 é".encode() in response.body
    assert json.loads(response.body) == answer
    assert response.body == orjson.dumps(answer)  # orjson's path, not the fallback
