"""The tracker's reader pages through the Django test client: topics, initiatives, entities,
claims, the article page's tracker blocks, search filters, feeds, sitemaps, caching."""

import json
import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Q
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.services import article_hide
from reex.caching import page_cache
from tests.factories import (
    add_rival_vault_report,
    link_article,
    load_sample_tracker,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_topic,
    make_user,
)
from tracker import selectors
from tracker.charts import weekly_chart
from tracker.models import (
    ArticleInitiative,
    ArticleTopic,
    Claim,
    Entity,
    Initiative,
    Mention,
    Topic,
)
from tracker.services.claims import claim_review
from tracker.services.links import article_initiative_decide, article_topic_decide, mention_decide

pytestmark = pytest.mark.django_db

VAULT = "/initiatives/project-vault/"
MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sample(sample_tracker):
    pass


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def main_of(response) -> str:
    page = html(response)
    return page[page.index("<main") : page.index("</main>")]


def vault_article() -> Article:
    return Article.objects.get(title__startswith="Project Vault Gets Its Banker")


def ten_billion_claim() -> Claim:
    return Claim.objects.get(subject_initiative__slug="project-vault", figure_text__contains="$10")


def verify(claim: Claim, user=None) -> Claim:
    return claim_review(
        claim=claim, status="verified", user=user, evidence_url="https://www.exim.gov/news/vault"
    )


# --- home -------------------------------------------------------------------------------------


def test_home_lists_initiatives_with_recent_coverage_and_topics(client, sample):
    page = main_of(client.get("/"))

    assert "Initiatives in the news" in page
    assert 'href="/topics/public-finance/"' in page
    block = page[page.index("Initiatives in the news") : page.index('id="topics-title"')]
    dates = re.findall(r'<time datetime="([^"]+)"', block)
    assert len(dates) == 6 and dates == sorted(dates, reverse=True)
    # Newest coverage first: the 8 February article's initiative leads, and Project Vault
    # (last covered on 4 February) is beyond the six shown.
    assert block.index("/initiatives/china-two-rare-earth-bases/") < block.index(
        "/initiatives/forge/"
    )
    assert "/initiatives/project-vault/" not in block


def _home_count(client, topic: Topic) -> int:
    page_cache().clear()
    page = main_of(client.get("/"))
    found = re.search(rf'href="/topics/{topic.slug}/">[^<]*<span class="tag__count">(\d+)<', page)
    return int(found.group(1))


def _articles_shown(topic: Topic) -> int:
    return ArticleTopic.objects.filter(topic=topic, article__is_hidden=False).visible().count()


def test_home_topic_counts_are_the_articles_readers_see(client, sample):
    topic = Topic.objects.get(slug="stockpiles-and-reserves")
    before = _home_count(client, topic)
    assert before == _articles_shown(topic) >= 2

    rejected, hidden = ArticleTopic.objects.filter(topic=topic).select_related("article")[:2]
    article_topic_decide(link=rejected, state="rejected", user=None)
    article_hide(article=hidden.article)

    assert _home_count(client, topic) == _articles_shown(topic) == before - 2
    page = main_of(client.get(f"/topics/{topic.slug}/"))
    assert f"{before - 2} articles" in page


def _initiatives_by_every_link() -> list[tuple[int, datetime]]:
    shown = ~Q(article_links__state="rejected") & Q(article_links__article__is_hidden=False)
    latest = Max("article_links__article__published_at", filter=shown)
    initiatives = Initiative.objects.annotate(latest=latest).filter(latest__isnull=False)
    return [(i.pk, i.latest) for i in initiatives.order_by("-latest", "name")[:6]]


@pytest.mark.parametrize("window", [1, 3, 1000])
def test_home_initiatives_read_off_the_newest_links_are_those_of_every_link(sample, window):
    # The newest coverage is rejected or hidden: reading newest first must look past it.
    newest = ArticleInitiative.objects.select_related("article").order_by(
        "-article__published_at", "-id"
    )
    article_initiative_decide(link=newest[0], state="rejected", user=None)
    article_hide(article=newest[1].article)

    found = selectors.home_initiatives(newest_links=window)

    assert [(i.pk, i.latest) for i in found] == _initiatives_by_every_link()
    assert len(found) == 6


