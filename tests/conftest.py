"""Root fixtures. Tests that need PostgreSQL or Redis are marked and skip, saying why, on the
embedded default; ``REEX_FORBID_SKIPS=1`` (set by ``.ci/run``) turns any skip into a failure."""

import os

import pytest
from django.conf import settings

pytest_plugins = ["tests.loopback"]


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


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Reader pages have a cache of their own (reex.caching): none leaks between tests."""
    from reex.caching import page_cache

    page_cache().clear()
    yield
    page_cache().clear()


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
