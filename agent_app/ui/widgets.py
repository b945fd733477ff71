"""Small shared widgets and helpers: titled sections, form rows, key combo boxes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QVBoxLayout, QWidget

from agent_app.domain import keys
from agent_app.ui import i18n


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("h1" if level == 1 else "h2")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def card(*children: QWidget, name: str = "card") -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    for child in children:
        layout.addWidget(child)
    return frame


def key_combo(section: str, blank: str | None = None) -> QComboBox:
    """A combo box of the keys of `sectors` / `occupations` with their names in the language
    in force; the key is the item data."""
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, None)
    lang = i18n.current_language()
    source = keys.SECTORS if section == "sectors" else keys.OCCUPATIONS
    for key in source:
        combo.addItem(keys.label(section, key, lang), key)
    return combo


def select_data(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))
