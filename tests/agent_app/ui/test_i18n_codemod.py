"""The codemod that moves `Text("indonesian", "english")` pairs into the message catalogue."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from devtools import i18n_build, i18n_codemod, i18n_po

pytestmark = pytest.mark.clock_free

SAMPLE = """\
from agent_app.domain import messages
from agent_app.domain.messages import Text

PLAIN = Text("Buka", "Open")
SAME = Text("Terbuka", "Open")
TEMPLATE = Text("Kolom {field} wajib diisi.", "Field {field} is required.")
LONG = Text(
    "Kalimat yang panjang sekali, "
    "dibagi dua baris.",
    "A sentence that is very long indeed, long enough to need more than one line "
    + "of source.",
)


def f(name: Text, count: int, code: str, agent: object) -> list[Text]:
    return [
        Text(f"{name.id} tidak ditemukan.", f"{name.en} not found."),
        Text(f"Sisa {count:,} kali ({code!r}).", f"{count:,} left ({code!r})."),
        Text(f"{code}: {{kurung}} {count}", f"{count} then {code}: {{braces}}"),
        messages.Text(f"Agen {agent.nama}", f"Agent {agent.name}"),
        Text("Kata sandi salah." + code, "Wrong password." + code),
        Text(f"Sisa {count}", f"{count} left, {code}"),
    ]


def column_type() -> object:
    import sqlalchemy as sa

    return sa.Text("utf8", "C")
"""


def _run(tmp_path: Path) -> tuple[i18n_codemod.Result, str, Path]:
    po = tmp_path / "id.po"
    result = i18n_codemod.run([tmp_path / "pkg"], tmp_path, po)
    return result, (tmp_path / "pkg" / "sample.py").read_text(encoding="utf-8"), po


def _load(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(source, "sample.py", "exec"), namespace)
    return namespace


def test_pairs_move_into_the_catalogue_and_the_calls_say_the_same(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "sample.py").write_text(SAMPLE, encoding="utf-8")
    i18n_po.write(tmp_path / "id.po", [i18n_po.Entry("Open", "Buka")], "id")
    before = _load(SAMPLE)

    result, converted, po = _run(tmp_path)

    assert result.rewrites == 8
    assert result.files == [tmp_path / "pkg" / "sample.py"]
    assert [line.split(": ", 1)[1] for line in result.skipped] == [
        "an argument is not a string literal",
        "the two languages' placeholders do not pair up",
    ]
    assert 'Text.of("Open")' in converted.replace("'", '"')
    assert 'sa.Text("utf8", "C")' in converted
    assert "ctx='pkg.sample'" in converted or 'ctx="pkg.sample"' in converted
    assert "name=name" in converted
    assert "name=messages.Text(agent.nama, agent.name)" in converted
    translations = {e.key: e.translation for e in i18n_po.read(po)}
    assert translations[("", "{name} not found.")] == "{name} tidak ditemukan."
    assert translations[("", "{count:,} left ({code!r}).")] == "Sisa {count:,} kali ({code!r})."
    assert translations[("pkg.sample", "Open")] == "Terbuka"
    assert translations[("", "Field {field} is required.")] == "Kolom {field} wajib diisi."
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    assert compiled.pgettext("pkg.sample", "Open") == "Terbuka"

    # the converted module gives the same texts once the catalogue is the one it reads
    from agent_app.domain import catalogue

    found = catalogue.Catalogue(po.with_suffix(".mo").open("rb"))
    original = catalogue._loaded.get("id")
    catalogue._loaded["id"] = found
    try:
        after = _load(converted)
        for name in ("PLAIN", "SAME", "TEMPLATE", "LONG"):
            assert after[name] == before[name], name

        class Agent:
            nama, name = "Siti", "Siti S."

        args = (before["PLAIN"], 1200, "x1", Agent())
        assert after["f"](*args) == before["f"](*args)  # type: ignore[operator]
    finally:
        if original is None:
            catalogue._loaded.pop("id")
        else:
            catalogue._loaded["id"] = original


def test_running_it_twice_changes_nothing(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "sample.py").write_text(SAMPLE, encoding="utf-8")
    i18n_po.write(tmp_path / "id.po", [], "id")
    _, first, po = _run(tmp_path)
    po_text, mo = po.read_text(encoding="utf-8"), po.with_suffix(".mo").read_bytes()
    result, second, _ = _run(tmp_path)
    assert result.rewrites == 0
    assert result.files == []
    assert second == first
    assert po.read_text(encoding="utf-8") == po_text
    assert po.with_suffix(".mo").read_bytes() == mo


def test_long_messages_are_split_into_joined_pieces():
    text = "word " * 40 + " two  spaces and a tail"
    literal = i18n_codemod._literal(text)
    assert eval(f"({literal})") == text
    assert all(len(line) <= 70 for line in literal.splitlines())


def test_no_text_pair_is_left_outside_the_catalogue():
    """Every literal `Text(indonesian, english)` of the app and the server went into the
    catalogue (`Text(id, en)` remains only for texts composed at run time)."""
    result = i18n_codemod.run(
        list(i18n_build.TEXT_ROOTS), i18n_build.REPO, i18n_build.po_path("id"), write=False
    )
    assert result.rewrites == 0, "run: python -m devtools.i18n_codemod"
