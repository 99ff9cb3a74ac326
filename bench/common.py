"""Shared set-up for the benchmarks: Django on a throwaway test database, and timing helpers."""

import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def setup_django(*, keepdb: bool = False):
    """Configure Django and create a test database (``test_<name>``) that is dropped at exit.

    With ``keepdb`` the database is reused if it exists (migrations still apply) and kept at exit,
    so a large corpus is built once and measured many times.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reex.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    # Nothing here rolls back to a serialized copy: serializing a kept corpus takes minutes.
    config = setup_databases(verbosity=0, interactive=False, keepdb=keepdb, serialized_aliases=())
    import atexit

    atexit.register(teardown_databases, config, verbosity=0, keepdb=keepdb)


def best_of(fn, *, repeat: int = 5, setup=None) -> float:
    """The fastest of ``repeat`` runs, in seconds; ``setup`` runs untimed before each."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def interleaved(measures: dict, *, rounds: int = 15) -> dict[str, float]:
    """The fastest time of each measure over ``rounds`` rounds that run them one after another.

    ``measures`` maps a name to ``fn`` or ``(fn, setup)``. Interleaving puts every measure under
    the same machine conditions, so their ratios hold when the machine's speed drifts.
    """
    best = {name: float("inf") for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            fn, setup = measure if isinstance(measure, tuple) else (measure, None)
            if setup:
                setup()
            started = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def median_of(fn, *, repeat: int = 5, setup=None) -> float:
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine() -> str:
    from django.conf import settings

    db = "PostgreSQL" if settings.IS_POSTGRES else "SQLite"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{db}, {datetime.now(UTC):%Y-%m-%d}"
    )


@contextmanager
def section(title: str):
    print(f"\n## {title}", flush=True)
    yield
