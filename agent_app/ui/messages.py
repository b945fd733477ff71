"""The one funnel through which errors and notices reach the person (qutebrowser `message`).

`show_error(parent, exc)`: a `KnownError` (or a domain rule violation) is the world's fault and
becomes its message in the person's language; anything else is a bug: it is logged with its
traceback and the crash dialog says what to send to support. `info()` and `warning()` show
notices. Everything is logged first (never personal data: only the error's type and code).

Tests call `set_sink(recorder)` so that nothing modal opens and each message is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from agent_app import errors
from agent_app.domain import messages as domain_messages
from agent_app.ui import i18n

log = logging.getLogger("ui")

INFO = "info"
WARNING = "warning"
ERROR = "error"
CRASH = "crash"


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    title: str
    text: str


Sink = Callable[[QWidget | None, Message], None]
_sink: Sink | None = None
#: Where the log file is, for the crash dialog (set by app.py).
log_location = ""


def set_sink(sink: Sink | None) -> None:
    global _sink
    _sink = sink


def is_known(exc: BaseException) -> bool:
    return isinstance(exc, errors.KnownError | domain_messages.DomainError)


def describe(exc: BaseException) -> Message:
    """The message for an error, in the language in force."""
    lang = i18n.current_language()
    if is_known(exc):
        text = exc.message(lang)  # type: ignore[attr-defined]
        problems = getattr(exc, "problems", None) or []
        details = [p.message(lang) for p in problems if hasattr(p, "message")]
        details = [d for d in details if d not in text]
        if details:
            text = "\n".join([text, *("• " + d for d in details)])
        return Message(ERROR, QCoreApplication.translate("Messages", "Cannot continue"), text)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    where = log_location or QCoreApplication.translate("Messages", "the program's log folder")
    text = QCoreApplication.translate(
        "Messages",
        "Something went wrong inside Perisai Agent. This is not your fault.\n\n"
        "Please send the log file from {where} to support, with the time {stamp} and what "
        "you were doing. Your saved data is safe.",
    ).format(where=where, stamp=stamp)
    return Message(CRASH, QCoreApplication.translate("Messages", "Program error"), text)


def show(parent: QWidget | None, message: Message) -> None:
    log.log(
        logging.ERROR if message.kind in (ERROR, CRASH) else logging.INFO,
        "message shown: %s",
        message.kind,
    )
    if _sink is not None:
        _sink(parent, message)
        return
    box = QMessageBox(parent)
    box.setWindowTitle(message.title)
    box.setText(message.text)
    box.setIcon(
        {
            INFO: QMessageBox.Icon.Information,
            WARNING: QMessageBox.Icon.Warning,
            ERROR: QMessageBox.Icon.Warning,
            CRASH: QMessageBox.Icon.Critical,
        }[message.kind]
    )
    box.exec()


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if is_known(exc):
        log.info("known error: %s %s", type(exc).__name__, getattr(exc, "code", ""))
    else:
        log.error("bug", exc_info=(type(exc), exc, exc.__traceback__))
    show(parent, describe(exc))


def info(parent: QWidget | None, text: str) -> None:
    show(parent, Message(INFO, QCoreApplication.translate("Messages", "Information"), text))


def warning(parent: QWidget | None, text: str) -> None:
    show(parent, Message(WARNING, QCoreApplication.translate("Messages", "Attention"), text))


Confirm = Callable[[QWidget | None, Message], bool]
_confirm: Confirm | None = None


def set_confirm(answer: Confirm | None) -> None:
    """Tests answer confirmations themselves (and record them) instead of a modal box."""
    global _confirm
    _confirm = answer


def confirm(parent: QWidget | None, text: str, yes: str, no: str) -> bool:
    """Asks before something typed is thrown away; `no` (keep it) is the default button, so
    a second Esc or Enter never loses work."""
    message = Message(WARNING, QCoreApplication.translate("Messages", "Attention"), text)
    log.info("confirmation asked")
    if _confirm is not None:
        return _confirm(parent, message)
    box = QMessageBox(parent)
    box.setWindowTitle(message.title)
    box.setText(text)
    box.setIcon(QMessageBox.Icon.Question)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
