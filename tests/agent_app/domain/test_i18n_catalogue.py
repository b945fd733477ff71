"""The one message catalogue, without Qt: its .po/.mo files, `Text.of`, the keys' names and a
domain error in both languages."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest

from agent_app.domain import catalogue, identity, keys
from agent_app.domain.messages import DomainError, Text
from devtools import i18n_po

ENTRIES = [
    i18n_po.Entry("{field} is required.", "{field} wajib diisi."),
    i18n_po.Entry("Field", "Kolom"),
    i18n_po.Entry("Open", "Buka"),
    i18n_po.Entry("Open", "Terbuka", "status"),
    i18n_po.Entry("Not yet", ""),  # untranslated: English in both
    i18n_po.Entry('Say "hi"\nthen\tgo \\ home', 'Ucapkan "hai"\nlalu\tpulang \\ ke rumah'),
]


@pytest.fixture
def tmp_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "id.mo").write_bytes(i18n_po.compile_mo(ENTRIES, "id"))
    monkeypatch.setenv("PERISAI_RESOURCES", str(tmp_path))
    monkeypatch.setattr(catalogue, "_loaded", {})
    return tmp_path


def test_po_files_read_back_what_was_written(tmp_path: Path):
    path = tmp_path / "id.po"
    i18n_po.write(path, ENTRIES, "id")
    back = i18n_po.read(path)
    assert sorted((e.key, e.translation) for e in back) == sorted(
        (e.key, e.translation) for e in ENTRIES
    )
    assert i18n_po.render(back, "id") == path.read_text(encoding="utf-8")


def test_compiled_catalogue_is_what_gettext_reads():
    compiled = gettext.GNUTranslations(io.BytesIO(i18n_po.compile_mo(ENTRIES, "id")))
    assert compiled.gettext("Open") == "Buka"
    assert compiled.pgettext("status", "Open") == "Terbuka"
    assert compiled.gettext("Not yet") == "Not yet"
    assert i18n_po.compile_mo(ENTRIES, "id") == i18n_po.compile_mo(list(reversed(ENTRIES)), "id")


def test_text_of_takes_indonesian_from_the_catalogue(tmp_catalogue: Path):
    assert Text.of("Open") == Text("Buka", "Open")
    assert Text.of("Open", ctx="status") == Text("Terbuka", "Open")
    assert Text.of("Field", ctx="unknown context") == Text("Kolom", "Field")
    assert Text.of("Not yet") == Text("Not yet", "Not yet")
    assert Text.of('Say "hi"\nthen\tgo \\ home').id == 'Ucapkan "hai"\nlalu\tpulang \\ ke rumah'
    # without arguments the template stays a template (a caller formats it later)
    assert Text.of("{field} is required.") == Text("{field} wajib diisi.", "{field} is required.")
    # a Text argument fills each language with its own words
    assert Text.of("{field} is required.", field=Text.of("Field")) == Text(
        "Kolom wajib diisi.", "Field is required."
    )
    assert Text.of("{field} is required.", field="NIK").in_language("en") == "NIK is required."


def test_a_missing_catalogue_leaves_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv("PERISAI_RESOURCES", str(tmp_path))
    monkeypatch.setattr(catalogue, "_loaded", {})
    assert catalogue.translate("Open", "id") == "Open"
    assert "translation file missing: id.mo" in caplog.text


def test_keys_are_named_in_both_languages():
    assert keys.label("occupations", "petani", "id") == "Petani"
    assert keys.label("occupations", "petani", "en") == "Farmer"
    assert keys.label("sectors", "kuliner") == "Kuliner"
    assert keys.label("sectors", "kuliner", "en") == "Food and drink"
    assert keys.label("sectors", "no-such-key", "en") == "no-such-key"
    for section in ("sectors", "occupations", "programs", "fields"):
        for item in keys._keys(section):
            assert keys.label(section, item["key"], "id") != item["en"] or item["en"] in {
                "NIK",
                "NIB",
                "Email",
                "Status",
            }, (section, item)


def test_a_domain_error_shows_in_both_languages():
    with pytest.raises(DomainError) as raised:
        identity.parse_nik("123")
    error = raised.value
    english, indonesian = error.message("en"), error.message("id")
    assert english and indonesian and english != indonesian
    assert str(error) == indonesian == error.message()
