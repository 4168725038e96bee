"""How the whole suite runs (issue #10: under 90 s on a 2-core machine).

- **Two workers a core** (``-n auto``). A Pilot test spends about half its time asleep in
  Textual's idle checks (each ``pause`` or key waits for 20 ms without work), so a worker per
  core leaves the cores idle that long; a second worker a core uses that time. On this 2-core
  machine, ``tests/ui`` took 68-78 s with 3 workers, 56-65 s with 4, 52-60 s with 5 or 6.
  ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still sets the number.
- **Tests are handed out one at a time** (``--maxschedchunk 1`` in pyproject.toml), so a
  worker that is still in a long test is not given a queue of others behind it.
- **Longest tests first.** Each run records how long every test took in pytest's cache
  (``.pytest_cache``, key ``virtlab/durations``); the next run starts with the longest, so a
  20 s test does not start last while the other workers have nothing left to do. Tests the
  cache does not know yet (a fresh checkout) use ``SLOW``, then keep their collected order.
- **No automatic garbage collection.** A Textual test allocates millions of short-lived
  objects, and CPython's collector, triggered by allocations, walked them again and again:
  with its default thresholds (700, 10, 10) that was a third of the UI tests' CPU, and with
  (10 000, 10, 10) still about 20 s of the suite's, almost all of it walking objects that were
  alive (a test's garbage is nearly all freed by reference counting as it goes). So workers
  collect only when the objects the collector tracks have grown by ``COLLECT_AFTER`` since
  the last collection (``gc.get_count()``), after a test: a few collections per worker, and
  the memory a worker holds stays under 400 MB. Measured with both variants running side by
  side on the same 2 cores (the machine's speed drifts by up to 40% within minutes, so runs
  one after the other do not compare): 179 s of CPU against 186 s. Nothing a test checks
  depends on when the collector runs.
- **A smaller heap for the collector to walk.** What is alive once the tests are collected
  (the modules, their classes and functions, 80 000 objects) is moved out of the collector's
  way (``gc.freeze``): it lives to the end anyway. And Textual keeps up to 1024 widgets'
  render caches alive in one memo (``StylesCache.get_inner_outer`` is an ``lru_cache`` on a
  method, so each entry holds its widget's cache and every line it drew): 300 000 objects
  per worker by the end of the run, walked by every full collection and by the five that
  pytest runs at the end of a session. It is emptied after each test; a memo, so what the
  next test draws is the same.
- **Bytecode is kept.** Where ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it), every
  worker used to rewrite every test module's asserts and compile virtlab from source (5 s a
  worker before its first test), and every ``python -m virtlab`` a test starts compiled
  virtlab again. The suite writes ``__pycache__`` (which git ignores) as Python does by
  default; the subprocesses read it.
"""

from __future__ import annotations

import gc
import os
import sys

import pytest

sys.dont_write_bytecode = False

COLLECT_AFTER = 1_000_000
"""Objects the collector tracks, net of those freed, after which a test's teardown collects."""

#: The longest tests (s, measured with 4 workers on 2 cores) for a run with no recorded
#: durations; a prefix stands for every test under it.
SLOW = {
    "tests/ui/test_random_input.py::test_every_screen_and_dialog_opens_and_closes": 27.0,
    "tests/ui/test_random_input.py::test_random_input_over_the_real_course": 12.0,
    "tests/ui/test_app_flow.py::test_real_lessons_open": 14.0,
    "tests/core/test_incremental_report.py::test_one_vm_changes_recompute_only_their_hosts": 8.0,
    "tests/core/test_incremental_report.py::test_report_from_the_last_equals_from_scratch": 8.0,
    "tests/core/test_properties.py::test_refused_action_leaves_state_unchanged": 8.0,
    "tests/test_browser.py": 7.0,
    "tests/course/test_scenario.py::test_any_toml_shaped_input_gives_problems_not_tracebacks": 6.0,
    "tests/core/test_properties.py::test_report_invariants": 6.0,
    "tests/ui/test_partial_repaint.py::test_every_key_paints_what_a_full_redraw_paints": 4.5,
    "tests/ui/test_lab_table.py::test_narrow_table_says_what_is_to_the_side": 4.3,
    "tests/ui/test_widgets_quiz.py::test_cursor_question_stays_on_screen": 4.0,
    "tests/core/test_incremental_report.py": 3.5,
    "tests/core/network/test_properties.py": 3.0,
    "tests/ui/test_palette.py": 1.7,
    "tests/ui/": 1.0,
}
CACHE_KEY = "virtlab/durations"


#: Seconds per test measured in this process (on the controller: from every worker's reports).
MEASURED: dict[str, float] = {}


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cores or 1)


def pytest_configure(config: pytest.Config) -> None:
    gc.set_threshold(0)  # no automatic collection; see pytest_runtest_teardown


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()
    if gc.get_count()[0] > COLLECT_AFTER:
        gc.collect()


def _known(config: pytest.Config) -> dict[str, float]:
    cache = getattr(config, "cache", None)
    recorded = cache.get(CACHE_KEY, {}) if cache is not None else {}
    return recorded if isinstance(recorded, dict) else {}


def _guess(nodeid: str) -> float:
    """The SLOW entry with the longest prefix of ``nodeid`` (0 when none)."""
    best = ""
    for prefix in SLOW:
        if nodeid.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return SLOW.get(best, 0.0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest first; a stable sort, so every worker gets the same order (xdist checks)."""
    known = _known(config)

    def expected(item: pytest.Item) -> float:
        value = known.get(item.nodeid)
        return float(value) if isinstance(value, int | float) else _guess(item.nodeid)

    items.sort(key=lambda item: -expected(item))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up setup, call and teardown per test."""
    MEASURED[report.nodeid] = MEASURED.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    # The last tests' garbage is collected once (an object that raises as it is freed is
    # still reported), then what is left is frozen: pytest collects five more times as it
    # closes and Python once more on the way out, each walking every object alive (1-2 s a
    # worker at the end of the run, while nothing else is left to do).
    gc.collect()
    gc.freeze()
    config = session.config
    if hasattr(config, "workerinput") or getattr(config, "cache", None) is None:
        return  # an xdist worker: the controller has its reports and writes the cache
    if MEASURED:
        measured = {nodeid: round(seconds, 3) for nodeid, seconds in MEASURED.items()}
        config.cache.set(CACHE_KEY, {**_known(config), **measured})


# The string tables virtlab keeps between runs (``virtlab.course.parse_cache``) go to a folder
# of this run's own, not the user's cache; the app processes tests start inherit it.
if not os.environ.get("VIRTLAB_CACHE_DIR"):
    import tempfile

    os.environ["VIRTLAB_CACHE_DIR"] = tempfile.mkdtemp(prefix="virtlab-test-cache-")