# --- initiative -------------------------------------------------------------------------------


def test_initiative_page_shows_record_conflict_timeline_and_chart(client, sample):
    page = main_of(client.get(VAULT))
    assert "<h1>Project Vault" in page
    # The sample's $10 billion loan and $12 billion stockpile are different measures, both
    # accounted for by the reference facts: no conflict.
    assert "Reports disagree" not in page

    rival = add_rival_vault_report()
    cache.clear()
    page = main_of(client.get(VAULT))
    assert "Reports disagree on the loan" in page
    conflict = page[page.index("Reports disagree") : page.index("Key figures")]
    assert "$8 billion" in conflict and "$10 billion" in conflict
    assert "$12 billion" not in conflict
    # The articles behind each value are linked from the panel, each quoted in its own words.
    assert vault_article().get_absolute_url() in conflict
    assert rival.get_absolute_url() in conflict
    assert "A later filing showed EXIM cleared $8 billion" in conflict
    summit = Article.objects.get(title__startswith="Fifty Delegations")
    # Timeline, newest first, and the chart drawn as SVG with a text alternative.
    timeline = page[page.index("Timeline of coverage") :]
    assert timeline.index(summit.get_absolute_url()) < timeline.index(
        vault_article().get_absolute_url()
    )
    assert '<svg class="chart__svg"' in page and "<desc" in page
    assert re.search(r"2 articles in the \d+ weeks", page)
    assert "Jurisdictions" in page and "Sponsors" in page


def test_initiative_page_has_no_claim_review_until_a_claim_is_reviewed(client, sample):
    assert "application/ld+json" not in html(client.get(VAULT))

    verify(ten_billion_claim())
    page_cache().clear()  # on_commit does not run here; the cache test checks invalidation
    page = html(client.get(VAULT))

    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["alternateName"] == "Verified"
    assert "$10 billion" in data["claimReviewed"]


def test_claim_review_json_ld_cannot_break_out_of_its_script(client, sample):
    claim = ten_billion_claim()
    claim.appearances.update(sentence="Up to $10 billion </script><script>alert(1)</script> & more")
    verify(claim)

    page = html(client.get(VAULT))

    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    assert "<" not in script and "&" not in script.replace("\\u0026", "")
    assert "</script><script>alert(1)" not in page
    assert json.loads(script)["claimReviewed"].startswith("Up to $10 billion </script>")


def test_unknown_initiative_topic_entity_are_404(client, sample):
    for url in ("/initiatives/nope/", "/topics/nope/", "/entities/nope/", VAULT + "?page=9"):
        assert client.get(url).status_code == 404


def test_initiative_list_paginates(client, db):
    for n in range(35):
        Initiative.objects.create(
            name=f"Initiative {n:02d}", slug=f"initiative-{n:02d}", kind="strategy"
        )

    first, second = (
        main_of(client.get("/initiatives/")),
        main_of(client.get("/initiatives/?page=2")),
    )

    assert "35 initiatives" in first
    assert first.count('<th scope="row">') == 30 and second.count('<th scope="row">') == 5
    assert client.get("/initiatives/?page=3").status_code == 404


