"""The house rules of ARCHITECTURE.md that a machine can check.

1. Only agent_app/ui imports PySide6.
2. The laptop side of sync imports nothing of agent_app; sync/server imports only agent_app.domain.
3. domain imports neither SQL nor Qt nor the network.
4. No app module is imported by name at run time (`importlib`, `__import__`): imports are static,
   so mypy and readers see them.
5. The UI and the reports reach data through the services, never `agent_app.storage`.
6. No source file over 400 lines and no function over 60 (migration scripts, which are
   declarative tables of DDL, excepted): the size aim of issue 12.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.clock_free

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no sources in {package}"
    return files


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def test_only_ui_imports_pyside6():
    offenders = [
        rel(path)
        for package in ("agent_app", "sync")
        for path in sources(package)
        if not rel(path).startswith("agent_app/ui/")
        and any(name.split(".")[0] in ("PySide6", "shiboken6") for name in imports_of(path))
    ]
    assert offenders == []


def test_sync_uses_only_the_domain_of_the_app_and_only_on_the_server():
    offenders = []
    for path in sources("sync"):
        for name in imports_of(path):
            if name.split(".")[0] != "agent_app":
                continue
            allowed = rel(path).startswith("sync/server/") and (
                name == "agent_app.domain" or name.startswith("agent_app.domain.")
            )
            if not allowed:
                offenders.append(f"{rel(path)}: {name}")
    assert offenders == []


def test_domain_is_pure():
    forbidden = {"sqlalchemy", "sqlcipher3", "PySide6", "requests", "fastapi", "sync"}
    offenders = [
        f"{rel(path)}: {name}"
        for path in sources("agent_app/domain")
        for name in imports_of(path)
        if name.split(".")[0] in forbidden
        or (name.startswith("agent_app.") and not name.startswith("agent_app.domain"))
    ]
    assert offenders == []


MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _declarative(path: Path) -> bool:
    """Migration scripts: tables of DDL, long by nature."""
    return "/migrations/versions/" in rel(path)


def dynamic_imports_of(path: Path) -> list[str]:
    """`importlib.import_module(...)`, `import_module(...)` and `__import__(...)` calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
        if name in ("import_module", "__import__"):
            found.append(f"{rel(path)}:{node.lineno} {name}")
    return found


def long_functions_of(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{rel(path)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_no_app_module_is_imported_by_name():
    offenders = [
        hit
        for package in ("agent_app", "sync")
        for path in sources(package)
        for hit in dynamic_imports_of(path)
    ]
    assert offenders == []


def test_ui_and_reports_go_through_the_services():
    offenders = [
        f"{rel(path)}: {name}"
        for package in ("agent_app/ui", "agent_app/reports")
        for path in sources(package)
        for name in imports_of(path)
        if name == "agent_app.storage" or name.startswith("agent_app.storage.")
    ]
    assert offenders == []


def test_no_source_file_over_the_size_aim():
    offenders = [
        f"{rel(path)} ({n} lines)"
        for package in ("agent_app", "sync")
        for path in sources(package)
        if not _declarative(path)
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    ]
    assert offenders == []


def test_no_function_over_the_size_aim():
    offenders = [
        hit
        for package in ("agent_app", "sync")
        for path in sources(package)
        if not _declarative(path)
        for hit in long_functions_of(path)
    ]
    assert offenders == []


def test_the_size_and_dynamic_import_checkers_see_offenders(tmp_path):
    sample = tmp_path / "x.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    sample.write_text(
        "import importlib\n"
        "mod = importlib.import_module('agent_app.services.sync')\n"
        "other = __import__('agent_app')\n"
        f"def long():\n{body}\n"
    )
    assert [hit.split()[-1] for hit in dynamic_imports_of(sample)] == [
        "import_module",
        "__import__",
    ]
    assert len(long_functions_of(sample)) == 1
    assert long_functions_of(sample, limit=MAX_FUNCTION_LINES + 1) == []


def test_the_checker_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import PySide6.QtCore\nfrom agent_app.storage import uow\n")
    assert "PySide6.QtCore" in imports_of(sample)
    assert "agent_app.storage.uow" in imports_of(sample)
