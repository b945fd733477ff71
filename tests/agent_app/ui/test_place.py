"""The place of a visit and of a new business (issue 14, item 7): recorded with an indicator
where the operating system offers a position (a real Qt source: NMEA in simulation mode),
null and quiet where it offers none, never asked when the setting is off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QFile, QIODevice
from PySide6.QtPositioning import QNmeaPositionInfoSource
from PySide6.QtWidgets import QWidget

from agent_app.ui import place
from agent_app.ui.context import Context
from agent_app.ui.pages.businesses.business_form import BusinessDialog
from agent_app.ui.pages.businesses.visit_form import VisitDialog

from . import fakes

NMEA = Path(__file__).parent / "data" / "palembang.nmea"


def nmea_source(parent: QWidget) -> QNmeaPositionInfoSource:
    """A real position source: recorded GPS sentences, replayed (Qt: 2 x HDOP 1.2 x 5 m = 12 m)."""
    source = QNmeaPositionInfoSource(QNmeaPositionInfoSource.UpdateMode.SimulationMode, parent)
    device = QFile(str(NMEA), source)
    assert device.open(QIODevice.OpenModeFlag.ReadOnly)
    source.setDevice(device)
    source.setUserEquivalentRangeError(5.0)
    return source


@pytest.fixture
def ctx(qtbot: Any) -> Context:
    shell = fakes.FakeShell(backend=fakes.FakeBackend.with_businesses(3))
    return Context(shell, shell.backend, None, today=lambda: fakes.TODAY)


def _visit_dialog(qtbot: Any, ctx: Context) -> VisitDialog:
    business = next(iter(ctx.backend.businesses.values()))  # type: ignore[attr-defined]
    dialog = VisitDialog(ctx, business)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_visit_records_its_place_with_an_indicator(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(place, "source_factory", nmea_source)
    dialog = _visit_dialog(qtbot, ctx)
    qtbot.waitUntil(lambda: bool(dialog.place.fields()), timeout=10_000)
    assert dialog.place.text() == "Lokasi dicatat ±12 m"
    dialog.save()
    visit = ctx.backend.visits[-1]  # type: ignore[attr-defined]
    assert (visit.latitude, visit.longitude) == pytest.approx((-2.976, 104.775), abs=1e-4)
    assert visit.accuracy_m == pytest.approx(12.0)


def test_where_no_position_is_offered_the_fields_stay_null(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(place, "source_factory", lambda parent: None)
    dialog = _visit_dialog(qtbot, ctx)
    assert dialog.place.text() == "Lokasi tidak tersedia"
    dialog.save()
    visit = ctx.backend.visits[-1]  # type: ignore[attr-defined]
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (None, None, None)


def test_a_source_that_fails_says_not_available(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "nothing.nmea"
    empty.write_text("")

    def silent(parent: QWidget) -> QNmeaPositionInfoSource:
        source = QNmeaPositionInfoSource(QNmeaPositionInfoSource.UpdateMode.SimulationMode, parent)
        device = QFile(str(empty), source)
        device.open(QIODevice.OpenModeFlag.ReadOnly)
        source.setDevice(device)
        return source

    monkeypatch.setattr(place, "source_factory", silent)
    monkeypatch.setattr(place, "TIMEOUT_MS", 200)
    dialog = _visit_dialog(qtbot, ctx)
    qtbot.waitUntil(lambda: dialog.place.text() == "Lokasi tidak tersedia", timeout=5_000)
    assert dialog.place.fields() == {}


def test_the_setting_off_asks_for_nothing(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(parent: QWidget) -> None:
        raise AssertionError("asked for a position with the setting off")

    monkeypatch.setattr(place, "source_factory", never)
    ctx.settings.record_place = False
    dialog = _visit_dialog(qtbot, ctx)
    assert dialog.place.text() == "Lokasi dimatikan (Pengaturan)"
    dialog.save()
    assert ctx.backend.visits[-1].latitude is None  # type: ignore[attr-defined]


def test_a_new_business_records_its_place_an_edit_does_not(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(place, "source_factory", nmea_source)
    dialog = BusinessDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.place and dialog.place.fields()), timeout=10_000)
    dialog.name.setText("Pempek Cek Molek")
    dialog.save()
    created = ctx.backend.businesses[dialog.saved_id or ""]  # type: ignore[attr-defined]
    assert created.latitude == pytest.approx(-2.976, abs=1e-4)
    assert created.accuracy_m == pytest.approx(12.0)

    edit = BusinessDialog(ctx, created)
    qtbot.addWidget(edit)
    assert edit.place is None
    assert "latitude" not in edit.fields()


def test_a_visit_keeps_its_photo_as_a_storefront_or_a_document(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PIL import Image

    monkeypatch.setattr(place, "source_factory", lambda parent: None)
    photo = tmp_path / "nota.png"
    Image.new("RGB", (300, 400), (250, 250, 240)).save(photo)
    dialog = _visit_dialog(qtbot, ctx)
    dialog.photo.keep_file(photo)
    assert dialog.photo.kind_combo is not None
    dialog.photo.kind_combo.setCurrentIndex(dialog.photo.kind_combo.findData("document"))
    dialog.save()
    (kept,) = ctx.backend.visits[-1].attachments  # type: ignore[attr-defined]
    assert kept["kind"] == "document" and kept["media_type"] == "image/jpeg"
    assert kept["sha256"] in ctx.backend.photos  # type: ignore[attr-defined]


def test_editing_a_business_replaces_its_storefront_photo_and_keeps_the_rest(
    qtbot: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import dataclasses

    from PIL import Image

    from agent_app.domain import keys, records

    business = next(iter(ctx.backend.businesses.values()))  # type: ignore[attr-defined]
    document = records.Attachment(keys.AttachmentKind.DOCUMENT, "d" * 64, "image/jpeg", 10, None)
    old = records.Attachment(keys.AttachmentKind.STOREFRONT_PHOTO, "a" * 64, "image/jpeg", 9, None)
    business = dataclasses.replace(business, attachments=(document, old))
    ctx.backend.businesses[business.id] = business  # type: ignore[attr-defined]
    dialog = BusinessDialog(ctx, business)
    qtbot.addWidget(dialog)
    assert dialog.storefront.attachment() == {
        "kind": "storefront_photo",
        "sha256": "a" * 64,
        "media_type": "image/jpeg",
        "size": 9,
        "taken_at": None,
    }
    photo = tmp_path / "toko.jpg"
    Image.new("RGB", (400, 300), (90, 20, 20)).save(photo)
    dialog.storefront.keep_file(photo)
    dialog.save()
    saved = ctx.backend.businesses[business.id].attachments  # type: ignore[attr-defined]
    assert [a["kind"] for a in saved] == ["document", "storefront_photo"]
    assert saved[1]["sha256"] != "a" * 64 and saved[0]["sha256"] == "d" * 64