@pytest.mark.parametrize("newest_links", [2, 1000])  # most initiatives outside the window, or none
def test_initiative_index_counts_and_dates_as_an_aggregate_over_every_link_would(
    client, db, newest_links
):
    start = datetime(2026, 1, 5, tzinfo=UTC)
    initiatives = [make_initiative(name=f"Initiative {n}") for n in range(5)]
    never = make_initiative(name="Never covered")
    rejected = make_initiative(name="Only rejected")
    for n in range(12):
        article = make_article(published_at=start + timedelta(days=n) if n % 5 else None)
        for initiative in initiatives[: n % 5 + 1]:
            if n % 3:
                link_article(article, initiative, state="confirmed", decided_at=start)
            else:
                link_article(article, initiative)
        link_article(article, rejected, state="rejected", decided_at=start)
        if n in (8, 9, 11):  # hidden: the newest coverage of most initiatives
            article_hide(article=article)
    expected = Initiative.objects.annotate(
        count=Count(
            "article_links",
            filter=~Q(article_links__state="rejected") & Q(article_links__article__is_hidden=False),
        ),
        newest=Max(
            "article_links__article__published_at",
            filter=~Q(article_links__state="rejected") & Q(article_links__article__is_hidden=False),
        ),
    ).order_by(F("newest").desc(nulls_last=True), "name")

    table = selectors.initiative_table(newest_links=newest_links)
    page = selectors.initiative_list_page(page_number=1, table=table)

    assert [(i.name, i.article_count, i.latest) for i in page] == [
        (i.name, i.count, i.newest) for i in expected
    ]
    assert never in page and page[-1].article_count == 0 and page[-1].latest is None
    assert [i.latest.day for i in page[:5]] == [12, 12, 12, 9, 9]  # hidden ones left out
    shown = main_of(client.get("/initiatives/"))
    positions = [shown.index(f">{i.name}<") for i in expected]
    assert positions == sorted(positions)


# --- topic and entity -------------------------------------------------------------------------


def test_topic_page_lists_articles_most_present_and_chart(client, sample):
    topic = Topic.objects.get(slug="stockpiles-and-reserves")
    page = main_of(client.get(f"/topics/{topic.slug}/"))

    assert f"<h1>{topic.name}</h1>" in page
    assert vault_article().get_absolute_url() in page
    present = page[page.index("Initiatives most present") :]
    assert "/initiatives/project-vault/" in present
    assert "Who is most present" in page and "/entities/" in present
    assert '<svg class="chart__svg"' in page


def _covered(topic: Topic, *dates) -> None:
    for published_at in dates:
        link_article(make_article(published_at=published_at), topic)


@pytest.mark.parametrize("older_coverage", [True, False])
def test_topic_chart_draws_what_every_link_would_reading_only_its_weeks(db, older_coverage):
    topic = make_topic()
    monday = datetime(2025, 1, 6, tzinfo=UTC)
    # Weekly coverage for 20 weeks, none in the first weeks of the chart's 26; an undated
    # article; with or without coverage from before the chart's weeks.
    _covered(topic, *(monday + timedelta(weeks=w, days=w % 5) for w in range(20, 40)), None)
    if older_coverage:
        _covered(topic, monday)

    data = selectors.topic_page(slug=topic.slug, page_number=None)

    every_week, total = selectors._weekly(ArticleTopic.objects.filter(topic=topic))
    assert weekly_chart(data.weeks, title="t") == weekly_chart(every_week, title="t")
    assert len(weekly_chart(data.weeks, title="t").bars) == (26 if older_coverage else 20)
    assert data.page.paginator.count == total == (22 if older_coverage else 21)


def test_most_present_counts_links_in_the_topics_newest_articles(client, db, monkeypatch):
    monkeypatch.setattr(selectors, "MOST_PRESENT_AMONG", 2)
    topic, before, lately = make_topic(), make_initiative(name="Before"), make_initiative()
    for day, initiative in ((1, before), (2, before), (3, before), (4, lately), (5, lately)):
        article = make_article(published_at=datetime(2025, 3, day, tzinfo=UTC))
        link_article(article, topic)
        link_article(article, initiative)

    data = selectors.topic_page(slug=topic.slug, page_number=None)

    assert [(i.pk, i.present) for i in data.initiatives] == [(lately.pk, 2)]
    assert "In its latest 2 articles." in main_of(client.get(f"/topics/{topic.slug}/"))


def test_entity_page_shows_aliases_articles_initiatives_and_claims(client, sample):
    exim = Entity.objects.get(aliases__text="EXIM")
    page = main_of(client.get(f"/entities/{exim.slug}/"))

    assert exim.name in page and "Also known as" in page and "EXIM" in page
    assert vault_article().get_absolute_url() in page
    assert "Claims about" in page


