"""Reader filters: /articles/ by outlet, topic, initiative, entity and date; /claims/ by measure
and unit; /initiatives/ as a filterable, sortable table. Bad values are 400s with a reason."""

from datetime import UTC, datetime

import pytest

from articles.models import ArticleFeed, Feed
from reex.caching import page_cache
from tests.factories import (
    link_article,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_topic,
)
from tracker.models import InitiativeSponsor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    page_cache().clear()
    yield
    page_cache().clear()


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _carried(article, feed):
    ArticleFeed.objects.create(article=article, feed=feed)
    return article


@pytest.fixture
def corpus():
    wire = Feed.objects.create(url="https://wire.example.com/feed/", title="Oxide Wire")
    daily = Feed.objects.create(url="https://daily.example.net/feed/", title="Magnet Daily")
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    may = datetime(2026, 5, 20, 9, tzinfo=UTC)
    refinery = _carried(make_article(title="Refinery permit granted", published_at=march), wire)
    tariff = _carried(make_article(title="Tariff on magnets doubled", published_at=may), daily)
    topic, initiative, entity = make_topic(), make_initiative(), make_entity()
    link_article(refinery, topic)
    link_article(tariff, initiative)
    link_article(tariff, entity)
    link_article(refinery, entity, state="rejected", decided_at=march)  # never a match
    return {
        "wire": wire, "daily": daily, "topic": topic, "initiative": initiative, "entity": entity
    }  # fmt: skip


def _titles(client, query: str) -> set[str]:
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200, query
    page = main_of(response)
    return {t for t in ("Refinery permit granted", "Tariff on magnets doubled") if t in page}


def test_articles_filter_by_outlet_topic_initiative_entity_and_date(client, corpus):
    both = {"Refinery permit granted", "Tariff on magnets doubled"}
    assert _titles(client, "") == both
    assert _titles(client, f"outlet={corpus['wire'].pk}") == {"Refinery permit granted"}
    assert _titles(client, f"outlet={corpus['daily'].pk}") == {"Tariff on magnets doubled"}
    assert _titles(client, f"topic={corpus['topic'].slug}") == {"Refinery permit granted"}
    assert _titles(client, f"initiative={corpus['initiative'].slug}") == {
        "Tariff on magnets doubled"
    }
    assert _titles(client, f"entity={corpus['entity'].slug}") == {"Tariff on magnets doubled"}
    assert _titles(client, "start=2026-04-01") == {"Tariff on magnets doubled"}
    assert _titles(client, "end=2026-04-01") == {"Refinery permit granted"}
    assert _titles(client, f"outlet={corpus['wire'].pk}&start=2026-04-01") == set()


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("outlet=999999", "Select a valid choice"),
        ("outlet=abc", "Select a valid choice"),
        ("topic=no-such-topic", "Select a valid choice"),
        ("entity=no-such-entity", "No entity has this slug"),
        ("start=2026-13-40", "Enter a valid date"),
        ("start=2026-05-01&end=2026-04-01", "The start date is after the end date"),
    ],
)
def test_a_bad_article_filter_is_a_400_with_its_reason(client, corpus, query, reason):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_the_article_filters_are_cached_per_canonical_url(client, corpus):
    from tests.articles.test_page_cache import stored_pages

    client.get(f"/articles/?outlet={corpus['wire'].pk}&start=2026-01-01")
    assert stored_pages() == 1
    client.get("/articles/?outlet=1&junk=1")  # an unknown parameter: rendered, not stored
    assert stored_pages() == 1


