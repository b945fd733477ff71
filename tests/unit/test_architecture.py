"""The house rules of ARCHITECTURE.md that a machine can check.

1. Only agent_app/ui imports PySide6.
2. The laptop side of sync imports nothing of agent_app; sync/server imports only agent_app.domain.
3. domain imports neither SQL nor Qt nor the network.
"""

from __future__ import annotations

import ast
from pathlib import Path

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
    return path.relative_to(ROOT).as_posix()


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


def test_the_checker_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import PySide6.QtCore\nfrom agent_app.storage import uow\n")
    assert "PySide6.QtCore" in imports_of(sample)
    assert "agent_app.storage.uow" in imports_of(sample)