# --- article page -----------------------------------------------------------------------------


def test_article_page_shows_claims_with_badges_initiatives_and_entities(client, sample):
    article = vault_article()
    verify(ten_billion_claim())

    page = main_of(client.get(article.get_absolute_url()))

    claims = page[page.index("Claims in this article") :]
    assert '<span class="badge status status--verified">Verified</span>' in claims
    assert "has cleared up to $10 billion" in claims
    assert 'href="/initiatives/project-vault/"' in page
    assert "Who and what it mentions" in page
    assert "link-state--suggested" in page
    assert "application/ld+json" in html(client.get(article.get_absolute_url()))


def test_confirmed_and_suggested_links_look_different_and_rejected_ones_vanish(client, sample):
    article = Article.objects.get(title__startswith="Fifty Delegations")
    links = list(ArticleInitiative.objects.filter(article=article).select_related("initiative"))
    confirmed, rejected = links[0], links[1]
    article_initiative_decide(link=confirmed, state="confirmed", user=None)
    article_initiative_decide(link=rejected, state="rejected", user=None)
    mention = Mention.objects.filter(article=article).select_related("entity").first()
    mention_decide(mention=mention, state="rejected", user=None)

    page = main_of(client.get(article.get_absolute_url()))
    aside = page[page.index('id="initiatives-title"') :]

    assert (
        '<li class="links__item links__item--confirmed">'
        f'<a href="/initiatives/{confirmed.initiative.slug}/">'
    ) in aside
    assert aside.count("link-state--confirmed") == 1
    assert "link-state--suggested" in aside  # the article's other links, still undecided
    assert f'href="/initiatives/{rejected.initiative.slug}/"' not in aside
    assert f'href="/entities/{mention.entity.slug}/"' not in aside
    # The rejected link is gone from the initiative's timeline too.
    page = main_of(client.get(f"/initiatives/{rejected.initiative.slug}/"))
    timeline = page[page.index("Timeline of coverage") :]
    assert article.get_absolute_url() not in timeline


def test_hidden_articles_appear_on_no_tracker_page(client, sample):
    article = vault_article()
    Article.objects.filter(pk=article.pk).update(is_hidden=True)
    url = article.get_absolute_url()

    for page in (
        VAULT,
        "/topics/stockpiles-and-reserves/",
        "/claims/",
        "/claims/?status=unverified",
    ):
        assert url not in main_of(client.get(page)), page
    # A claim made only in the hidden article is not listed.
    assert "has cleared up to $10 billion" not in main_of(client.get("/claims/"))


def test_readers_never_see_editor_controls(client, sample):
    user = make_user("reader")
    for signed_in in (False, True):
        if signed_in:
            client.force_login(user)
        for url in (vault_article().get_absolute_url(), VAULT, "/claims/"):
            page = html(client.get(url))
            assert "editor-control" not in page, url
            assert "csrfmiddlewaretoken" not in page, url


# --- claims -----------------------------------------------------------------------------------


def test_claims_list_puts_verified_and_disputed_first_and_filters(client, sample):
    verified = verify(ten_billion_claim())
    disputed = Claim.objects.get(
        subject_initiative__slug="project-vault", figure_text="$12 billion"
    )
    claim_review(claim=disputed, status="disputed", user=None)

    page = main_of(client.get("/claims/"))
    assert page.index(f'id="claim-{verified.pk}"') < page.index(f'id="claim-{disputed.pk}"')
    first_unverified = page.index("claim--unverified")
    assert page.index(f'id="claim-{disputed.pk}"') < first_unverified

    only_disputed = main_of(client.get("/claims/?status=disputed"))
    assert "1 claim;" in only_disputed and f'id="claim-{disputed.pk}"' in only_disputed

    vault = main_of(client.get("/claims/?initiative=project-vault"))
    assert f'id="claim-{verified.pk}"' in vault
    assert all(c.subject_initiative_id in (None, verified.subject_initiative_id) for c in [])
    orion = Claim.objects.filter(figure_text="$9 billion").first()
    assert f'id="claim-{orion.pk}"' not in vault

    exim = Entity.objects.get(aliases__text="EXIM")
    by_entity = main_of(client.get(f"/claims/?entity={exim.slug}"))
    assert f'id="claim-{verified.pk}"' in by_entity

    bad = client.get("/claims/?entity=no-such-entity")
    assert bad.status_code == 400  # the reader's error, shown by its field
    assert "No entity has this slug" in bad.content.decode()


