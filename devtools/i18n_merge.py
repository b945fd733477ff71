"""Merges the translations of other branches into this one's catalogue:
`python -m devtools.i18n_merge BRANCH [BRANCH ...]`.

Two branches that both add messages conflict in `resources/i18n/id.po` (and its compiled
`id.mo`). Resolve by keeping this side (`git checkout --ours resources/i18n/id.po
resources/i18n/id.mo`), then run `python -m devtools.i18n_build` (every message of the merged
code gets its entry), then this: each entry still without Indonesian takes the translation the
named branches give it (`git show BRANCH:resources/i18n/id.po`), and `i18n_build` runs again to
compile. It prints what is still missing (`i18n_build --check` fails until it is translated).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from devtools import i18n_build, i18n_po


def translations_of(branch: str, lang: str = "id") -> list[i18n_po.Entry]:
    """The catalogue entries of `lang` as `branch` has them."""
    text = subprocess.run(
        ["git", "show", f"{branch}:resources/i18n/{lang}.po"],
        cwd=i18n_build.REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "other.po"
        copy.write_text(text, encoding="utf-8")
        return i18n_po.read(copy)


def fill(entries: list[i18n_po.Entry], others: list[i18n_po.Entry]) -> int:
    """Gives each untranslated entry of `entries` the translation `others` has; returns how
    many it filled (a translation this side already has is never replaced)."""
    found = {other.key: other for other in others if other.translated}
    filled = 0
    for entry in entries:
        other = found.get(entry.key)
        if other is not None and not entry.translated:
            entry.translation, entry.fuzzy = other.translation, False
            filled += 1
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("branches", nargs="+")
    args = parser.parse_args(argv)
    i18n_build.build()
    for lang in i18n_build.LANGUAGES:
        path = i18n_build.po_path(lang)
        entries = i18n_po.read(path)
        filled = sum(fill(entries, translations_of(branch, lang)) for branch in args.branches)
        i18n_po.write(path, entries, lang)
        print(f"{lang}: {filled} translations taken from {', '.join(args.branches)}")
    return i18n_build.build()


if __name__ == "__main__":
    raise SystemExit(main())
