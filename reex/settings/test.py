"""Test settings: the local default, with fast password hashing and loopback feeds allowed."""

import os

from .local import *  # noqa: F403
from .local import CACHES, REDIS_CACHE_URL, REDIS_URL, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process unless a test starts a real worker (tests/articles/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)


def _database_plus(url: str, n: int) -> str:
    """The same Redis server, ``n`` database numbers on (redis://host:6379/9, 2 -> .../11)."""
    base, _, db = url.rstrip("/").rpartition("/")
    if not db.isdigit():  # no database number: it is 0
        base, db = url.rstrip("/"), "0"
    return f"{base}/{int(db) + n}"


# pytest-xdist (bin/test runs a worker per core): worker gwN uses the Redis databases 2N numbers
# above REDIS_URL's and the page cache's. Tests empty their databases: each worker needs its own.
_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
if REDIS_URL and _worker:
    REDIS_URL = _database_plus(REDIS_URL, 2 * _worker)
    REDIS_CACHE_URL = _database_plus(REDIS_CACHE_URL, 2 * _worker)
    CACHES["default"]["LOCATION"] = REDIS_URL
    CACHES["pages"]["LOCATION"] = REDIS_CACHE_URL
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
