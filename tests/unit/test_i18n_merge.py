"""`devtools.i18n_merge`: after a merge, the messages another branch translated get its
Indonesian, and a translation this side has is never replaced."""

from __future__ import annotations

from devtools import i18n_merge
from devtools.i18n_po import Entry


def test_fill_takes_only_what_this_side_lacks() -> None:
    ours = [
        Entry("Sign in", "Masuk"),
        Entry("Coverage", ""),
        Entry("Review", "", fuzzy=False),
        Entry("Menu", "Menu lama", fuzzy=True),
        Entry("Open", "", context="verb"),
    ]
    theirs = [
        Entry("Sign in", "Log masuk"),
        Entry("Coverage", "Capaian"),
        Entry("Menu", "Menu"),
        Entry("Open", "Buka"),  # no context: another entry
        Entry("Review", "Tinjau", fuzzy=True),  # not a finished translation
    ]
    assert i18n_merge.fill(ours, theirs) == 2
    assert [(e.source, e.translation, e.fuzzy) for e in ours] == [
        ("Sign in", "Masuk", False),
        ("Coverage", "Capaian", False),
        ("Review", "", False),
        ("Menu", "Menu", False),
        ("Open", "", False),
    ]
