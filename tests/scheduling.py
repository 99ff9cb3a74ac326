"""pytest-xdist's ``--dist load`` with short queues, as a pytest plugin (``pytest_plugins`` in
tests/conftest.py).

``--dist load`` hands each worker a queue of up to a quarter of the tests still waiting and sends
the next ones in order, so every worker sees the suite's order (pytest-django's: tests that roll
back first, then the ones that commit and empty the database). Its queues are deep while many
tests wait: the browser tests, a block of a few seconds each, all landed in one worker's queue
while the other worker ran out of work and stopped, 40 s before the end of a 105 s run. Here a
worker's queue is kept at two to four tests, so a slow block is shared; the order each worker
sees is still the suite's (``--dist worksteal`` would balance too, but a stolen batch can put a
test that needs the migrations' rows after one that emptied the database)."""

import pytest

SHORT_QUEUE = 2  # a worker with fewer tests queued than this is sent more ...
FULL_QUEUE = 4  # ... up to this many


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class ShortQueueScheduling(LoadScheduling):
        def check_schedule(self, node, duration: float = 0) -> None:
            if node.shutting_down:
                return
            if not self.pending:
                node.shutdown()
                return
            queued = len(self.node2pending[node])
            if queued < SHORT_QUEUE:
                self._send_tests(node, FULL_QUEUE - queued)

    return ShortQueueScheduling(config, log)