def test_claims_list_paginates(client, db):
    article = make_article()
    for _ in range(45):
        make_claim(articles=[article])

    assert "45 claims" in main_of(client.get("/claims/"))
    assert main_of(client.get("/claims/?page=3")).count('class="claim ') == 5
    assert client.get("/claims/?page=4").status_code == 404


def test_a_claim_lists_its_first_three_visible_articles_and_counts_the_rest(client, db):
    vault = make_initiative(name="Project Vault", slug="project-vault")
    start = datetime(2026, 1, 5, tzinfo=UTC)
    articles = [
        make_article(title=f"Report {n}", published_at=start + timedelta(days=n)) for n in range(7)
    ]
    article_hide(article=articles[0])  # the earliest, hidden: neither listed nor counted
    make_claim(articles=articles, subject_initiative=vault)

    for url in (VAULT, "/claims/"):
        with CaptureQueriesContext(connection) as queries:
            page = main_of(client.get(url))
        listed = re.findall(r">(Report \d)</a>", page)
        assert listed[:3] == ["Report 1", "Report 2", "Report 3"], url
        assert "and 3 more" in page, url
        assert len(queries) <= MAX_QUERIES, url


def test_conflicts_are_found_in_every_unit_of_an_initiatives_figures(db):
    vault = make_initiative(name="Project Vault", slug="project-vault")
    first, second, third = (make_article(title=f"Report {n}") for n in range(3))
    for value, unit, articles in (
        (10_000_000_000, "USD", [first]),
        (12_000_000_000, "USD", [second]),
        (100, "t", [first]),
        (200, "t", [third]),
    ):
        make_claim(articles=articles, subject_initiative=vault, value=value, unit=unit)

    on_page = selectors.initiative_page(slug="project-vault", page_number=1).conflicts
    for conflicts in (selectors.initiative_conflicts(vault), on_page):
        found = {c.unit: sorted(v.value for v in c.values) for c in conflicts}
        assert found == {"USD": [10_000_000_000, 12_000_000_000], "t": [100, 200]}


def test_a_part_stated_only_beside_its_total_is_no_rival_value(db):
    vault = make_initiative(name="Project Vault", slug="project-vault")
    total, other, both = (make_article(title=f"Report {n}") for n in range(3))
    for value, articles in (
        (12_000_000_000, [total, both]),
        (2_000_000_000, [total]),  # "$12 billion, $2 billion of it private capital"
        (10_000_000_000, [other, both]),
    ):
        make_claim(articles=articles, subject_initiative=vault, value=value, unit="USD")

    (conflict,) = selectors.initiative_conflicts(vault)
    assert [v.value for v in conflict.values] == [12_000_000_000, 10_000_000_000]

    # Stated on its own somewhere, the smaller amount is a rival after all.
    make_claim(articles=[make_article()], subject_initiative=vault, value=2_000_000_000, unit="USD")
    (conflict,) = selectors.initiative_conflicts(vault)
    assert 2_000_000_000 in [v.value for v in conflict.values]


