"""Worker scaling: two Celery workers vs one, fetching 200 feeds from a slow loopback server.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/workers.py

Each feed answers after ``--delay`` seconds (a realistic remote server), so fetching is mostly
waiting: more worker processes should finish the same 200 feeds proportionally sooner. Prints the
wall time to ingest every feed with 1 and 2 worker processes (concurrency 1 each), the ratio
(target >= 1.7), and how one worker's throughput grows with its pool concurrency.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 2, 4, 8])
    args = parser.parse_args()

    setup_django()
    import logging

    from django.conf import settings

    logging.disable(logging.INFO)
    if not (settings.IS_POSTGRES and settings.REDIS_URL):
        sys.exit("bench/workers.py needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL")
    sys.path.insert(0, str(ROOT))
    from articles.models import Article, Feed, FeedFetch
    from articles.tasks import fetch_feed
    from tests.articles.feeds import item, rss
    from tests.loopback import LoopbackServer, Response
    from tests.workers import Worker, new_queue, wait_for

    fetch_feed.app.conf.task_always_eager = False
    server = LoopbackServer()
    server.start()
    body = {n: rss(*(item(n * 10 + k) for k in range(5))) for n in range(args.feeds)}
    for n in range(args.feeds):
        server.route(f"/f{n}.xml", Response(200, {"Content-Type": "application/rss+xml"},
                                            body[n], delay=args.delay))  # fmt: skip

    def run(workers: int, concurrency: int) -> float:
        Article.objects.all().delete()
        Feed.objects.all().delete()
        feeds = [Feed.objects.create(url=server.url(f"/f{n}.xml")) for n in range(args.feeds)]
        queue = new_queue()
        log = Path("/tmp") / f"bench-worker-{queue}.log"
        pool = [Worker(queue, log, concurrency=concurrency) for _ in range(workers)]
        for worker in pool:
            worker.start()
        time.sleep(3)  # let the workers boot before the clock starts
        try:
            started = time.perf_counter()
            for feed in feeds:
                fetch_feed.apply_async(args=[feed.pk], queue=queue)
            done = wait_for(lambda: FeedFetch.objects.count() >= args.feeds, 600, 0.05)
            elapsed = time.perf_counter() - started
        finally:
            for worker in pool:
                worker.stop()
        assert done, log.read_text()
        assert Article.objects.count() == args.feeds * 5
        return elapsed

    one = run(1, 1)
    two = run(2, 1)
    print(f"# Worker scaling — {machine()}, {args.feeds} feeds, {args.delay}s server delay")
    print()
    print("| setup | wall time | feeds/s | speed-up | target |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| 1 worker × concurrency 1 | {one:.1f} s | {args.feeds / one:.1f} | 1.00× | |")
    print(f"| 2 workers × concurrency 1 | {two:.1f} s | {args.feeds / two:.1f} "
          f"| {one / two:.2f}× | ≥ 1.7× |")  # fmt: skip
    for concurrency in args.concurrency:
        if concurrency == 1:
            continue
        took = run(1, concurrency)
        print(f"| 1 worker × concurrency {concurrency} | {took:.1f} s | "
              f"{args.feeds / took:.1f} | {one / took:.2f}× | |")  # fmt: skip
    server.stop()


if __name__ == "__main__":
    main()
