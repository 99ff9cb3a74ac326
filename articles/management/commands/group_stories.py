from django.core.management.base import BaseCommand

from articles.models import Article
from articles.stories import stories_assign

BATCH = 500


class Command(BaseCommand):
    help = (
        "Group the published articles that have no story yet into stories (ingest does this "
        "for new articles; run it once after upgrading, or after un-hiding many)."
    )

    def handle(self, *args, **options):
        ids = list(
            Article.objects.published()
            .filter(story__isnull=True, story_pinned=False)
            .order_by("published_at", "id")
            .values_list("id", flat=True)
        )
        joined = sum(
            stories_assign(article_ids=ids[start : start + BATCH])
            for start in range(0, len(ids), BATCH)
        )
        self.stdout.write(f"{joined} of {len(ids)} articles joined a story")
