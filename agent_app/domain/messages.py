"""Bilingual messages for rule violations found by the domain.

The domain has no Qt, so it cannot use Qt's translation system; it carries each message in
Bahasa Indonesia and English and the UI (or the server) picks the person's language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    id: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.id


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
