"""The two kinds of failure, split by whose fault they are (STYLE.md, qutebrowser/Anki).

`KnownError`: the world's fault (wrong password, disk full, offline, a rule the input breaks).
The UI shows its message in the person's language and carries on.
`BugError`: our fault. The UI shows the crash dialog that says what to send to support.
"""

from __future__ import annotations

from agent_app.domain.messages import Text


class KnownError(Exception):
    """An expected failure with a message for the person, in Bahasa Indonesia and English."""

    def __init__(self, text: Text, code: str = "error") -> None:
        super().__init__(text.id)
        self.text = text
        self.code = code

    def message(self, lang: str = "id") -> str:
        return self.text.in_language(lang)


class BugError(Exception):
    """A failure that means the program is wrong; never shown as the person's fault."""
