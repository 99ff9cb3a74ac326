from django.core.management.base import BaseCommand
from tqdm import tqdm

from tracker.corpus import corpus_article_ids, corpus_generate
from tracker.models import Initiative
from tracker.reference import read_reference
from tracker.services.enrichment import articles_enrich
from tracker.services.reference import reference_load

ENRICH_CHUNK = 500


class Command(BaseCommand):
    help = (
        "Generate a realistic corpus (articles, companies; links and claims by the real "
        "extraction) for benchmarks and scale tests. The same --seed gives the same corpus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--companies", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-enrich", action="store_true", help="skip links and claims")

    def handle(self, *args, articles, companies, seed, no_enrich, **options):
        if not Initiative.objects.exists():
            reference_load(data=read_reference())
        with tqdm(total=articles, desc="articles", unit="art", file=self.stderr) as bar:
            result = corpus_generate(
                articles=articles,
                seed=seed,
                companies=companies,
                progress=lambda n: bar.update(n - bar.n),
            )
        if not no_enrich:
            ids = list(corpus_article_ids(feed=result.feed))
            with tqdm(total=len(ids), desc="links and claims", unit="art", file=self.stderr) as bar:
                for start in range(0, len(ids), ENRICH_CHUNK):
                    chunk = ids[start : start + ENRICH_CHUNK]
                    articles_enrich(article_ids=chunk)
                    bar.update(len(chunk))
        self.stdout.write(
            f"corpus: {result.articles} articles, {result.companies} generated companies "
            f"(seed {seed}) in feed #{result.feed.pk}"
        )
