"""Bilingual messages for rule violations found by the domain (and the services and server).

The domain has no Qt, so it cannot use Qt's translation system; a `Text` carries a message in
Bahasa Indonesia and English and the UI (or the server) picks the person's language. Its
Indonesian comes from the one message catalogue (`agent_app.domain.catalogue`):
`Text.of("Field {field} is required.", field=label)` looks the English template up and fills
both languages (an argument that is itself a `Text` fills each language with its own words).
`Text(id, en)` remains for a message composed at run time from other texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_app.domain import catalogue


@dataclass(frozen=True, slots=True)
class Text:
    id: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.id

    @classmethod
    def of(cls, source: str, /, ctx: str | None = None, **args: object) -> Text:
        """The catalogue's message for the English `source`, its `{name}`s filled from `args`.

        Without `args` the templates are kept as they are (a caller may `.format` them later).
        """
        indonesian = catalogue.translate(source, "id", ctx)
        if not args:
            return cls(indonesian, source)
        return cls(
            indonesian.format(**_in_language(args, "id")), source.format(**_in_language(args, "en"))
        )


def _in_language(args: dict[str, object], lang: str) -> dict[str, object]:
    return {
        name: value.in_language(lang) if isinstance(value, Text) else value
        for name, value in args.items()
    }


class DomainError(ValueError):
    """A rule violation with a stable code, the field it concerns and a bilingual message.

    `str()` gives the Indonesian message, the default language of the app.
    """

    def __init__(self, code: str, text: Text, field: str | None = None) -> None:
        super().__init__(text.id)
        self.code = code
        self.text = text
        self.field = field

    def message(self, lang: str = "id") -> str:
        return self.text.in_language(lang)