def test_topics_index_lists_every_topic_with_the_articles_readers_see(client, db):
    shown, hidden = make_article(title="Shown"), make_article(title="Later hidden")
    magnets = make_topic(name="Magnets", description="Permanent magnets and their makers.")
    empty = make_topic(name="Recycling")
    link_article(shown, magnets)
    link_article(hidden, magnets)
    article_hide(article=hidden)

    with CaptureQueriesContext(connection) as queries:
        page = main_of(client.get("/topics/"))

    assert f'href="/topics/{magnets.slug}/"' in page
    assert f'href="/topics/{empty.slug}/"' in page
    assert page.index("Magnets") < page.index("Recycling")  # by name
    assert "1 article<" in page and "0 articles" in page
    assert "Permanent magnets and their makers." in page
    assert len(queries) <= MAX_QUERIES


def test_entities_index_lists_by_name_filters_by_kind_and_paginates(client, db):
    make_entity(name="Lynas", slug="lynas", kind="company")
    make_entity(name="Australia", slug="australia", kind="country")
    for n in range(55):
        make_entity(name=f"Zeta Mining {n:02}", slug=f"zeta-{n}", kind="company")

    everything = main_of(client.get("/entities/"))
    companies = main_of(client.get("/entities/?kind=company"))
    unknown = main_of(client.get("/entities/?kind=dragon", follow=True))
    second = main_of(client.get("/entities/?kind=company&page=2"))

    assert "57 entities" in everything and "56 entities" in companies
    assert everything.index(">Australia<") < everything.index(">Lynas<")
    assert ">Australia<" not in companies and ">Lynas<" in companies
    assert "57 entities" in unknown  # an unknown kind lists every entity (at /entities/), not none
    assert second.count('class="card"') == 6 and "kind=company" in second
    assert client.get("/entities/?page=9").status_code == 404


# --- search -----------------------------------------------------------------------------------


def test_search_filters_by_topic_and_initiative(client, sample):
    vault_url = vault_article().get_absolute_url()
    forge = Article.objects.get(title__startswith="FORGE Arrives")

    everything = main_of(client.get("/search/?q=minerals"))
    by_initiative = main_of(client.get("/search/?q=minerals&initiative=project-vault"))
    by_topic = main_of(client.get("/search/?q=minerals&topic=stockpiles-and-reserves"))

    assert vault_url in everything and forge.get_absolute_url() in everything
    assert vault_url in by_initiative and forge.get_absolute_url() not in by_initiative
    assert vault_url in by_topic and forge.get_absolute_url() not in by_topic
    assert 'name="topic"' in everything and 'name="initiative"' in everything


def test_search_initiative_filter_ignores_rejected_links(client, sample):
    link = ArticleInitiative.objects.get(article=vault_article(), initiative__slug="project-vault")
    article_initiative_decide(link=link, state="rejected", user=None)

    page = main_of(client.get("/search/?q=minerals&initiative=project-vault"))

    assert vault_article().get_absolute_url() not in page


@pytest.mark.postgres
def test_full_text_search_with_filters_on_postgres(client, sample):
    page = main_of(client.get("/search/?q=stockpile&initiative=project-vault"))
    assert vault_article().get_absolute_url() in page
    assert "<mark>" in page


# --- feeds and sitemaps -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_topic_and_initiative_feeds_parse_without_bozo(client, sample, kind):
    for url, expected in (
        (f"/initiatives/project-vault/feed/{kind}/", "Project Vault"),
        (f"/topics/stockpiles-and-reserves/feed/{kind}/", "Stockpiles"),
    ):
        response = client.get(url)
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
        assert expected in parsed.feed.title
        titles = [e.title for e in parsed.entries]
        assert any(t.startswith("Project Vault Gets Its Banker") for t in titles)
        assert not any(t.startswith("Scrap Is Not a Shortcut") for t in titles)
    assert client.get(f"/topics/nope/feed/{kind}/").status_code == 404


def test_sitemap_lists_topics_initiatives_and_entities(client, sample):
    index = html(client.get("/sitemap.xml"))
    for section in ("topics", "initiatives", "entities"):
        assert f"sitemap-{section}.xml" in index
    initiatives = html(client.get("/sitemap-initiatives.xml"))
    assert "/initiatives/project-vault/</loc>" in initiatives
    assert "/topics/recycling/</loc>" in html(client.get("/sitemap-topics.xml"))
    pages = html(client.get("/sitemap-pages.xml"))
    for index in ("/initiatives/", "/topics/", "/entities/", "/claims/"):
        assert f"{index}</loc>" in pages


