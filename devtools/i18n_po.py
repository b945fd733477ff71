"""The catalogue's files: reading and writing `resources/i18n/<lang>.po` and compiling it to
the `.mo` that `agent_app.domain.catalogue` reads (what GNU msgfmt does, for the subset of
the format the catalogue uses: contexts, no plurals). Standard library only.
"""

from __future__ import annotations

import ast
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from agent_app.domain.catalogue import CONTEXT_SEPARATOR

HEADER = (
    "Project-Id-Version: Perisai Agent\n"
    "Language: {lang}\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
)
_MAGIC = 0x950412DE


@dataclass
class Entry:
    source: str
    translation: str = ""
    context: str | None = None
    comments: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.context or "", self.source)

    @property
    def translated(self) -> bool:
        return bool(self.translation) and not self.fuzzy


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _unquote(literal: str) -> str:
    value = ast.literal_eval(literal)
    if not isinstance(value, str):
        raise ValueError(f"not a PO string: {literal}")
    return value


def read(path: Path) -> list[Entry]:
    """The entries of a .po file (its header, msgid "", left out)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    comments: list[str] = []
    fuzzy = False
    last = ""

    def flush() -> None:
        nonlocal fields, comments, fuzzy
        if fields.get("msgid"):
            entries.append(
                Entry(
                    fields["msgid"],
                    fields.get("msgstr", ""),
                    fields.get("msgctxt"),
                    comments,
                    fuzzy,
                )
            )
        fields, comments, fuzzy = {}, [], False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgid" in fields:
                flush()
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith("# "):
                comments.append(line[2:])
            continue
        if line.startswith('"'):
            fields[last] += _unquote(line)
            continue
        keyword, _, literal = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgid" in fields:
            flush()
        fields[keyword] = _unquote(literal)
        last = keyword
    flush()
    return entries


def render(entries: Iterable[Entry], lang: str) -> str:
    """The .po text of `entries`, sorted by context and source so that it diffs well."""
    lines = ['msgid ""', 'msgstr ""']
    lines += [_quote(line + "\n") for line in HEADER.format(lang=lang).splitlines()]
    for entry in sorted(entries, key=lambda e: e.key):
        lines.append("")
        lines += [f"# {comment}" for comment in entry.comments]
        if entry.fuzzy:
            lines.append("#, fuzzy")
        if entry.context is not None:
            lines.append(f"msgctxt {_quote(entry.context)}")
        lines.append(f"msgid {_quote(entry.source)}")
        lines.append(f"msgstr {_quote(entry.translation)}")
    return "\n".join(lines) + "\n"


def write(path: Path, entries: Iterable[Entry], lang: str) -> None:
    path.write_text(render(entries, lang), encoding="utf-8", newline="\n")


def compile_mo(entries: Iterable[Entry], lang: str) -> bytes:
    """The .mo bytes of the translated entries (deterministic: same entries, same bytes)."""
    messages = {"": HEADER.format(lang=lang)}
    for entry in entries:
        if entry.translated:
            key = entry.source
            if entry.context is not None:
                key = f"{entry.context}{CONTEXT_SEPARATOR}{entry.source}"
            messages[key] = entry.translation
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        source, target = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(source), len(strs), len(target)))
        ids += source + b"\0"
        strs += target + b"\0"
    keys_start = 7 * 4 + 16 * len(keys)
    values_start = keys_start + len(ids)
    table: list[int] = []
    for id_offset, id_length, _, _ in offsets:
        table += [id_length, id_offset + keys_start]
    for _, _, str_offset, str_length in offsets:
        table += [str_length, str_offset + values_start]
    header = struct.pack("<Iiiiiii", _MAGIC, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"<{len(table)}i", *table) + ids + strs
