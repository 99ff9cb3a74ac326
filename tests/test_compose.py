"""docker-compose.yml keeps the operators' rules: nothing runs on an unmigrated schema, every
long-running service has a healthcheck, the page cache evicts while the broker never does; and
the image leaves secrets, local data and caches out (.dockerignore)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_every_service_is_there(services):
    assert set(services) == {"migrate", "web", "worker", "beat", "postgres", "redis", "redis-cache"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_the_migrations_and_the_backing_services(services, name):
    depends = services[name]["depends_on"]
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    for backing in ("postgres", "redis", "redis-cache"):
        assert depends[backing] == {"condition": "service_healthy"}
    assert "migrate" not in " ".join(_command(services[name]))  # migrations run in one place


def test_migrate_runs_once_after_postgres(services):
    migrate = services["migrate"]
    command = " ".join(_command(migrate))
    assert "manage.py migrate" in command and "load_reference" in command
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate.get("restart") == "no"  # a one-shot: restarting it would loop


@pytest.mark.parametrize("name", ["web", "worker", "beat", "postgres", "redis", "redis-cache"])
def test_long_running_services_have_a_healthcheck(services, name):
    test = services[name]["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL") and len(test) >= 2


def test_beat_health_is_its_schedule_file_being_rewritten(services):
    beat = services["beat"]
    check = " ".join(beat["healthcheck"]["test"])
    schedule = _command(beat)[_command(beat).index("--schedule") + 1]
    assert schedule in check and "getmtime" in check


def test_page_cache_evicts_and_broker_never_does(services):
    cache = _command(services["redis-cache"])
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert "--maxmemory" in cache
    broker = _command(services["redis"])
    assert broker[broker.index("--maxmemory-policy") + 1] == "noeviction"
    assert broker[broker.index("--appendonly") + 1] == "yes"


def test_dockerignore_keeps_secrets_local_data_and_caches_out():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".venv", "db.sqlite3", "screenshots", "**/__pycache__", ".git"} <= ignored
    assert {".pytest_cache", ".ruff_cache"} <= ignored


def test_docker_compose_validates_the_file():
    """What `docker compose config` checks (schema, conditions, anchors), with whichever CLI is
    here: the compose plugin, or Debian's `docker-compose` (.ci/run installs it)."""
    if shutil.which("docker-compose"):
        cli = ["docker-compose"]
    elif shutil.which("docker") and _runs(["docker", "compose", "version"]):
        cli = ["docker", "compose"]
    else:
        pytest.skip("needs docker-compose (apt-get install docker-compose) or the compose plugin")
    env = {**os.environ, "SECRET_KEY": "only-for-validation"}
    done = subprocess.run([*cli, "-f", str(COMPOSE), "config", "-q"], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


def _command(service: dict) -> list[str]:
    command = service["command"]
    return command if isinstance(command, list) else command.split()


def _runs(argv: list[str]) -> bool:
    return subprocess.run(argv, capture_output=True, timeout=30).returncode == 0
