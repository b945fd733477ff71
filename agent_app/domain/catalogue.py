"""The one message catalogue of the app and the server: English source strings, Bahasa Indonesia
in `resources/i18n/id.po`, compiled to `id.mo` (`python -m devtools.i18n_build`).

Everything a person reads goes through it: the UI's `self.tr(...)` (through
`agent_app.ui.i18n.CatalogueTranslator`), the domain's, services' and server's messages
(`messages.Text.of`) and the names of the open lists in `resources/keys.json`. It is read with
the standard library's `gettext` (no Qt: the domain and the server use it too). An entry may
carry a context (gettext's msgctxt) where one English text needs two Indonesian ones; a lookup
with a context falls back to the entry without one.

English needs no file: it is the source language. Any other language gets Indonesian, the
app's default, as `Text.in_language` always did.
"""

from __future__ import annotations

import gettext
import logging

from agent_app.domain import _resources

log = logging.getLogger("i18n")

SOURCE_LANGUAGE = "en"
#: The languages with a catalogue (`resources/i18n/<lang>.po`).
LANGUAGES = ("id",)
DEFAULT_LANGUAGE = "id"
#: gettext's separator between a context and the source text in a compiled catalogue's keys.
CONTEXT_SEPARATOR = "\x04"


class Catalogue(gettext.GNUTranslations):
    """A compiled catalogue that tells a missing entry from one translated as itself."""

    #: Filled by `GNUTranslations._parse` (undeclared in the standard library's stubs).
    _catalog: dict[str | tuple[str, int], str]

    def lookup(self, source: str, context: str | None = None) -> str | None:
        """The translation of `source` (under `context`, else without one), None if missing."""
        if context is not None:
            found = self._catalog.get(f"{context}{CONTEXT_SEPARATOR}{source}")
            if isinstance(found, str) and found:
                return found
        found = self._catalog.get(source)
        return found if isinstance(found, str) and found and source else None


_loaded: dict[str, Catalogue] = {}


def catalogue(lang: str = DEFAULT_LANGUAGE) -> Catalogue | None:
    """The compiled catalogue of `lang`, read once (None, and an error logged, when missing)."""
    found = _loaded.get(lang)
    if found is not None:
        return found
    try:
        with _resources.root().joinpath("i18n", f"{lang}.mo").open("rb") as file:
            found = Catalogue(file)
    except FileNotFoundError:
        log.error("translation file missing: %s.mo", lang)
        return None
    _loaded[lang] = found
    return found


def is_source_language(lang: str) -> bool:
    return lang.startswith(SOURCE_LANGUAGE)


def translate(source: str, lang: str, context: str | None = None) -> str:
    """`source` (English) in `lang`; English itself when the catalogue lacks it."""
    if is_source_language(lang):
        return source
    found = catalogue(DEFAULT_LANGUAGE)
    translated = found.lookup(source, context) if found is not None else None
    return source if translated is None else translated
