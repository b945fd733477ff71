"""The order of the tests under `-n` (tests/helpers/schedule.py): the longest first; each test a
unit of its own but those of a module with a module-scoped fixture, one unit per module, and the
wheel's two modules, one unit together."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import schedule

TESTS = Path(__file__).resolve().parents[1]


def test_units_are_single_tests_or_the_modules_with_a_shared_fixture() -> None:
    alone = "tests/sync/server/test_push.py::test_a[sqlite]"
    assert schedule.unit_of(alone) == alone
    live = "tests/sync/server/test_live.py"
    assert schedule.unit_of(live + "::test_a[sqlite]") == live
    assert schedule.unit_of(live + "::test_b[postgres]") == live
    console = "tests/e2e/console/test_people_browser.py"
    assert schedule.unit_of(console + "::test_c") == console
    wheel = "tests/shipping/test_wheel.py::test_both_commands_answer_version"
    venv = (
        "tests/shipping/test_server_without_qt.py::test_migrate_and_serve_answer_health_without_qt"
    )
    assert schedule.unit_of(wheel) == schedule.unit_of(venv) != schedule.unit_of(alone)


def test_the_longest_units_go_first_and_the_rest_keep_their_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long_1, long_2 = "tests/c.py::test_long[sqlite]", "tests/d.py::test_longer"
    monkeypatch.setattr(
        schedule, "LONGEST", (long_2, "tests/shipping/test_server_without_qt.py", long_1)
    )
    ids = [
        "tests/a.py::test_1",
        "tests/shipping/test_wheel.py::test_w",
        long_1,
        "tests/b.py::test_2",
        "tests/shipping/test_server_without_qt.py::test_v",
        long_2,
        "tests/c.py::test_long[postgres]",
    ]
    order = [ids[i] for i in schedule.longest_first(ids)]
    # the wheel's unit (second in LONGEST) keeps its two modules' tests in their order
    assert order == [
        long_2,
        "tests/shipping/test_wheel.py::test_w",
        "tests/shipping/test_server_without_qt.py::test_v",
        long_1,
        "tests/a.py::test_1",
        "tests/b.py::test_2",
        "tests/c.py::test_long[postgres]",
    ]


def _has_a_module_scoped_fixture(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "pytest.fixture":
            for keyword in node.keywords:
                scope = ast.literal_eval(keyword.value) if keyword.arg == "scope" else None
                if scope in ("class", "module", "package"):
                    return True
    return False


def test_every_module_with_a_module_scoped_fixture_is_one_unit() -> None:
    """A module-scoped fixture (or a conftest.py's) left out of GROUPED would be made on every
    worker that runs one of its module's tests, and torn down and made again between them."""
    root = TESTS.parent
    for path in sorted(TESTS.rglob("*.py")):
        if path.name.startswith("test_") or path.name == "conftest.py":
            relative = path.relative_to(root).as_posix()
            if path.name == "conftest.py":
                if 'scope="session"' in path.read_text(encoding="utf-8"):
                    continue  # per worker in any case
                relative = relative.removesuffix("conftest.py")
            if _has_a_module_scoped_fixture(path):
                assert relative.startswith(schedule.GROUPED), relative


def test_xdist_runs_the_longest_first_and_a_module_on_one_worker(tmp_path: Path) -> None:
    """A small suite under `-n 2` with its own `LONGEST`: the long test starts before the
    others although collected last, and the three tests of a module with a module-scoped
    fixture run on one worker, making it once."""
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            """
            from helpers import schedule

            schedule.LONGEST = ("test_b.py::test_long",)
            schedule.GROUPED = ("test_a.py",)
            """
        )
    )
    (tmp_path / "test_a.py").write_text(
        textwrap.dedent(
            """
            import os
            import pytest

            @pytest.fixture(scope="module")
            def made():
                with open(os.environ["MADE"], "a") as out:
                    out.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")

            @pytest.mark.parametrize("n", range(3))
            def test_shared(made, n):
                pass
            """
        )
    )
    (tmp_path / "test_b.py").write_text(
        textwrap.dedent(
            """
            import time

            def test_short():
                pass

            def test_long():
                time.sleep(0.5)
            """
        )
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTHONPATH": str(TESTS), "MADE": str(tmp_path / "made")}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "helpers.schedule", "-n", "2", "-v",
            "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"),
            "--rootdir", str(tmp_path), str(tmp_path),
        ],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    ran = [line for line in done.stdout.splitlines() if " PASSED " in line]
    assert len(ran) == 5, done.stdout
    workers = {line.split()[0] for line in ran if "test_a.py" in line}
    assert len(workers) == 1, ran
    assert (tmp_path / "made").read_text().splitlines() == [workers.pop()[1:-1]]
    long_worker = next(line.split()[0] for line in ran if "test_long" in line)
    # the long test was the first one its worker ran
    assert next(line for line in ran if line.startswith(long_worker)).endswith("test_long ")


def test_every_entry_of_longest_names_a_test_or_a_unit_of_this_tree() -> None:
    """A stale entry would only be ignored; the list is kept true to the tree all the same."""
    root = TESTS.parent
    for entry in schedule.LONGEST:
        path, _, name = entry.partition("::")
        assert (root / path).is_file(), entry
        if name:
            function = name.split("[", 1)[0]
            assert f"def {function}(" in (root / path).read_text(encoding="utf-8"), entry
            assert schedule.unit_of(entry) == entry, f"{entry}: its module is one unit"
        else:
            assert schedule.unit_of(entry + "::") != entry + "::", f"{entry}: not a unit"
