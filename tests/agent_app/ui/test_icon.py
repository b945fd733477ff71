"""The app icon: a shield drawn in resources/icons/perisai-agent.svg, rendered by
installer/make_icon.py into a multi-size .ico, which is the window icon (and the .exe's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from agent_app import selftest
from agent_app.domain import _resources
from agent_app.ui import application

from . import fakes

SIZES = [16, 24, 32, 48, 64, 128, 256]


def test_the_ico_holds_every_size_windows_asks_for() -> None:
    ico = _resources.resources_dir().joinpath(*application.ICON)
    with Image.open(ico) as image:
        assert sorted(w for w, h in image.info["sizes"] if w == h) == SIZES
    assert list(selftest.ICON_SIZES) == SIZES


@pytest.fixture
def prepared(qapp: QApplication) -> Iterator[QApplication]:
    """The application as `run` prepares it; its look is put back for the next tests."""
    style, font, icon = qapp.styleSheet(), qapp.font(), qapp.windowIcon()
    application.prepare(qapp, "id")
    yield qapp
    qapp.setStyleSheet(style)
    qapp.setFont(font)
    qapp.setWindowIcon(icon)


def test_the_window_shows_the_app_icon_at_every_size(
    qtbot: Any, prepared: QApplication, tmp_path: Path
) -> None:
    from agent_app.ui.window import MainWindow

    assert not prepared.windowIcon().isNull()
    window = MainWindow(fakes.FakeShell(backend=fakes.FakeBackend.with_businesses(1)))
    qtbot.addWidget(window)
    icon: QIcon = window.windowIcon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == SIZES
    assert not icon.pixmap(32, 32).toImage().isNull()
    assert selftest._icon(tmp_path).startswith("app icon with 7 sizes")


def test_the_committed_icons_are_made_from_the_svg(qapp: QApplication) -> None:
    """Edit the SVG, run installer/make_icon.py: the .png and the .ico's largest image are
    the SVG as Qt draws it now (a small tolerance for antialiasing)."""
    import importlib.util
    import io

    from PIL import ImageChops, ImageStat

    maker = Path(__file__).resolve().parents[3] / "installer" / "make_icon.py"
    spec = importlib.util.spec_from_file_location("make_icon", maker)
    assert spec is not None and spec.loader is not None
    make_icon = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icon)
    fresh = Image.open(io.BytesIO(make_icon.render(256))).convert("RGBA")
    icons = _resources.resources_dir() / "icons"
    with (
        Image.open(icons / "perisai-agent.png") as png,
        Image.open(icons / "perisai-agent.ico") as ico,
    ):
        ico.size = (256, 256)
        for committed in (png.convert("RGBA"), ico.convert("RGBA")):
            difference = ImageStat.Stat(ImageChops.difference(fresh, committed)).mean
            assert max(difference) < 1.0, difference