# --- caching ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_editor_verdict_shows_on_cached_pages_at_once(client):
    load_sample_tracker()
    claim = ten_billion_claim()
    url = vault_article().get_absolute_url()
    assert "status--verified" not in html(client.get(url))
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert len(cached) == 1  # served from the cache: only the pages-version lookup

    verify(claim)  # transactional test: tracker_changed's on_commit invalidation runs

    assert "status--verified" in html(client.get(url))
    assert "status--verified" in html(client.get(VAULT))


# --- bounded queries --------------------------------------------------------------------------


def _grow(extra: int) -> None:
    """Add ``extra`` articles linked to Project Vault, its topic and EXIM, each with a claim."""
    vault = Initiative.objects.get(slug="project-vault")
    topic = Topic.objects.get(slug="stockpiles-and-reserves")
    exim = Entity.objects.get(aliases__text="EXIM")
    start = datetime(2025, 6, 2, tzinfo=UTC)
    for n in range(extra):
        article = make_article(
            title=f"Vault follow-up {n}", published_at=start + timedelta(days=3 * n)
        )
        link_article(article, vault, state="confirmed", decided_at=start)
        link_article(article, topic)
        link_article(article, exim)
        make_claim(articles=[article], subject_initiative=vault, unit="USD", value=10**9 + n)


PAGES = [
    "/",
    VAULT,
    VAULT + "?page=2",
    "/initiatives/",
    "/initiatives/?status=active&kind=stockpile&sort=-name",
    "/articles/?topic=stockpiles-and-reserves&initiative=project-vault&start=2020-01-01",
    "/articles/?entity={exim}",
    "/claims/?measure=loan&unit=USD",
    "/topics/stockpiles-and-reserves/",
    "/entities/{exim}/",
    "/claims/",
    "/claims/?status=unverified&initiative=project-vault",
    "/search/?q=vault&initiative=project-vault&topic=stockpiles-and-reserves",
    "{article}",
    "/initiatives/project-vault/feed/rss/",
    "/topics/stockpiles-and-reserves/feed/atom/",
]


@pytest.mark.parametrize("extra", [25, 120])
def test_every_page_costs_at_most_ten_queries_whatever_the_data_size(
    client, sample, extra, django_assert_max_num_queries
):
    _grow(extra)
    verify(ten_billion_claim())
    exim = Entity.objects.get(aliases__text="EXIM")
    for url in PAGES:
        url = url.format(exim=exim.slug, article=vault_article().get_absolute_url())
        page_cache().clear()
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url


# --- charts, figures, headers -----------------------------------------------------------------


def test_weekly_chart_fills_missing_weeks_and_scales_to_the_busiest():
    from datetime import date

    from tracker.charts import weekly_chart
    from tracker.selectors import WeekCount

    chart = weekly_chart(
        [WeekCount(date(2026, 1, 5), 1), WeekCount(date(2026, 2, 2), 4)], title="Coverage"
    )

    # Four weeks apart, padded to the minimum of eight weeks.
    assert [bar.count for bar in chart.bars] == [0, 0, 0, 1, 0, 0, 0, 4]
    assert chart.peak == 4 and chart.total == 5
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.week == date(2026, 2, 2) and tallest.y == chart.top
    assert chart.bars[3].height == pytest.approx(tallest.height / 4, abs=0.1)
    assert "5 articles in the 8 weeks" in chart.description
    assert weekly_chart([], title="Coverage").description == "No dated coverage yet."


def test_tracker_pages_carry_the_content_security_policy_and_format_figures(client, sample):
    for url in (VAULT, "/claims/", "/topics/recycling/", "/initiatives/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
    reference = main_of(client.get(VAULT))
    reference = reference[reference.index("Reference figures") :]
    assert "<strong>$12 billion</strong>" in reference
