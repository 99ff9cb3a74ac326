"""Real Celery worker processes for tests: started on a queue of their own, against the
PostgreSQL test database and a Redis broker, and stopped (or killed) by the test."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from kombu import Connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the test database pytest-django created, for another process."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


class Worker:
    """``celery worker`` in its own process group, so a test can kill it and its children."""

    def __init__(self, queue: str, log: Path, *, concurrency: int = 2, **env: str) -> None:
        self.queue, self.log = queue, log
        self.env = {
            # Not PYTEST_XDIST_WORKER: the settings would move REDIS_URL (given here) once more.
            **{k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"},
            "DJANGO_SETTINGS_MODULE": "reex.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **env,
        }
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "reex", "worker", "-Q", self.queue,
                 "--concurrency", str(self.concurrency), "--loglevel", "INFO",
                 "-n", f"{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker: parent and pool children, no chance to ack or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def broker_idle(queue: str) -> bool:
    """Nothing waiting in ``queue`` and nothing taken from it still unacknowledged. Tasks are
    acknowledged late, so a task in progress, or one a killed worker held that is waiting to be
    restored, stays in the broker's ``unacked`` hash until it is done: once idle, no delivery
    (redelivered duplicates included) is still to come. This replaces sleeping "long enough"."""
    with Connection(settings.CELERY_BROKER_URL) as connection:
        channel = connection.default_channel
        client = channel.client
        # The queue's lists: its own name, and one per priority level (name + separator + level).
        waiting = sum(client.llen(key) for key in client.keys(f"{queue}*"))
        unacked = [json.loads(value)[2] for value in client.hvals(channel.unacked_key)]
        return waiting == 0 and queue not in unacked
