"""One story, many outlets: reports of one event grouped at ingest, shown once, split and merged
by editors, exposed to the API."""

import pytest
from django.utils.html import escape

from articles.models import Article, Feed, Story
from articles.services import feed_ingest_document
from articles.stories import signature, similarity, stories_assign, stories_merge, story_split
from tests.factories import make_api_key

from .reader import empty_cache_fixture  # noqa: F401 (an autouse fixture)
from .stories_corpus import HALDEN_DAILY, HALDEN_WIRE, UNRELATED, outlet_feed, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Ingest as production does in-process (eager Celery): grouping and enrichment run inside
    the ingest's transaction; anything left for after its commit runs too."""

    def ingest(url: str, title: str, *items: str) -> Feed:
        feed = Feed.objects.create(url=url, title=title)
        with django_capture_on_commit_callbacks(execute=True):
            feed_ingest_document(feed=feed, body=outlet_feed(*items, title=title))
        return feed

    return ingest


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    _, raw = make_api_key(rate_per_minute=10_000)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def two_outlets(ingest):
    ingest(
        "https://wire.example.com/feed/",
        "Oxide Wire",
        report(1, HALDEN_WIRE, site="wire.example.com"),
        report(2, UNRELATED, site="wire.example.com", day=2),
    )
    ingest(
        "https://daily.example.net/rss/",
        "Magnet Daily",
        report(3, HALDEN_DAILY, site="daily.example.net", day=4),
    )
    return (
        Article.objects.get(title=HALDEN_WIRE[0]),
        Article.objects.get(title=HALDEN_DAILY[0]),
        Article.objects.get(title=UNRELATED[0]),
    )


def test_two_outlets_reports_of_one_event_become_one_story_and_an_unrelated_one_does_not(
    two_outlets,
):
    wire, daily, unrelated = two_outlets
    assert wire.story_id is not None and wire.story_id == daily.story_id
    assert unrelated.story_id is None
    assert Story.objects.get().title == HALDEN_WIRE[0]  # the first report names it


def test_grouping_is_idempotent(two_outlets):
    wire, daily, unrelated = two_outlets
    ids = [wire.pk, daily.pk, unrelated.pk]
    assert stories_assign(article_ids=ids) == 0
    assert Story.objects.count() == 1
    stories = dict(Article.objects.filter(pk__in=ids).values_list("pk", "story_id"))
    assert stories == {wire.pk: wire.story_id, daily.pk: wire.story_id, unrelated.pk: None}


def test_the_same_words_weeks_apart_are_another_story(ingest):
    ingest("https://wire.example.com/feed/", "Oxide Wire", report(1, HALDEN_WIRE, site="w.example"))
    ingest(
        "https://daily.example.net/rss/",
        "Magnet Daily",
        report(2, HALDEN_DAILY, site="d.example", month="Apr"),
    )
    assert not Article.objects.filter(story__isnull=False).exists()


def test_topical_words_alone_or_a_figure_alone_do_not_make_a_story():
    def sig(text):
        return signature(title=text[0], text=text[1])

    assert similarity(sig(HALDEN_WIRE), sig(HALDEN_DAILY)) > 0
    assert similarity(sig(HALDEN_WIRE), sig(UNRELATED)) == 0
    # The same figure in an otherwise different report.
    other = (
        "Lynas books 2,350 tonnes of NdPr sales",
        "<p>Lynas sold 2,350 tonnes in Malaysia.</p>",
    )
    assert similarity(sig(HALDEN_WIRE), sig(other)) == 0


def test_a_signature_reads_figures_standing_alone_and_content_words_once():
    sig = signature(
        title="Ore Works ships 1,200 tonnes",
        text="Ore Works shipped 1200 tonnes, worth $3.50 billion, in 2026 (up 12.5%). "
        "Model X12 and v2.5 are not figures; .75 is no figure either, nor a count of 7. "
        "The shipments' shipments left.",
    )
    assert sig.figures == {"1200", "3.5", "12.5"}  # "1,200" and "1200" are one; no year
    assert {"ore", "work", "ship", "shipped", "tonne", "shipment"} <= sig.words  # plural "s" cut
    assert not {"the", "in", "x12", "12", "are"} & sig.words  # stop words, short words, digits


