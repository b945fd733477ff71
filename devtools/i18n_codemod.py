"""Moves the inline `Text("indonesian", "english")` pairs into the message catalogue:
`python -m devtools.i18n_codemod [paths...]` (default: agent_app and sync).

Each call whose two arguments are string literals (plain, f-strings, implicitly or `+`
concatenated, on any number of lines) becomes `Text.of("english template", name=value, ...)`
and its Indonesian goes into `resources/i18n/id.po` (then `id.mo` is recompiled):

- an f-string's `{expression}`s become named `{placeholders}` (conversions and format specs
  kept) filled by keyword arguments; the same expression in both languages is one argument,
  `{x.id}` / `{x.en}` become one argument `x` (a `Text`, which fills each language with its
  own words), and any other pair of differing expressions becomes `name=Text(id, en)`;
- when the English text already has another Indonesian translation in the catalogue, the
  call gets the module's name as its context (`ctx="agent_app.domain.validation"`).

What it cannot convert (arguments that are not literals, placeholders that do not pair up,
nested format specs, clashing translations) it leaves as it is and reports. Running it again
changes nothing. `--dry-run` reports without writing; `--no-format` skips `ruff format` on the
changed files.
"""

from __future__ import annotations

import argparse
import ast
import keyword
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from devtools import i18n_build, i18n_po

LANG = "id"
_CHUNK = 60


@dataclass(frozen=True)
class Slot:
    """One `{expression}` of an f-string."""

    node: ast.expr
    source: str
    conversion: str
    spec: str


Part = str | Slot


class Unconvertible(Exception):
    pass


@dataclass
class Rewrite:
    start: int
    end: int
    text: str


