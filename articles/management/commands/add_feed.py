from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.services import feed_add


class Command(BaseCommand):
    help = "Register a feed by URL; the scheduler fetches it from then on."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--title", default="")

    def handle(self, *args, url, title, **options):
        try:
            feed, created = feed_add(url=url, title=title)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        verb = "added" if created else "already tracked"
        self.stdout.write(f"feed #{feed.pk} {verb}: {feed.url}")
