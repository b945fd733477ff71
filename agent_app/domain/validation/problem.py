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
