"""The generated corpus: reproducible, linked and with claims, safe to run twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from tracker.models import ArticleInitiative, Claim, Mention

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out, err = StringIO(), StringIO()
    call_command("generate_corpus", stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def test_corpus_is_linked_reproducible_and_idempotent():
    output = generate(articles=60, companies=20, seed=7)

    assert "corpus: 60 articles" in output
    assert "100%" in output  # the progress bar ran to the end
    titles = list(Article.objects.order_by("published_at").values_list("title", flat=True))
    assert len(titles) == 60
    assert ArticleInitiative.objects.filter(article__in=Article.objects.all()).exists()
    assert Mention.objects.exists()
    assert Claim.objects.filter(unit="USD").exists()
    assert Article.objects.filter(is_state_media=True).exists()

    generate(articles=60, companies=20, seed=7)
    assert list(Article.objects.order_by("published_at").values_list("title", flat=True)) == titles
