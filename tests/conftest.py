"""Root fixtures. Tests that need PostgreSQL or Redis are marked and skip, saying why, on the
embedded default; ``REEX_FORBID_SKIPS=1`` (set by ``.ci/run``) turns any skip into a failure."""

import os
import time
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from tests.factories import load_sample_tracker

pytest_plugins = ["tests.loopback", "tests.scheduling"]


@pytest.hookimpl(trylast=True)  # after pytest-django has put the transactional tests last
def pytest_collection_modifyitems(config, items):
    on_postgres = settings.IS_POSTGRES
    on_redis = bool(settings.REDIS_URL)
    if on_postgres:
        # Tests of the embedded default's own code (SQLite FTS5) cannot run here: deselected,
        # not skipped; `.ci/run` runs them in a second pass on SQLite (`-m sqlite`).
        sqlite_only = [item for item in items if item.get_closest_marker("sqlite")]
        if sqlite_only:
            config.hook.pytest_deselected(items=sqlite_only)
            items[:] = [item for item in items if not item.get_closest_marker("sqlite")]
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if item.get_closest_marker("redis") and not on_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))
    items[:] = _shared_rows_first(items)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Reader pages have a cache of their own (reex.caching): none leaks between tests."""
    from reex.caching import page_cache

    page_cache().clear()
    yield
    page_cache().clear()


@pytest.fixture
def frozen_clock():
    """The clock stands still, 30 s into the current minute: rate limits count requests in
    fixed one-minute windows (reex.ratelimit), and a test whose requests straddled a minute's end
    saw its count start again."""
    now = time.time()
    with time_machine.travel(now - now % 60 + 30, tick=False) as traveller:
        yield traveller


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REEX_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"REEX_FORBID_SKIPS=1: {len(skipped)} test(s) skipped; CI needs every test to run.",
            red=True,
        )
        session.exitstatus = 1


# --- rows shared by consecutive tests ---------------------------------------------------------


class SharedRows:
    """Rows that several tests only read, made once for a run of consecutive tests rather than
    once per test (what Django's ``TestCase.setUpTestData`` does for a class).

    They are written in a transaction left open while those tests run. Each test's own
    transaction is a savepoint inside it, rolled back after the test as always, so no test sees
    another's changes. The open transaction is rolled back after the last test of the run that
    wants these rows (the tests that do are run first, one set of rows after the other).
    """

    def __init__(self) -> None:
        self.name: str | None = None
        self._atomic: transaction.Atomic | None = None
        self._blocker = None

    def open(self, name: str, make: Callable[[], object], blocker) -> None:
        if self.name == name:
            return
        self.close()
        self._blocker = blocker
        with blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            # Marked as Django marks its test transactions: code under test may open durable
            # blocks inside.
            self._atomic._from_testcase = True
            try:
                make()
            except BaseException:  # a skip too: nothing half-made stays open
                self.close()
                raise
        self.name = name

    def close(self) -> None:
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self.name, self._atomic = None, None


shared_rows = SharedRows()
SHARED = "shared_rows_"  # the names of the module-scoped fixtures below start with it


def shared_rows_fixture(make: Callable[[], object]):
    """A module-scoped fixture for ``make``'s rows, to be named ``shared_rows_<what>``. Tests
    ask for a function-scoped fixture that requests it with ``db`` and calls ``rows_in_test``."""

    @pytest.fixture(scope="module")
    def fixture(request, django_db_setup, django_db_blocker):
        # Already open when the previous test wanted them too, even from another module.
        shared_rows.open(request.fixturename, make, django_db_blocker)
        return request.fixturename

    return fixture


def rows_in_test(name: str, make: Callable[[], object]) -> None:
    """In a test: the shared rows ``name`` are still open, or (rolled back for a test in between
    that wanted none) are made again, in the test's own transaction."""
    if shared_rows.name != name:
        make()


def _shared_rows_wanted(item: pytest.Item) -> str | None:
    names = [name for name in getattr(item, "fixturenames", ()) if name.startswith(SHARED)]
    return names[0] if names else None


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def _shared_rows_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The tests sharing rows first, grouped by rows, so that each set is made once (once per
    pytest-xdist worker, or a few times). They do not commit, and pytest-django runs those
    first anyway; the order of the others is kept."""

    def key(item: pytest.Item) -> tuple[bool, str]:
        wanted = _shared_rows_wanted(item)
        return wanted is None, wanted or ""

    return sorted(items, key=key)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture: roll back shared rows this test does not want."""
    wanted = _shared_rows_wanted(item)
    if wanted and _commits(item):
        raise pytest.UsageError(f"{item.nodeid}: shared rows are for tests that do not commit")
    if shared_rows.name is not None and shared_rows.name != wanted:
        shared_rows.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Once the test's own transaction is rolled back: roll back the shared rows too unless the
    next test wants them (the last test of a run has no next one)."""
    yield
    if shared_rows.name is not None and (
        nextitem is None or _shared_rows_wanted(nextitem) != shared_rows.name
    ):
        shared_rows.close()


# The reader pages' test data: reference records, the sample feed ingested, enriched, indexed.
shared_rows_sample_tracker = shared_rows_fixture(load_sample_tracker)


@pytest.fixture
def sample_tracker(shared_rows_sample_tracker, db) -> None:
    rows_in_test(shared_rows_sample_tracker, load_sample_tracker)


def load_reference() -> None:
    call_command("load_reference", verbosity=0)


# The reference initiatives, entities and topics, as `manage.py load_reference` makes them.
shared_rows_reference = shared_rows_fixture(load_reference)


@pytest.fixture
def reference_data(shared_rows_reference, db) -> None:
    rows_in_test(shared_rows_reference, load_reference)
