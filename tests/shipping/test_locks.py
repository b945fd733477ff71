"""The hash-pinned locks in requirements/ agree with pyproject.toml: every dependency of each
extra is pinned there (with hashes), at a version its floor allows, and the server's lock holds
no Qt. A dependency added to pyproject.toml without `requirements/lock.sh` fails here."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from shipping.support import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
#: Which extras each lock serves (the base dependencies are in all of them).
LOCKS = {"app": ("app",), "server": ("server",), "dev": ("app", "server", "dev")}


def _pins(lock: str) -> dict[str, list[Version]]:
    pins: dict[str, list[Version]] = {}
    text = (REPO / "requirements" / f"{lock}.txt").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\S)", text):
        found = PIN.match(block)
        if not found:
            continue
        assert "--hash=sha256:" in block, f"{lock}.txt: {found.group(1)} has no hash"
        pins.setdefault(canonicalize_name(found.group(1)), []).append(Version(found.group(2)))
    return pins


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = PYPROJECT["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        for text in project["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) != canonicalize_name(project["name"]):
                wanted.append(requirement)
    return wanted


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_each_lock_pins_every_dependency_within_its_floor(lock: str) -> None:
    pins = _pins(lock)
    for requirement in _requirements(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"requirements/{lock}.txt lacks {name}: run requirements/lock.sh"
        for version in pins[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements/{lock}.txt pins {name}=={version}, outside {requirement}"
            )


def test_the_server_lock_holds_no_qt() -> None:
    pins = _pins("server")
    for name in (
        "pyside6-essentials",
        "pyside6-addons",
        "shiboken6",
        "numpy",
        "pyqtgraph",
        "sqlcipher3",
        "pillow",
    ):
        assert name not in pins


def test_the_app_locks_hold_neither_pyqtgraph_nor_numpy() -> None:
    """The Beranda's chart is drawn with QPainter (issue 15): the app does not ship them."""
    for lock in ("app", "dev"):
        pins = _pins(lock)
        assert "pyqtgraph" not in pins and "numpy" not in pins, lock


def test_the_floors_skip_versions_with_published_advisories() -> None:
    floors = {
        "requests": "2.32.4",
        "cryptography": "44.0.1",
        "urllib3": "2.5",
        "starlette": "0.49.1",
        "h11": "0.16",
        "pillow": "11.3",
    }
    wanted = {canonicalize_name(r.name): r for r in _requirements(("app", "server", "dev"))}
    for name, floor in floors.items():
        below = (*Version(floor).release[:-1], Version(floor).release[-1] - 1)
        assert not wanted[name].specifier.contains(".".join(map(str, below))), name
        assert wanted[name].specifier.contains(floor), name
