"""The field rules' loop (`validate_fields`, issue 15: the checks looked up in `judged`, the
required fields compared without a set when all are there) refuses exactly what the loop before
it refused, with the same problems in the same order, for every entity's rules, on generated
records: known, server-set and unknown field names, any JSON value, whole and partial."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.domain import validation
from agent_app.domain.validation.checks import REQUIRED
from agent_app.domain.validation.problem import Problem, validate_fields

SPECS = {
    "business": validation.BUSINESS,
    "visit": validation.VISIT,
    "enrollment": validation.ENROLLMENT,
    "assignment": validation.ASSIGNMENT,
    "employer_registration": validation.EMPLOYER_REGISTRATION,
    "employer_worker": validation.EMPLOYER_WORKER,
}


def _before(
    spec: validation.FieldRules, fields: Mapping[str, Any], partial: bool, prefix: str = ""
) -> list[Problem]:
    """The loop as it was (commit 75c0f76)."""
    problems: list[Problem] = []
    if not isinstance(fields, Mapping):
        return [Problem(prefix.rstrip("."), "invalid_field", "Data tidak valid.", "Invalid data.")]
    for name, value in fields.items():
        if name in spec.server_set:
            continue
        check = spec.fields.get(name)
        if check is None:
            problems.append(
                Problem(prefix + name, "invalid_field", "Isian tidak dikenal.", "Unknown field.")
            )
            continue
        text = check(value)
        if text is not None:
            problems.append(Problem(prefix + name, "invalid_field", text.id, text.en))
    if not partial:
        for name in sorted(spec.required - set(fields)):
            problems.append(Problem(prefix + name, "required", REQUIRED.id, REQUIRED.en))
    return problems


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=3,
)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), entity=st.sampled_from(sorted(SPECS)), partial=st.booleans())
def test_the_loop_gives_the_problems_it_gave(entity: str, data: Any, partial: bool) -> None:
    spec = SPECS[entity]
    names = st.sampled_from(sorted(spec.fields) + sorted(spec.server_set) + ["nope", "agent"])
    fields = data.draw(st.dictionaries(names, _JSON, max_size=8))
    if data.draw(st.booleans()):  # every required field there, as often as not
        fields = {**{name: None for name in spec.required}, **fields}
    assert validate_fields(spec, fields, partial) == _before(spec, fields, partial)
    assert validate_fields(spec, fields, partial, "w.") == _before(spec, fields, partial, "w.")


def test_a_value_that_is_not_a_mapping() -> None:
    for spec in SPECS.values():
        assert validate_fields(spec, [1], False) == _before(spec, [1], False)  # type: ignore[arg-type]
