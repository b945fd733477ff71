"""A refused field (`Problem`) and the application of one entity's `FieldRules` to a record's
fields: each field by its check, unknown fields refused, required ones present."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_app.domain.validation.checks import REQUIRED
from agent_app.domain.validation.rules import FieldRules


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang.startswith("en") else self.message_id


def validate_fields(
    spec: FieldRules, fields: Mapping[str, Any], partial: bool, prefix: str = ""
) -> list[Problem]:
    """The problems of `fields` under `spec`, each field named `prefix` + its name."""
    problems: list[Problem] = []
    if not isinstance(fields, Mapping):
        return [Problem(prefix.rstrip("."), "invalid_field", "Data tidak valid.", "Invalid data.")]
    # The checks of the fields the caller sets, looked up once per field (issue 15: the loop
    # was a fifth of a pushed enrollment's field rules); a server-set field is skipped.
    judged = spec.judged
    for name, value in fields.items():
        check = judged.get(name)
        if check is None:
            if name not in spec.server_set:
                problems.append(
                    Problem(
                        prefix + name, "invalid_field", "Isian tidak dikenal.", "Unknown field."
                    )
                )
            continue
        text = check(value)
        if text is not None:
            problems.append(Problem(prefix + name, "invalid_field", text.id, text.en))
    if not partial and not fields.keys() >= spec.required:
        for name in sorted(spec.required - set(fields)):
            problems.append(Problem(prefix + name, "required", REQUIRED.id, REQUIRED.en))
    return problems
