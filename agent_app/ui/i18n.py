"""Translations and Indonesian formats for everything shown on screen.

Source strings are English (`self.tr("...")` / `QCoreApplication.translate`); Bahasa Indonesia
is the default language. `install(app, lang)` installs `CatalogueTranslator`, which answers
Qt from the app's one message catalogue (`agent_app.domain.catalogue`, `resources/i18n/id.po`),
and Qt's own words (`qt_extra_id.qm`, Qt's dialogs; `qtbase_id` when present); English needs no
file. Rupiah and dates are
formatted the Indonesian way in both languages (Rp16.800; 22 Sep 2021), as agents read them.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator

from agent_app.domain import _resources, catalogue

log = logging.getLogger("ui")

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_installed: list[QTranslator] = []
_current = DEFAULT_LANGUAGE


def i18n_dir() -> Path:
    """The translations' folder (`resources/i18n`), found by `agent_app.domain._resources`."""
    return _resources.resources_dir() / "i18n"


def qm_path(lang: str) -> Path:
    """Qt's own words in `lang` (its dialogs' buttons and menus), compiled from a .ts."""
    return _resources.path("i18n", f"qt_extra_{lang}.qm")


class CatalogueTranslator(QTranslator):
    """Answers `tr()` from the message catalogue; Qt's own classes' words (contexts `QLineEdit`,
    `QFileDialog`...) are left to Qt's translators, as the app's .qm once did."""

    def __init__(self, found: catalogue.Catalogue, parent: QCoreApplication) -> None:
        super().__init__(parent)
        self._catalogue = found

    def translate(
        self,
        context: str,
        sourceText: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        if _is_qt_own(context):
            return None
        return self._catalogue.lookup(sourceText, context or None)

    def isEmpty(self) -> bool:
        return False


def _is_qt_own(context: str) -> bool:
    return len(context) > 1 and context[0] == "Q" and context[1].isupper()


def install(app: QCoreApplication, lang: str = DEFAULT_LANGUAGE) -> str:
    """Installs the translators for `lang` ('id' or 'en'), replacing any earlier ones.

    Returns:
        The language in force (English when the Indonesian file is missing).
    """
    global _current
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _current = "en"
    # The system's own file dialog speaks the system's language (English on most budget
    # laptops): under Indonesian, Qt's own dialog, translated by qt_extra_id, is shown instead.
    # (The print dialog of Windows is always the system's; Linux's is Qt's own.)
    QCoreApplication.setAttribute(
        Qt.ApplicationAttribute.AA_DontUseNativeDialogs, lang != "en" and not system_speaks(lang)
    )
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return _current
    found = catalogue.catalogue(lang)
    if found is None:
        return _current
    ours = CatalogueTranslator(found, app)
    app.installTranslator(ours)
    _installed.append(ours)
    extra = QTranslator(app)
    if extra.load(str(qm_path(lang))):
        app.installTranslator(extra)
        _installed.append(extra)
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    _current = lang
    return _current


def system_speaks(lang: str) -> bool:
    """Whether the system's own user interface is in `lang` (its first UI language)."""
    languages = QLocale.system().uiLanguages()
    return bool(languages) and languages[0].split("-")[0].split("_")[0].lower() == lang


def current_language() -> str:
    return _current


def rupiah(amount: int | None) -> str:
    """Whole rupiah the Indonesian way: Rp16.800."""
    if amount is None:
        return "-"
    import lokal  # imported on first use: it costs ~0.3 s, not needed for the login window

    return str(lokal.format_rupiah(int(amount)))


def date(day: dt.date | None) -> str:
    """22 Sep 2021 (Indonesian month abbreviations in Indonesian, English ones in English)."""
    if day is None:
        return "-"
    months = _MONTHS_EN if _current == "en" else _MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year}"


def date_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    return f"{date(moment.date())} {moment:%H.%M}"


def number(value: int | None) -> str:
    """A count with its thousands marked as the language does: 1.441 in Indonesian, 1,441 in
    English (an English reader reads 1.441 as one point four). Rupiah keep the Indonesian way
    in both (`rupiah`): it is how the amounts are printed on the agency's forms."""
    if value is None:
        return "-"
    grouped = f"{int(value):,}"
    return grouped if _current == "en" else grouped.replace(",", ".")


def phone(e164: str | None) -> str:
    """+6281277889900 as agents write and dial it: 0812-7788-9900."""
    if not e164:
        return ""
    if not e164.startswith("+62"):
        return e164
    local = "0" + e164[3:]
    return "-".join(part for part in (local[:4], local[4:8], local[8:]) if part)
