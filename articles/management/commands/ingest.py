from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.models import FeedFetch
from articles.services import (
    FeedBusy,
    feed_add,
    feed_fetch,
    feed_for_file,
    feed_ingest_document,
)


class Command(BaseCommand):
    help = (
        "Ingest feeds now, from URLs or local files. Prints one line per source; "
        "exits non-zero if any source failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a feed URL or a path")
        parser.add_argument(
            "--as-feed",
            metavar="URL",
            help="store a file's articles as coming from this feed URL (e.g. a backfill)",
        )

    def handle(self, *args, sources, as_feed, **options):
        failures = 0
        for source in sources:
            try:
                fetch = self._ingest(source, as_feed)
            except (CommandError, FeedBusy, ValidationError, OSError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                self.stderr.write(f"{source}: failed: {message}")
                failures += 1
                continue
            line = (
                f"{source}: {fetch.outcome}, {fetch.entries_created} created, "
                f"{fetch.entries_updated} updated, {fetch.entries_unchanged} unchanged"
            )
            if fetch.outcome not in FeedFetch.SUCCESSES:
                self.stderr.write(f"{source}: failed: {fetch.outcome}: {fetch.error_message}")
                failures += 1
            else:
                note = f" ({fetch.error_message})" if fetch.error_message else ""
                self.stdout.write(line + note)
        if failures:
            raise CommandError(f"{failures} of {len(sources)} source(s) failed")

    def _ingest(self, source: str, as_feed: str | None) -> FeedFetch:
        if urlsplit(source).scheme in ("http", "https"):
            feed, _ = feed_add(url=source)
            return feed_fetch(feed_id=feed.pk)
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"no such file, and not an http(s) URL: {source}")
        feed = feed_add(url=as_feed)[0] if as_feed else feed_for_file(path=path)
        return feed_ingest_document(feed=feed, body=path.read_bytes(), source_url=feed.url)
