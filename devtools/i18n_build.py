"""Rebuilds the message catalogue: `python -m devtools.i18n_build` (`--check`: change
nothing, exit non-zero when a message lacks Indonesian or a compiled file is stale).

1. Collects every message a person can read, in English (the source language):
   - `self.tr(...)` / `QCoreApplication.translate(...)` of agent_app/ui (via `pyside6-lupdate`);
   - `Text.of("...")` of agent_app and sync (the domain's, services' and server's messages);
   - `_("...")` of the console's templates (sync/server/console/templates);
   - the names of the open lists in `resources/keys.json` (context: the list's name).
2. Merges them into `resources/i18n/id.po` (new ones appear untranslated for the translator;
   ones no longer used are dropped) and compiles it into `id.mo`, which the app and the server
   read (`agent_app.domain.catalogue`).
3. `--import-ts old/perisai_id.ts` fills untranslated messages from a Qt .ts file (a branch
   written before the catalogue that added strings to the retired perisai_id.ts).
4. Compiles `qt_extra_id.ts` (Qt's own words: text field context menus, standard buttons, file
   and print dialogs; Qt ships no Indonesian) into `qt_extra_id.qm` with `pyside6-lrelease`.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from agent_app.domain import _resources
from agent_app.ui import i18n
from devtools import i18n_po

REPO = Path(__file__).resolve().parents[1]
UI_DIR = REPO / "agent_app" / "ui"
#: The trees whose `Text.of(...)` messages the catalogue carries.
TEXT_ROOTS = (REPO / "agent_app", REPO / "sync")
LANGUAGES = ("id",)
#: The branch console's templates (`{{ _("...") }}`).
TEMPLATES = REPO / "sync" / "server" / "console" / "templates"


def _tool(name: str) -> str:
    """The Qt tool on PATH, else beside this Python (a venv's bin/ or Scripts\\, where
    Windows adds `.exe`: `shutil.which` knows)."""
    here = str(Path(sys.executable).parent)
    return shutil.which(name) or shutil.which(name, path=here) or str(Path(here) / name)


def sources() -> list[str]:
    return sorted(str(p) for p in UI_DIR.rglob("*.py"))


def po_path(lang: str) -> Path:
    return i18n.i18n_dir() / f"{lang}.po"


def mo_path(lang: str) -> Path:
    return i18n.i18n_dir() / f"{lang}.mo"


@dataclass
class Messages:
    """What the code asks the catalogue for."""

    #: `tr()` sources, each with the Qt contexts (classes) that ask for it.
    qt: dict[str, set[str]] = field(default_factory=dict)
    #: (context or None, source) of `Text.of` calls and keys.json names.
    core: set[tuple[str | None, str]] = field(default_factory=set)
    #: `Text.of` calls whose text is not a literal (the catalogue cannot know them).
    problems: list[str] = field(default_factory=list)


def qt_messages() -> dict[str, set[str]]:
    """The `tr()` strings of agent_app/ui, by `pyside6-lupdate` (Qt's own extractor)."""
    with tempfile.TemporaryDirectory() as folder:
        ts = Path(folder) / "ui.ts"
        subprocess.run(
            [_tool("pyside6-lupdate"), *sources(), "-locations", "none", "-ts", str(ts)],
            check=True,
            capture_output=True,
        )
        found: dict[str, set[str]] = {}
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                found.setdefault(message.findtext("source") or "", set()).add(name)
    return found


def text_calls(tree: ast.AST) -> list[ast.Call]:
    """The `Text.of(...)` calls in a module."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "of"
        and isinstance(node.func.value, ast.Name | ast.Attribute)
        and (getattr(node.func.value, "id", None) or getattr(node.func.value, "attr", "")) == "Text"
    ]


def literal_message(call: ast.Call) -> tuple[str | None, str] | None:
    """(context, source) of a `Text.of` call, None when either is not a literal."""
    if not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    source = call.args[0].value
    context: object = None
    for keyword in call.keywords:
        if keyword.arg == "ctx":
            context = keyword.value.value if isinstance(keyword.value, ast.Constant) else ...
    if not isinstance(source, str) or not (context is None or isinstance(context, str)):
        return None
    return (context, source)


def text_messages(
    roots: tuple[Path, ...] = TEXT_ROOTS,
) -> tuple[set[tuple[str | None, str]], list[str]]:
    found: set[tuple[str | None, str]] = set()
    problems: list[str] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for call in text_calls(tree):
                message = literal_message(call)
                if message is None:
                    problems.append(f"{path.relative_to(REPO)}:{call.lineno}: not a literal")
                else:
                    found.add(message)
    return found, problems


def template_messages(
    folder: Path = TEMPLATES,
) -> tuple[set[tuple[str | None, str]], list[str]]:
    """The `_("...")` messages of the console's Jinja2 templates (Jinja's own extractor)."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found: set[tuple[str | None, str]] = set()
    problems: list[str] = []
    for path in sorted(folder.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for line, _function, message in env.extract_translations(source):  # type: ignore[attr-defined]
            # A call with keyword values gives (text, None): the values are not messages.
            texts = message if isinstance(message, tuple) else (message,)
            texts = tuple(text for text in texts if text is not None)
            if not texts or any(not isinstance(text, str) for text in texts):
                problems.append(f"{path.relative_to(REPO)}:{line}: not a literal")
                continue
            found.update((None, text) for text in texts)
    return found, problems


def key_messages() -> set[tuple[str | None, str]]:
    """The names of the open lists of keys.json, each under its list's name."""
    data = json.loads(_resources.read_text("keys.json"))
    return {
        (section, str(item["en"]))
        for section, items in data.items()
        if isinstance(items, list)
        for item in items
    }


def collect() -> Messages:
    core, problems = text_messages()
    pages, page_problems = template_messages()
    return Messages(
        qt=qt_messages(), core=core | pages | key_messages(), problems=problems + page_problems
    )


def _used(entry: i18n_po.Entry, messages: Messages) -> bool:
    if (entry.context, entry.source) in messages.core:
        return True
    contexts = messages.qt.get(entry.source)
    return contexts is not None and (entry.context is None or entry.context in contexts)


def merge(entries: list[i18n_po.Entry], messages: Messages) -> list[i18n_po.Entry]:
    """`entries` without the unused ones, plus an empty entry for each message lacking one."""
    kept = [entry for entry in entries if _used(entry, messages)]
    keys = {entry.key for entry in kept}
    wanted = {(None, source) for source in messages.qt} | messages.core
    for context, source in sorted(wanted, key=lambda k: (k[0] or "", k[1])):
        if (context or "", source) not in keys:
            kept.append(i18n_po.Entry(source, "", context))
    return kept


def missing(entries: list[i18n_po.Entry], messages: Messages) -> list[str]:
    """The messages the code asks for that have no Indonesian yet."""
    translated = {entry.key for entry in entries if entry.translated}
    lacking = []
    for source, contexts in messages.qt.items():
        for context in sorted(contexts):
            if (context, source) not in translated and ("", source) not in translated:
                lacking.append(f"{context}: {source!r}")
    for core_context, source in messages.core:
        if (core_context or "", source) not in translated and ("", source) not in translated:
            lacking.append(f"{core_context or '-'}: {source!r}")
    return sorted(lacking)


def stale(lang: str, entries: list[i18n_po.Entry]) -> list[str]:
    """The catalogue's files that differ from what a build would write."""
    found = []
    if po_path(lang).read_text(encoding="utf-8") != i18n_po.render(entries, lang):
        found.append(po_path(lang).name)
    if not mo_path(lang).exists() or mo_path(lang).read_bytes() != i18n_po.compile_mo(
        entries, lang
    ):
        found.append(mo_path(lang).name)
    return found


def compile_qt_extra(lang: str) -> None:
    extra = i18n.i18n_dir() / f"qt_extra_{lang}.ts"
    if extra.exists():  # Qt's own words (context menus, standard buttons), by hand
        subprocess.run(
            [_tool("pyside6-lrelease"), str(extra), "-qm", str(extra.with_suffix(".qm"))],
            check=True,
            capture_output=True,
        )


def ts_translations(path: Path) -> dict[str, str]:
    """The finished translations of a Qt .ts file (perisai_id.ts, before the catalogue)."""
    found = {}
    for message in ET.parse(path).getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            continue
        if translation.text:
            found[message.findtext("source") or ""] = translation.text
    return found


def import_ts(entries: list[i18n_po.Entry], path: Path) -> int:
    """Fills the untranslated entries (without context) that a .ts translates; their count.

    For a branch that still adds strings to the retired perisai_id.ts: run the build with
    `--import-ts` on its copy of the file, then check what it filled in id.po.
    """
    known = ts_translations(path)
    filled = 0
    for entry in entries:
        if entry.context is None and not entry.translated and entry.source in known:
            entry.translation, entry.fuzzy = known[entry.source], False
            filled += 1
    return filled


def build(check: bool = False, ts: Path | None = None) -> int:
    messages = collect()
    failed = bool(messages.problems)
    for problem in messages.problems:
        print(f"Text.of without a literal message: {problem}")
    for lang in LANGUAGES:
        entries = merge(i18n_po.read(po_path(lang)), messages)
        if ts is not None:
            print(f"{lang}: {import_ts(entries, ts)} translation(s) taken from {ts.name}")
        lacking = missing(entries, messages)
        if lacking:
            print(f"{lang}: {len(lacking)} message(s) without a translation:")
            print("\n".join(f"  {text}" for text in lacking))
            failed = True
        if check:
            for name in stale(lang, entries):
                print(f"{name} is stale: run python -m devtools.i18n_build")
                failed = True
            continue
        i18n_po.write(po_path(lang), entries, lang)
        mo_path(lang).write_bytes(i18n_po.compile_mo(entries, lang))
        compile_qt_extra(lang)
    return 1 if failed and check else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; fail when a message has no translation or a file is stale",
    )
    parser.add_argument(
        "--import-ts",
        type=Path,
        metavar="TS",
        help="take the translations of a Qt .ts file for messages that have none yet",
    )
    options = parser.parse_args()
    sys.exit(build(check=options.check, ts=options.import_ts))


if __name__ == "__main__":
    main()
