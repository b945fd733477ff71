"""The order in which pytest-xdist hands the tests to its workers (`-n 3` in CI): the longest
first, one unit at a time to whichever worker is about to run out. A pytest plugin
(tests/conftest.py loads it); a run without `-n` is not touched, and no test changes.

xdist's default (`--dist load`) sent each worker a contiguous block of about 180 tests at the
start, then blocks of half of what was left: a block could hold several of the long tests, and
a 60 s test near the end of one became the pass's tail while the other workers sat idle.

Here, with `--dist load` (the default of `-n`), the scheduler is xdist's own by-scope one
(`LoadScopeScheduling`, in collection order, not by size) over these units:
- the tests of a module with a module-scoped fixture (a server, a browser, a venv: `GROUPED`)
  are one unit, so the fixture is made once, on one worker; the two modules of tests/shipping
  that build the wheel (the session-scoped `wheel` fixture, a `pip wheel`) are one (`SHARED`);
- every other test is a unit of its own;
and each worker's collection is sorted so that the units holding `LONGEST`'s entries come
first, in its order, then everything else in its usual order. A worker is sent the next unit
when it has at most two tests left: the long tests start at once on all three workers and the
pass ends on short ones, not on a long one started last.

`LONGEST` comes from CI's `--durations=30` and a pass 1 on the same kind of 2-core machine under
`-n 3` (docs/benchmarks.md, "CI's time, eleventh session of issue 15"); a slow test missing
from it keeps its usual place (tests/unit/test_test_schedule.py checks that each entry is in the
tree).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

#: The longest tests and units, longest first: a test id (`path::name[params]`), or the path of
#: a module in `GROUPED` or `SHARED` (its whole unit). Seconds: CI's `--durations=30` of Dec 2026
#: and a pass 1 here (the sum of a unit's tests, set-up and teardown included), 2-core machine.
LONGEST = (
    "tests/build/test_build.py::test_pyinstaller_build_runs_its_self_test",  # 60-77
    "tests/shipping/test_server_without_qt.py",  # the wheel's unit: 56 (a venv, the wheel)
    "tests/reliability/test_stateful.py::test_sync_state_machine[sqlite]",  # 28-44
    "tests/sync/server/test_live.py",  # 42 (10 s of set-up on PostgreSQL)
    "tests/reliability/test_photos_through_faults.py::"
    "test_16_photos_at_1_mbit_with_dropped_connections[postgres]",  # 32-36
    "tests/reliability/test_photos_through_faults.py::"
    "test_16_photos_at_1_mbit_with_dropped_connections[sqlite]",  # 31
    "tests/reliability/test_crashes.py::test_03_server_killed_mid_batch[postgres]",  # 30
    "tests/reliability/test_network.py::test_07_mall_wifi",  # 23-25
    "tests/reliability/test_crashes.py::test_03_server_killed_mid_batch[sqlite]",  # 22
    "tests/reliability/test_stateful.py::test_sync_state_machine[postgres]",  # 12-23
    "tests/sync/server/test_observability.py",  # 21
    "tests/sync/server/test_schemathesis.py::"
    "test_admin_api_matches_its_document_for_a_supervisor[postgres-negative]",  # 16-20
    "tests/sync/server/test_schemathesis.py::"
    "test_admin_api_matches_its_document_for_a_supervisor[sqlite-negative]",  # 18-19
    "tests/e2e/console/test_console_browser.py",  # 18
    "tests/reliability/test_postgres.py::"
    "test_laptops_pushing_at_once_through_faults_postgres",  # 14-17
    "tests/sync/server/test_properties.py::test_push_invariants",  # 14-17
    "tests/e2e/console/test_prospect_import_browser.py",  # 17
    "tests/reliability/test_network.py::test_12_token_expires_in_the_middle_of_a_sync",  # 16
    "tests/sync/server/test_schemathesis.py::test_api_matches_its_document[postgres-negative]",
    "tests/sync/server/test_schemathesis.py::test_api_matches_its_document[sqlite-positive]",
    "tests/sync/server/test_schemathesis.py::test_api_matches_its_document[postgres-positive]",
    "tests/sync/server/test_schemathesis.py::test_api_matches_its_document[sqlite-negative]",
    "tests/sync/server/test_login_flood.py::"
    "test_a_flood_of_logins_keeps_the_server_small[postgres]",  # 11-13
    "tests/sync/server/test_schemathesis.py::"
    "test_admin_api_matches_its_document_for_a_supervisor[sqlite-positive]",  # 12
    "tests/reliability/test_scenarios.py::test_05_batches_arrive_out_of_order",  # 11-12
    "tests/reliability/test_scenarios.py::test_10_a_poison_op_at_position_3_of_500[3_of_500]",
    "tests/reliability/test_crashes.py::"
    "test_02_client_killed_mid_batch_before_and_after_sending",  # 11
    "tests/sync/server/test_login_flood.py::"
    "test_forty_guesses_at_once_get_at_most_five_passwords_checked[postgres]",  # 11
    "tests/agent_app/ui/test_app_version.py",  # 11
    "tests/sync/server/test_login_flood.py::"
    "test_one_refresh_token_traded_in_at_once_gives_everyone_the_same_pair[postgres]",  # 11
    "tests/reliability/test_scenarios.py::"
    "test_01_response_lost_after_the_server_committed[postgres]",  # 10
    "tests/sync/server/test_login_flood.py::"
    "test_a_flood_of_logins_keeps_the_server_small[sqlite]",  # 9-10
    "tests/agent_app/ui/test_contrast.py::"
    "test_every_text_of_every_page_and_dialog_is_readable[high-contrast]",  # 9
    "tests/agent_app/reports/test_exports.py::"
    "test_cli_unmasks_only_for_a_supervisor_the_server_confirmed",  # 9
    "tests/sync/server/test_login_flood.py::"
    "test_forty_guesses_at_once_get_at_most_five_passwords_checked[sqlite]",  # 9
    "tests/reliability/test_crashes.py::test_11_app_killed_right_after_a_local_commit",  # 9
    "tests/sync/server/test_push_fuzz.py::"
    "test_no_op_content_makes_a_batch_fail_or_stores_what_the_rules_forbid[postgres]",  # 9
    "tests/sync/server/test_login_flood.py::"
    "test_one_refresh_token_traded_in_at_once_gives_everyone_the_same_pair[sqlite]",  # 8
    "tests/reliability/test_network.py::test_09_two_agents_edit_the_same_business_offline[A]",
)

#: Modules whose tests share an expensive session-scoped fixture: one unit, one worker.
SHARED = {
    "tests/shipping/test_wheel.py": "the wheel",
    "tests/shipping/test_server_without_qt.py": "the wheel",
}

#: The modules (or folders of modules) with a module-scoped fixture: each module is one unit,
#: so its fixture is made once. tests/unit/test_test_schedule.py checks that every module with
#: such a fixture, or under a conftest.py with one, is here.
GROUPED = (
    "tests/agent_app/ui/test_app_version.py",
    "tests/build/test_installer.py",
    "tests/e2e/console/",
    "tests/shipping/test_server_without_qt.py",
    "tests/shipping/test_wheel.py",
    "tests/sync/server/prospects/test_import_rows.py",
    "tests/sync/server/test_live.py",
    "tests/sync/server/test_observability.py",
)


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to (the same in the controller and every worker): its
    module's in `SHARED` or `GROUPED`, otherwise the test alone."""
    module = nodeid.split("::", 1)[0]
    if module in SHARED:
        return SHARED[module]
    if module.startswith(GROUPED):
        return module
    return nodeid


def _rank() -> dict[str, int]:
    rank: dict[str, int] = {}
    for place, entry in enumerate(LONGEST):
        unit = unit_of(entry if "::" in entry else entry + "::")
        rank.setdefault(unit, place)
    return rank


def longest_first(nodeids: Iterable[str]) -> list[int]:
    """The positions of `nodeids` in the order to run them: the units of `LONGEST` first, in
    its order, then the rest in their own order (a unit's tests keep theirs)."""
    rank = _rank()
    ids = list(nodeids)
    return sorted(range(len(ids)), key=lambda i: rank.get(unit_of(ids[i]), len(LONGEST)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist load` (what `-n` means): xdist's by-scope scheduler over `unit_of`'s units,
    in the order of the (sorted) collection."""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    config.option.loadscopereorder = False  # the collection's order, not the units' sizes
    return UnitScheduling(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker, after every other plugin's reordering (pytest's own by fixture
    parameters): the longest first. Every worker sorts the same collection the same way."""
    if not hasattr(config, "workerinput"):
        return
    items[:] = [items[i] for i in longest_first(item.nodeid for item in items)]
