import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from tracker import selectors
from tracker.lexicon import lexicon_version
from tracker.services.enrichment import EnrichmentResult, articles_enrich


class Command(BaseCommand):
    help = (
        "Link articles to entities, initiatives and topics and extract their claims. By default "
        "only the articles never enriched, changed since, or enriched before the names and "
        "rules last changed; --all redoes every article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", dest="everything", help="Enrich every article."
        )
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, everything: bool, batch_size: int, **options):
        if everything:
            articles = Article.objects.all()
        else:
            articles = selectors.articles_to_enrich(lexicon_version=lexicon_version())
        ids = list(articles.order_by("pk").values_list("pk", flat=True))
        totals = EnrichmentResult()
        started = time.perf_counter()
        with tqdm(total=len(ids), unit="article", file=sys.stderr, disable=not ids) as bar:
            for start in range(0, len(ids), batch_size):
                batch = ids[start : start + batch_size]
                result = articles_enrich(article_ids=batch, force=everything)
                for name, value in vars(result).items():
                    setattr(totals, name, getattr(totals, name) + value)
                bar.update(len(batch))
        elapsed = time.perf_counter() - started
        rate = totals.articles / elapsed if elapsed and totals.articles else 0.0
        self.stdout.write(
            f"Enriched {totals.articles} articles in {elapsed:.1f}s ({rate:.0f} articles/s): "
            f"links +{totals.links_created} ~{totals.links_updated} -{totals.links_removed}, "
            f"claims +{totals.claims_created}, appearances +{totals.appearances_created} "
            f"-{totals.appearances_removed}."
        )
