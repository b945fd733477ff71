"""Rebuilds the translations: `python -m agent_app.ui.i18n_build`.

1. `pyside6-lupdate` collects every `self.tr(...)` / `QCoreApplication.translate(...)` string
   of agent_app/ui into `resources/i18n/perisai_id.ts` (existing translations are kept; new
   strings appear as unfinished for the translator, e.g. in `pyside6-linguist`).
2. `pyside6-lrelease` compiles it into `perisai_id.qm`, which the app loads at start, and
   `qt_extra_id.ts` (Qt's own words: text field context menus, standard buttons; Qt ships
   no Indonesian) into `qt_extra_id.qm`.

English is the source language, so it needs no file. `--check` exits non-zero when a string
has no Indonesian translation yet (CI can run it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from agent_app.ui import i18n

UI_DIR = Path(__file__).resolve().parent
LANGUAGES = ("id",)


def _tool(name: str) -> str:
    """The Qt tool on PATH, else beside this Python (a venv's bin/ or Scripts\\, where
    Windows adds `.exe`: `shutil.which` knows)."""
    here = str(Path(sys.executable).parent)
    return shutil.which(name) or shutil.which(name, path=here) or str(Path(here) / name)


def sources() -> list[str]:
    return sorted(str(p) for p in UI_DIR.rglob("*.py"))


def ts_path(lang: str) -> Path:
    return i18n.i18n_dir() / f"perisai_{lang}.ts"


def unfinished(lang: str) -> list[str]:
    root = ET.parse(ts_path(lang)).getroot()
    missing = []
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None:
            continue
        kind = translation.get("type")
        if kind == "unfinished" or (
            kind != "vanished" and kind != "obsolete" and not (translation.text or "").strip()
        ):
            if kind in ("vanished", "obsolete"):
                continue
            missing.append(message.findtext("source") or "")
    return missing


def build(check: bool = False) -> int:
    i18n.i18n_dir().mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        ts = ts_path(lang)
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                *sources(),
                "-no-obsolete",
                "-locations",
                "none",
                "-target-language",
                lang,
                "-ts",
                str(ts),
            ],
            check=True,
        )
        subprocess.run(
            [_tool("pyside6-lrelease"), str(ts), "-qm", str(i18n.qm_path(lang))], check=True
        )
        extra = i18n.i18n_dir() / f"qt_extra_{lang}.ts"
        if extra.exists():  # Qt's own words (context menus, standard buttons), by hand
            subprocess.run(
                [_tool("pyside6-lrelease"), str(extra), "-qm", str(extra.with_suffix(".qm"))],
                check=True,
            )
        missing = unfinished(lang)
        if missing:
            print(f"{lang}: {len(missing)} string(s) without a translation:")
            for text in missing:
                print(f"  {text!r}")
            if check:
                return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail when a string has no translation"
    )
    sys.exit(build(check=parser.parse_args().check))


if __name__ == "__main__":
    main()