def test_home_and_list_show_a_story_once_with_the_other_outlet(client, two_outlets):
    wire, daily, unrelated = two_outlets
    for url in ("/", "/articles/"):
        html = client.get(url).content.decode()
        assert html.count(wire.get_absolute_url()) == 1, url  # the first report's card
        assert "Also reported by" in html and daily.get_absolute_url() in html, url
        assert html.count(f">{escape(daily.title)}<") == 0, url  # not a card of its own
        assert f">{escape(unrelated.title)}<" in html, url
        card = html[html.index(f">{escape(wire.title)}<") :]
        card = card[: card.index("</article>")]
        assert '<span class="outlet">Oxide Wire</span>' in card
        assert f'<a href="{daily.get_absolute_url()}">Magnet Daily</a>' in card
    # Filtered by the second outlet, its own report is listed.
    daily_feed = Feed.objects.get(title="Magnet Daily")
    html = client.get(f"/articles/?outlet={daily_feed.pk}").content.decode()
    assert f">{escape(daily.title)}<" in html
    # Each article's page links the other report.
    page = client.get(daily.get_absolute_url()).content.decode()
    assert f'<a href="{wire.get_absolute_url()}">Oxide Wire</a>' in page


def test_editors_split_and_merge_stories_and_grouping_leaves_their_choice(two_outlets):
    wire, daily, _ = two_outlets
    story = Story.objects.get()
    parts = story_split(story=story)
    assert len(parts) == 2
    wire.refresh_from_db()
    daily.refresh_from_db()
    assert wire.story_id != daily.story_id and wire.story_pinned and daily.story_pinned
    stories_assign(article_ids=[wire.pk, daily.pk])
    daily.refresh_from_db()
    assert daily.story_id == parts[1].pk  # grouping did not put them back together

    kept = stories_merge(stories=parts)
    assert set(kept.articles.values_list("pk", flat=True)) == {wire.pk, daily.pk}
    assert Story.objects.count() == 1


def test_the_api_exposes_each_articles_story(api, two_outlets):
    wire, daily, unrelated = two_outlets
    rows = {row["id"]: row for row in api.get("/api/v1/articles/").json()["results"]}
    assert rows[wire.pk]["story"] == rows[daily.pk]["story"] == wire.story_id
    assert rows[unrelated.pk]["story"] is None
    assert api.get(f"/api/v1/articles/{daily.pk}/").json()["story"] == wire.story_id


def test_the_story_admin_merges_and_splits(client, two_outlets):
    from django.contrib.auth import get_user_model

    wire, daily, _ = two_outlets
    admin = get_user_model().objects.create_superuser("chief", "chief@example.org", "x")
    client.force_login(admin)
    story = Story.objects.get()
    assert client.get(f"/admin/articles/story/{story.pk}/change/").status_code == 200
    response = client.post(
        "/admin/articles/story/", {"action": "split", "_selected_action": [story.pk]}
    )
    assert response.status_code == 302 and Story.objects.count() == 2
    response = client.post(
        "/admin/articles/story/",
        {"action": "merge", "_selected_action": list(Story.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 302 and Story.objects.count() == 1


def test_a_hidden_first_report_leaves_the_other_outlets_report_on_the_home_page(
    client, two_outlets
):
    wire, daily, _ = two_outlets
    Article.objects.filter(pk=wire.pk).update(is_hidden=True)
    html = client.get("/").content.decode()
    assert f">{escape(daily.title)}<" in html
    assert wire.get_absolute_url() not in html and "Also reported by" not in html


def _at(pk: int, hours: float) -> Article:
    from datetime import UTC, datetime, timedelta

    return Article(pk=pk, published_at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours))


def test_a_batch_compares_each_article_with_its_nearest_neighbours_in_time_only(monkeypatch):
    from articles import stories

    monkeypatch.setattr(stories, "CANDIDATES", 4)
    neighbours = [_at(pk, hours) for pk, hours in enumerate([-100, -30, -2, -1, 0, 1, 2.8, 40, 80])]
    moments = [stories._moment(a) for a in neighbours]
    article = _at(99, 0.5)
    nearest = stories._nearest_in_time(article, neighbours, moments)
    # The four closest (0.5 h, 0.5 h, 1.5 h, 2.3 h away), never one beyond the three-day window.
    assert sorted(a.pk for a in nearest) == [3, 4, 5, 6]
    monkeypatch.setattr(stories, "CANDIDATES", 100)
    within = stories._nearest_in_time(article, neighbours, moments)
    assert sorted(a.pk for a in within) == [1, 2, 3, 4, 5, 6, 7]  # 72 h either side


def test_grouping_a_backfill_is_not_quadratic(monkeypatch, ingest):
    from articles import stories

    monkeypatch.setattr(stories, "CANDIDATES", 10)
    compared = []
    real = stories.similarity
    monkeypatch.setattr(stories, "similarity", lambda a, b: compared.append(1) or real(a, b))
    posts = [
        report(n, (f"Post {n} about item {n}", f"<p>Body {n} of word{n}.</p>"), site="w.example")
        for n in range(50)
    ]
    ingest("https://wire.example.com/feed/", "Oxide Wire", *posts)
    assert Article.objects.count() == 50
    assert 0 < len(compared) <= 50 * 10  # it was every pair: 50 × 49
