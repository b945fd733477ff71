"""The workers of an employer registration, one line each, as a table model: what was typed in
each cell (kept as typed: a wage with stray characters is refused beside it, never
truncated), the live checks of each line (the NIK as the BPU form checks it, the wage, the
dates, a reason for a wage below the regional minimum), the NIKs already active elsewhere,
the problems a submit sent back (`workers[3].monthly_wage`), and each worker's share of the
quote."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from agent_app.domain import identity
from agent_app.domain.employer_contributions import WorkerShare
from agent_app.ui import datefields, i18n, labels, nik_check

Index = QModelIndex | QPersistentModelIndex

#: The columns, by their wire field (the last two are the form's, read only).
FIELDS = (
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "gender",
    "start_date",
    "monthly_wage",
    "jkn",
    "wage_below_minimum_reason",
    "contribution",
    "notes",
)
COLUMN = {name: column for column, name in enumerate(FIELDS)}
_READ_ONLY = frozenset({"contribution", "notes"})
_DATES = ("birth_date", "start_date")
#: A wage as people write it: digits, maybe grouped by dots, maybe after "Rp".
_WAGE = re.compile(r"(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)", re.IGNORECASE)
_ERROR_BRUSH = QBrush(QColor("#fde2e1"))


def parse_wage(text: str) -> int | None:
    """The whole rupiah `text` says (`2500000`, `2.500.000`, `Rp2.500.000`), or None when it
    says anything else (never the digits picked out of it)."""
    found = _WAGE.fullmatch(text.strip().replace(" ", ""))
    return int(found.group(1).replace(".", "")) if found else None


def blank_line() -> dict[str, Any]:
    return {
        "nik": "",
        "full_name": "",
        "birth_place": "",
        "birth_date": "",
        "gender": None,
        "start_date": "",
        "monthly_wage": "",
        "jkn": False,
        "wage_below_minimum_reason": "",
        "auto": [],  # the fields the NIK filled in (a new NIK may replace them)
    }


class WorkersModel(QAbstractTableModel):
    """The worker lines; `reason_needed(wage)` (the form's) says when a wage needs a reason."""

    def __init__(self, today: Callable[[], dt.date], parent: Any = None) -> None:
        super().__init__(parent)
        self.today = today
        self.lines: list[dict[str, Any]] = []
        self.shares: list[WorkerShare | None] = []
        #: NIK -> where it is already active (this laptop, or the server's check)
        self.conflicts: dict[str, str] = {}
        #: (line, field) -> a problem a submit sent back, until that cell changes
        self.sent_back: dict[tuple[int, str], str] = {}
        self.reason_needed: Callable[[int], str | None] = lambda _wage: None
        self._checked: dict[int, dict[str, str]] = {}
        #: a repaint of what the lines show (checks, shares), not a change of what was typed
        self.rechecking = False

    # -- the lines ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIELDS)

    def set_lines(self, lines: Sequence[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.lines = [{**blank_line(), **line} for line in lines]
        self.shares = [None] * len(self.lines)
        self.sent_back = {}
        self._checked = {}
        self.endResetModel()

    def add_line(self) -> int:
        row = len(self.lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self.lines.append(blank_line())
        self.shares.append(None)
        self.endInsertRows()
        return row

    def remove_line(self, row: int) -> None:
        if not 0 <= row < len(self.lines):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.lines[row]
        del self.shares[row]
        self.sent_back = {
            (r - (r > row), f): text for (r, f), text in self.sent_back.items() if r != row
        }
        self._checked = {}
        self.endRemoveRows()

    # -- what a line says --------------------------------------------------------------------

    def nik(self, row: int) -> nik_check.NikCheck:
        return nik_check.check(str(self.lines[row]["nik"]), self.today())

    def wage(self, row: int) -> int | None:
        return parse_wage(str(self.lines[row]["monthly_wage"]))

    def date(self, row: int, field: str) -> dt.date | None:
        text = str(self.lines[row][field])
        return datefields.parse_date(text, self.today()) if text.strip() else None

    def problems(self, row: int) -> dict[str, str]:
        """The line's problems by field: live checks, then what a submit sent back."""
        if row not in self._checked:
            self._checked[row] = self._live(row)
        found = dict(self._checked[row])
        for (line, field), text in self.sent_back.items():
            if line == row:
                found.setdefault(field, text)
        return found

    def _live(self, row: int) -> dict[str, str]:
        line, found = self.lines[row], {}
        said = self.nik(row)
        if said.kind == "error" or (said.kind == "hint" and str(line["nik"]).strip()):
            found["nik"] = said.text
        elif said.info is not None and said.info.nik in self.conflicts:
            found["nik"] = self.conflicts[said.info.nik]
        for field in _DATES:
            if str(line[field]).strip() and self.date(row, field) is None:
                found[field] = QCoreApplication.translate(
                    "WorkersModel", "Not a date: type it as 05081990 or 5/8/1990."
                )
        text = str(line["monthly_wage"]).strip()
        wage = self.wage(row)
        if text and (wage is None or wage <= 0):
            found["monthly_wage"] = QCoreApplication.translate(
                "WorkersModel", "Type the wage in digits only, e.g. 2500000."
            )
        elif wage and not str(line["wage_below_minimum_reason"]).strip():
            needs = self.reason_needed(wage)
            if needs:
                found["wage_below_minimum_reason"] = needs
        return found

    def warnings(self, row: int) -> list[str]:
        """What the NIK says against the line (a birth date, a gender): shown, never blocking
        (a KTP may be misprinted, as the BPU form allows with a reason)."""
        info = self.nik(row).info
        if info is None:
            return []
        found = []
        born = self.date(row, "birth_date")
        text = identity.birth_date_mismatch(info, born) if born else None
        if text is not None:
            found.append(text.in_language(i18n.current_language()))
        gender = self.lines[row]["gender"]
        if gender and gender != str(info.gender.value):
            found.append(
                QCoreApplication.translate(
                    "WorkersModel", "The NIK is of a {gender} person: check the gender, or the NIK."
                ).format(gender=labels.genders()[str(info.gender.value)].lower())
            )
        return found

    def recheck(self) -> None:
        """The size, the region or the conflicts changed: every line is judged again."""
        self._checked = {}
        if self.lines:
            self._repaint(0, len(FIELDS) - 1)

    def set_shares(self, shares: Sequence[WorkerShare] | None) -> None:
        self.shares = list(shares) if shares is not None else [None] * len(self.lines)
        if self.lines:
            self._repaint(COLUMN["contribution"], COLUMN["contribution"])

    def _repaint(self, first: int, last: int) -> None:
        self.rechecking = True
        try:
            self.dataChanged.emit(self.index(0, first), self.index(len(self.lines) - 1, last))
        finally:
            self.rechecking = False

    def wire_lines(self) -> list[dict[str, Any]]:
        """The lines in wire form (what cannot be read stays out: the checks name it)."""
        return [self._wire(row) for row in range(len(self.lines))]

    def _wire(self, row: int) -> dict[str, Any]:
        line = self.lines[row]
        info = self.nik(row).info
        dates = {field: self.date(row, field) for field in _DATES}
        reason = str(line["wage_below_minimum_reason"]).strip()
        return {
            "nik": info.nik if info is not None else str(line["nik"]).strip(),
            "full_name": str(line["full_name"]).strip(),
            "birth_place": str(line["birth_place"]).strip() or None,
            "birth_date": dates["birth_date"].isoformat() if dates["birth_date"] else None,
            "gender": line["gender"],
            "start_date": dates["start_date"].isoformat() if dates["start_date"] else None,
            "monthly_wage": self.wage(row),
            "jkn": bool(line["jkn"]),
            "wage_below_minimum_reason": reason or None,
        }

    # -- the table ---------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self.captions()[FIELDS[section]]

    @staticmethod
    def captions() -> dict[str, str]:
        return {
            "nik": QCoreApplication.translate("WorkersModel", "NIK"),
            "full_name": QCoreApplication.translate("WorkersModel", "Full name"),
            "birth_place": QCoreApplication.translate("WorkersModel", "Place of birth"),
            "birth_date": QCoreApplication.translate("WorkersModel", "Date of birth"),
            "gender": QCoreApplication.translate("WorkersModel", "Gender"),
            "start_date": QCoreApplication.translate("WorkersModel", "Start date"),
            "monthly_wage": QCoreApplication.translate("WorkersModel", "Monthly wage"),
            "jkn": QCoreApplication.translate("WorkersModel", "JKN"),
            "wage_below_minimum_reason": QCoreApplication.translate(
                "WorkersModel", "Reason (wage below minimum)"
            ),
            "contribution": QCoreApplication.translate(
                "WorkersModel", "Contribution (employer + worker)"
            ),
            "notes": QCoreApplication.translate("WorkersModel", "Check"),
        }

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        field = FIELDS[index.column()]
        if field == "jkn":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if field in _READ_ONLY:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, field = index.row(), FIELDS[index.column()]
        line = self.lines[row]
        if role == Qt.ItemDataRole.CheckStateRole and field == "jkn":
            return Qt.CheckState.Checked if line["jkn"] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, field)
        if role == Qt.ItemDataRole.EditRole:
            return line.get(field) if field not in _READ_ONLY else None
        if role == Qt.ItemDataRole.ToolTipRole:
            problem = self.problems(row).get(field)
            if problem is None and field == "nik":
                said = self.nik(row)
                return said.text if said.kind == "ok" else None
            return problem or (self._display(row, "notes") if field == "notes" else None)
        if role == Qt.ItemDataRole.BackgroundRole and field in self.problems(row):
            return _ERROR_BRUSH
        return None

    def _display(self, row: int, field: str) -> str:
        line = self.lines[row]
        if field == "notes":
            return " · ".join([*self.problems(row).values(), *self.warnings(row)])
        if field == "contribution":
            share = self.shares[row] if row < len(self.shares) else None
            if share is None:
                return "-"
            return f"{i18n.rupiah(share.employer_total)} + {i18n.rupiah(share.worker_total)}"
        if field == "jkn":
            return ""
        if field == "gender":
            return labels.of(labels.genders(), line["gender"]) if line["gender"] else ""
        if field in _DATES:
            day = self.date(row, field)
            return i18n.date(day) if day is not None else str(line[field])
        if field == "monthly_wage":
            wage = self.wage(row)
            return i18n.rupiah(wage) if wage else str(line[field])
        return str(line[field] or "")

    def setData(self, index: Index, value: Any, role: int = 0) -> bool:
        if not index.isValid():
            return False
        row, field = index.row(), FIELDS[index.column()]
        if field == "jkn" and role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole or field in _READ_ONLY:
            return False
        return self.set_cell(row, field, value)

    def set_cell(self, row: int, field: str, value: Any) -> bool:
        """Puts `value` in a cell as typed; a NIK fills the birth date and gender it encodes
        (unless the person typed their own)."""
        line = self.lines[row]
        if line.get(field) == value:
            return False
        line[field] = value
        if field in line["auto"]:
            line["auto"].remove(field)
        self.sent_back.pop((row, field), None)
        if field == "nik":
            self._fill_from_nik(row)
        self._checked.pop(row, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(FIELDS) - 1))
        return True

    def _fill_from_nik(self, row: int) -> None:
        line, info = self.lines[row], self.nik(row).info
        if info is None:
            return
        filled = {
            "birth_date": info.birth_date.strftime("%d/%m/%Y"),
            "gender": str(info.gender.value),
        }
        for field, said in filled.items():
            if not line[field] or field in line["auto"]:
                line[field] = said
                if field not in line["auto"]:
                    line["auto"].append(field)