@dataclass
class Result:
    rewrites: int = 0
    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _parts(node: ast.expr, source: str) -> list[Part]:
    """The literal text and `{expression}`s of a string argument, in order."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _parts(node.left, source) + _parts(node.right, source)
    if isinstance(node, ast.JoinedStr):
        parts: list[Part] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue):
                parts.append(_slot(value, source))
            else:
                raise Unconvertible("unexpected f-string part")
        return parts
    raise Unconvertible("an argument is not a string literal")


def _slot(value: ast.FormattedValue, source: str) -> Slot:
    spec = ""
    if value.format_spec is not None:
        pieces = getattr(value.format_spec, "values", [])
        if not all(isinstance(p, ast.Constant) for p in pieces):
            raise Unconvertible("a format spec holds an expression")
        spec = ":" + "".join(str(p.value) for p in pieces if isinstance(p, ast.Constant))
    conversion = "" if value.conversion == -1 else "!" + chr(value.conversion)
    text = ast.get_source_segment(source, value.value)
    if text is None:
        raise Unconvertible("no source for a placeholder")
    return Slot(value.value, text, conversion, spec)


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _base_name(node.func)
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return _base_name(node.value)
    return "value"


class _Names:
    def __init__(self) -> None:
        self.taken: set[str] = set()

    def new(self, node: ast.expr) -> str:
        base = _base_name(node).strip("_") or "value"
        if not base.isidentifier() or keyword.iskeyword(base) or base == "ctx":
            base = f"{base}_value" if base.isidentifier() else "value"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name


def _text_pair(slot: Slot, lang: str) -> str | None:
    """`x` when `slot` is `x.<lang>` (a Text's words in one language)."""
    node = slot.node
    if isinstance(node, ast.Attribute) and node.attr == lang:
        return ast.unparse(node.value)
    return None


def _pair_slots(
    id_slots: list[Slot], en_slots: list[Slot], func: str
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Names for each language's expressions, and each name's argument."""
    names = _Names()
    id_names: dict[str, str] = {}
    en_names: dict[str, str] = {}
    args: dict[str, str] = {}
    id_sources = list(dict.fromkeys(s.source for s in id_slots))
    en_unique = list({s.source: s for s in en_slots}.values())
    id_by_pair = {_text_pair(s, "id"): s.source for s in id_slots if _text_pair(s, "id")}
    pending: list[Slot] = []
    for slot in en_unique:
        if slot.source in id_sources:
            name = en_names[slot.source] = id_names[slot.source] = names.new(slot.node)
            args[name] = slot.source
        elif (pair := _text_pair(slot, "en")) and pair in id_by_pair:
            name = names.new(slot.node.value if isinstance(slot.node, ast.Attribute) else slot.node)
            en_names[slot.source] = id_names[id_by_pair[pair]] = name
            args[name] = pair
        else:
            pending.append(slot)
    id_pending = [s for s in id_sources if s not in id_names]
    if len(id_pending) != len(pending):
        raise Unconvertible("the two languages' placeholders do not pair up")
    for slot, id_source in zip(pending, id_pending, strict=True):
        name = en_names[slot.source] = id_names[id_source] = names.new(slot.node)
        args[name] = f"{func}({id_source}, {slot.source})"
    return id_names, en_names, args


def _template(parts: list[Part], names: dict[str, str], formatted: bool) -> str:
    out = []
    for part in parts:
        if isinstance(part, Slot):
            out.append("{" + names[part.source] + part.conversion + part.spec + "}")
        else:
            out.append(part.replace("{", "{{").replace("}", "}}") if formatted else part)
    return "".join(out)


def _literal(text: str) -> str:
    """`text` as Python source, split into implicitly joined pieces (on separate lines, inside
    the call's parentheses) when long."""
    if len(text) <= _CHUNK:
        return repr(text)
    pieces = [""]
    for word in re.findall(r"\s*\S+\s*|\s+", text):
        if pieces[-1] and len(pieces[-1]) + len(word) > _CHUNK:
            pieces.append("")
        pieces[-1] += word
    return "\n".join(repr(p) for p in pieces)  # joined: it is a call's argument


class Catalogue:
    """The Indonesian entries of the .po, with the ones this run adds."""

    def __init__(self, entries: list[i18n_po.Entry]) -> None:
        self.entries = entries
        self.by_key = {entry.key: entry for entry in entries}
        self.added = 0

    def place(self, english: str, indonesian: str, module: str) -> str | None:
        """Adds the pair; returns the context it needs (None: none), or raises on a clash."""
        for context in (None, module):
            entry = self.by_key.get((context or "", english))
            if entry is None:
                entry = i18n_po.Entry(english, indonesian, context)
                self.entries.append(entry)
                self.by_key[entry.key] = entry
                self.added += 1
                return context
            if not entry.translation:
                entry.translation = indonesian
                return context
            if entry.translation == indonesian:
                return context
        raise Unconvertible(f"{english!r} has another translation in {module} already")


def _is_text_pair(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or node.keywords or len(node.args) != 2:
        return False
    func = node.func
    # `Text` or `messages.Text` (not SQLAlchemy's `sa.Text(length, collation)`)
    return (isinstance(func, ast.Name) and func.id == "Text") or (
        isinstance(func, ast.Attribute)
        and func.attr == "Text"
        and ast.unparse(func.value).split(".")[-1] == "messages"
    )


def convert_call(call: ast.Call, source: str, module: str, catalogue: Catalogue) -> str:
    """The `Text.of(...)` source that replaces `call` (adding its pair to the catalogue)."""
    func = ast.get_source_segment(source, call.func) or "Text"
    id_parts = _parts(call.args[0], source)
    en_parts = _parts(call.args[1], source)
    id_names, en_names, args = _pair_slots(
        [p for p in id_parts if isinstance(p, Slot)],
        [p for p in en_parts if isinstance(p, Slot)],
        func,
    )
    english = _template(en_parts, en_names, bool(args))
    indonesian = _template(id_parts, id_names, bool(args))
    if not english:
        raise Unconvertible("an empty English text")
    context = catalogue.place(english, indonesian, module)
    arguments = [_literal(english)]
    if context is not None:
        arguments.append(f"ctx={context!r}")
    arguments += [f"{name}={value}" for name, value in args.items()]
    return f"{func}.of(" + ", ".join(arguments) + ")"


def _offsets(source: str) -> list[int]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _span(node: ast.expr, starts: list[int], source: str) -> tuple[int, int]:
    """Character offsets of `node` (the AST counts UTF-8 bytes within a line)."""

    def at(line: int, byte: int) -> int:
        text = source[starts[line - 1] : starts[line]]
        return starts[line - 1] + len(text.encode("utf-8")[:byte].decode("utf-8"))

    assert node.end_lineno is not None and node.end_col_offset is not None
    return at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)


def module_name(path: Path, root: Path) -> str:
    relative = path.resolve().relative_to(root).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def convert_source(
    source: str, module: str, catalogue: Catalogue, where: str, result: Result
) -> str:
    """`source` with its convertible `Text(id, en)` calls rewritten (outermost ones only)."""
    tree = ast.parse(source)
    starts = _offsets(source)
    rewrites: list[Rewrite] = []
    for node in ast.walk(tree):
        if not _is_text_pair(node):
            continue
        assert isinstance(node, ast.Call)
        start, end = _span(node, starts, source)
        if any(r.start <= start and end <= r.end for r in rewrites):
            continue  # inside a call already rewritten (ast.walk visits outer ones first)
        try:
            rewrites.append(Rewrite(start, end, convert_call(node, source, module, catalogue)))
        except Unconvertible as reason:
            result.skipped.append(f"{where}:{node.lineno}: {reason}")
    for rewrite in sorted(rewrites, key=lambda r: r.start, reverse=True):
        source = source[: rewrite.start] + rewrite.text + source[rewrite.end :]
    result.rewrites += len(rewrites)
    return source


def run(paths: list[Path], root: Path, po: Path, write: bool = True) -> Result:
    """Converts the files under `paths`; writes them and the catalogue (.po and .mo)."""
    catalogue = Catalogue(i18n_po.read(po))
    result = Result()
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py"))})
    for path in files:
        if path.resolve() == Path(__file__).resolve():
            continue
        original = path.read_text(encoding="utf-8")
        where = str(path.resolve().relative_to(root))
        changed = convert_source(original, module_name(path, root), catalogue, where, result)
        if changed != original:
            result.files.append(path)
            if write:
                path.write_text(changed, encoding="utf-8", newline="")
    if write and (catalogue.added or result.files):
        i18n_po.write(po, catalogue.entries, LANG)
        po.with_suffix(".mo").write_bytes(i18n_po.compile_mo(catalogue.entries, LANG))
    return result


def _ruff_format(files: list[Path]) -> None:
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if files and ruff:
        subprocess.run([ruff, "format", "--quiet", *map(str, files)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=list(i18n_build.TEXT_ROOTS))
    parser.add_argument("--dry-run", action="store_true", help="report; write nothing")
    parser.add_argument("--no-format", action="store_true", help="do not run ruff format")
    options = parser.parse_args()
    result = run(options.paths, i18n_build.REPO, i18n_build.po_path(LANG), not options.dry_run)
    if not options.dry_run and not options.no_format:
        _ruff_format(result.files)
    print(f"{result.rewrites} Text(...) call(s) converted in {len(result.files)} file(s)")
    for line in result.skipped:
        print(f"  not converted: {line}")


if __name__ == "__main__":
    main()
