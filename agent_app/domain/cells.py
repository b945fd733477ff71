"""What a text may be in a CSV or XLSX cell (OWASP "CSV injection"): one rule for the laptop's
exports (`agent_app.reports.exports`) and the server's (`sync.server.admin.exports`)."""

from __future__ import annotations

import re
from typing import Any

#: Characters a cell may not hold: C0 controls other than tab, newline and carriage return
#: (XML 1.0 forbids them; openpyxl raises IllegalCharacterError), DEL, the C1 controls, and
#: lone surrogates (they cannot be written as UTF-8).
_NOT_IN_A_CELL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: What makes a spreadsheet read a text as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain signed number ("+6281234567001", "-5"): a spreadsheet reads it as a number, never
#: as a formula, so it keeps its sign (a phone number in E.164 form starts with "+").
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*")


def cell_text(text: str) -> str:
    """A text as it may stand in a CSV or XLSX cell: control characters removed, and an
    apostrophe before a text a spreadsheet would read as a formula."""
    text = _NOT_IN_A_CELL.sub("", text)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def cell_value(value: Any) -> Any:
    """`value` as a cell holds it: texts through `cell_text`, anything else as it is."""
    return cell_text(value) if isinstance(value, str) else value