def test_claims_filter_by_measure_and_unit(client):
    article = make_article(title="Figures")
    # Each with its own figure text: the factory's default ("<counter> tonnes") could read as
    # another claim's figure ("1500 tonnes" holds "500 tonnes"), depending on the tests before.
    for statement, figure, measure, unit in (
        ("A loan of $3 billion.", "$3 billion", "loan", "USD"),
        ("Capacity of 500 tonnes.", "500 tonnes", "capacity", "t"),
        ("A loan of 900 tonnes.", "900 tonnes", "Loan", "t"),
    ):
        make_claim(
            articles=[article], statement=statement, figure_text=figure, measure=measure, unit=unit
        )

    def statements(query):
        response = client.get(f"/claims/?{query}")
        assert response.status_code == 200
        page = main_of(response)
        return {s for s in ("$3 billion", "500 tonnes", "900 tonnes") if s in page}

    assert statements("measure=loan") == {"$3 billion", "900 tonnes"}
    assert statements("measure=loan&unit=USD") == {"$3 billion"}
    assert statements("unit=t") == {"500 tonnes", "900 tonnes"}
    bad = client.get("/claims/?unit=furlongs")
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()


@pytest.fixture
def initiatives():
    us, japan = (
        make_entity(name="United States", kind="country"),
        make_entity(name="Japan", kind="country"),
    )
    bank = make_entity(name="Export Bank")
    reserve = make_initiative(name="Alpha Reserve", kind="stockpile", status="active")
    reserve.jurisdictions.add(us)
    InitiativeSponsor.objects.create(initiative=reserve, entity=bank)
    forum = make_initiative(name="Zeta Forum", kind="alliance", status="announced")
    forum.jurisdictions.add(japan)
    fund = make_initiative(name="Mid Fund", kind="financing_programme", status="active")
    link_article(make_article(published_at=datetime(2026, 1, 5, tzinfo=UTC)), reserve)
    for day in (2, 3):
        link_article(make_article(published_at=datetime(2026, 6, day, tzinfo=UTC)), forum)
    return {"us": us, "japan": japan, "bank": bank, "fund": fund}


def _rows(client, query: str) -> list[str]:
    response = client.get(f"/initiatives/?{query}")
    assert response.status_code == 200, query
    page = main_of(response)
    names = ["Alpha Reserve", "Zeta Forum", "Mid Fund"]
    found = [(page.index(f">{n}<"), n) for n in names if f">{n}<" in page]
    return [n for _, n in sorted(found)]


def test_initiatives_table_filters(client, initiatives):
    assert _rows(client, "") == ["Zeta Forum", "Alpha Reserve", "Mid Fund"]  # latest coverage
    assert _rows(client, "jurisdiction=" + initiatives["us"].slug) == ["Alpha Reserve"]
    assert _rows(client, "sponsor=" + initiatives["bank"].slug) == ["Alpha Reserve"]
    assert _rows(client, "kind=alliance") == ["Zeta Forum"]
    assert _rows(client, "status=active") == ["Alpha Reserve", "Mid Fund"]
    assert _rows(client, "covered_since=2026-03-01") == ["Zeta Forum"]
    page = main_of(client.get("/initiatives/"))
    assert "United States" in page and "Export Bank" in page  # the table's columns


def test_initiatives_table_sorts_both_ways(client, initiatives):
    assert _rows(client, "sort=name") == ["Alpha Reserve", "Mid Fund", "Zeta Forum"]
    assert _rows(client, "sort=-name") == ["Zeta Forum", "Mid Fund", "Alpha Reserve"]
    assert _rows(client, "sort=articles") == ["Zeta Forum", "Alpha Reserve", "Mid Fund"]
    assert _rows(client, "sort=-latest") == ["Mid Fund", "Alpha Reserve", "Zeta Forum"]
    page = main_of(client.get("/initiatives/?sort=name"))
    # The Name heading now links to the reverse order and says how the table is sorted.
    assert 'aria-sort="ascending"><a href="?sort=-name">Name</a>' in page


@pytest.mark.parametrize(
    "query", ["kind=volcano", "status=asleep", "sponsor=nobody", "sort=height", "covered_since=x"]
)
def test_a_bad_initiative_filter_is_a_400(client, initiatives, query):
    response = client.get(f"/initiatives/?{query}")
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
