import os

from celery import Celery
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reex.settings.local")

app = Celery("reex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# What every task that writes to the database shares: acknowledged only once done, redelivered
# if its worker dies, retried with backoff and jitter while the database is unreachable (any
# other error is a bug to see, not to retry), and time-limited.
DB_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 120,
    "time_limit": 180,
}


def runs_in_process() -> bool:
    """Whether tasks run in the caller's process as they are sent (Celery eager: the embedded
    default, ``bin/demo``, the tests), not on a worker. The ingest then does in its own
    transaction what it would otherwise enqueue after commit (docs/architecture.md)."""
    return bool(app.conf.task_always_eager)
