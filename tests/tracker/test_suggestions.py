"""Suggested new entities: found in unseen text, recorded by enrichment, decided by editors.

Also the matching fixes they sit beside: currencies are not countries, former names match,
editors' notes on aliases stay in the admin.
"""

import pytest
from django.urls import reverse

from tests.factories import make_admin_editor, make_article, make_user
from tracker.discovery import discover
from tracker.lexicon import build_lexicon
from tracker.matching import ENTITY, Matcher, Term
from tracker.models import Entity, EntityAlias, EntitySighting, EntitySuggestion, Mention
from tracker.services import suggestions
from tracker.services.enrichment import articles_enrich

QUEUE = reverse("admin:tracker_review_queue")

KNOWN = Matcher(
    [
        Term("Japan", ENTITY, 1),
        Term("MP Materials", ENTITY, 2),
        Term("U.S.", ENTITY, 3),
        Term("Department of Energy", ENTITY, 4),
        Term("China", ENTITY, 5),
        Term("National Energy Administration", ENTITY, 6),
    ]
)


def names(text: str, matcher: Matcher = KNOWN) -> list[tuple[str, str]]:
    return [(c.name, c.kind) for c in discover(text, matcher)]


# --- discovery, without a database ------------------------------------------------------------


def test_discovery_finds_companies_bodies_and_countries_of_unseen_news():
    text = (
        "Lynas Rare Earths shipped oxide while General Motors signed a magnet deal. Shares of "
        "Iluka Resources rose. South Korea's trade ministry and China's Ministry of Industry "
        "and Information Technology met officials of the Japan Organization for Metals and "
        "Energy Security in Tokyo."
    )
    assert names(text) == [
        ("Lynas Rare Earths", "company"),
        ("General Motors", "company"),
        ("Iluka Resources", "company"),
        ("South Korea", "country"),
        ("Ministry of Industry and Information Technology", "government_body"),
        ("Japan Organization for Metals and Energy Security", "organization"),
    ]


def test_discovery_keeps_legal_forms_and_drops_sentence_starters_and_descriptions():
    text = (
        "Meanwhile Norvik Magnetics Ltd said it would expand. The Department declined to say. "
        "Heavy Rare Earths and Critical Minerals rallied. Brakstad Metall AG, Australian Rare "
        "Earths Ltd. and Ostvik Graphite Co., Ltd. followed. The Mining sector cooled."
    )
    assert names(text) == [
        ("Norvik Magnetics Ltd", "company"),
        ("Brakstad Metall AG", "company"),
        ("Australian Rare Earths Ltd.", "company"),
        ("Ostvik Graphite Co., Ltd.", "company"),
    ]


def test_discovery_never_suggests_a_known_name_even_with_its_corporate_form():
    text = (
        "MP Materials Corp. and the U.S. Department of Energy spoke; China's National Energy "
        "Administration listened; Japan agreed."
    )
    assert names(text) == []


def test_a_body_stops_before_a_title_and_lists_keep_their_and():
    text = (
        "The Ministry of Commerce Spokesperson He Yadong said so; the Ministry of Trade, "
        "Industry and Energy agreed."
    )
    assert names(text) == [
        ("Ministry of Commerce", "government_body"),
        ("Ministry of Trade, Industry and Energy", "government_body"),
    ]


def test_and_joins_two_companies_but_not_a_bodys_words():
    text = (
        "Officials at Trondheim and Halvard Motors Co. met the Ostvik Trade and Development "
        "Agency and Procter & Lund Mining."
    )
    assert names(text) == [
        ("Halvard Motors Co.", "company"),
        ("Ostvik Trade and Development Agency", "government_body"),
        ("Procter & Lund Mining", "company"),
    ]


def test_a_country_named_for_its_currency_is_no_candidate():
    assert names("Prices in Brunei dollars and Fiji dollar bonds rose.") == []


def test_each_name_once_with_its_context():
    text = "Norvik Magnetics Ltd said output rose. Later, Norvik Magnetics said more."
    found = discover(text, KNOWN)
    assert [c.key for c in found] == ["norvik magnetics"]
    assert found[0].context(text) == text


# --- recorded by enrichment -------------------------------------------------------------------


@pytest.fixture
def known(db):
    us = Entity.objects.create(name="United States", slug="united-states", kind="country")
    for text in ("U.S.", "US"):
        EntityAlias.objects.create(entity=us, text=text)
    mp = Entity.objects.create(name="MP Materials", slug="mp-materials", kind="company")
    return {"us": us, "mp": mp}


def enrich(*articles, force=True):
    return articles_enrich(article_ids=[a.pk for a in articles], force=force)


NORVIK = (
    "Norvik Magnetics Ltd said it would build a magnet plant in Ohio. MP Materials Corp. "
    "declined to comment on prices in U.S. dollars."
)


def test_an_unknown_company_becomes_a_suggestion_with_its_context(known):
    article = make_article(title="Magnets", content_text=NORVIK)
    enrich(article)
    suggestion = EntitySuggestion.objects.get()
    assert (suggestion.name, suggestion.kind, suggestion.state) == (
        "Norvik Magnetics Ltd",
        "company",
        "pending",
    )
    assert suggestion.article_count == 1
    sighting = suggestion.sightings.get()
    assert sighting.article_id == article.pk
    assert "Norvik Magnetics Ltd said it would build" in sighting.context
    # Neither the known company (with its legal form) nor a country is suggested, and a
    # currency is not a mention of the country.
    assert not Mention.objects.filter(entity=known["us"]).exists()
    assert Mention.objects.filter(entity=known["mp"], article=article).exists()


def test_enriching_twice_and_a_second_article_make_no_duplicates(known):
    first = make_article(title="One", content_text=NORVIK)
    second = make_article(title="Two", content_text="Norvik Magnetics Limited hired staff.")
    enrich(first)
    enrich(first)
    enrich(first, second)
    suggestion = EntitySuggestion.objects.get()
    assert suggestion.article_count == 2
    assert EntitySighting.objects.count() == 2


def test_a_name_gone_from_the_text_loses_its_sighting(known):
    article = make_article(title="One", content_text=NORVIK)
    enrich(article)
    article.content_text = "MP Materials said nothing new."
    article.save()
    enrich(article)
    assert not EntitySuggestion.objects.exists()


def test_accepting_creates_the_entity_and_its_mentions(known):
    article = make_article(title="Magnets", content_text=NORVIK)
    enrich(article)
    editor = make_user("ed")
    entity = suggestions.entity_suggestion_accept(
        suggestion=EntitySuggestion.objects.get(),
        user=editor,
        name="Norvik Magnetics",
        aliases=["Norvik"],
    )
    assert (entity.name, entity.kind, entity.slug) == (
        "Norvik Magnetics",
        "company",
        "norvik-magnetics",
    )
    assert set(entity.aliases.values_list("text", flat=True)) == {"Norvik Magnetics Ltd", "Norvik"}
    assert Mention.objects.filter(entity=entity, article=article).exists()
    suggestion = EntitySuggestion.objects.get()
    assert (suggestion.state, suggestion.entity, suggestion.decided_by) == (
        "accepted",
        entity,
        editor,
    )
    # Known now: enriching again suggests nothing new.
    enrich(article)
    assert EntitySuggestion.objects.count() == 1


def test_a_rejected_name_never_comes_back(known):
    article = make_article(title="Magnets", content_text=NORVIK)
    enrich(article)
    suggestions.entity_suggestion_reject(suggestion=EntitySuggestion.objects.get(), user=None)
    other = make_article(title="Again", content_text="Norvik Magnetics Ltd raised money.")
    enrich(article, other)
    suggestion = EntitySuggestion.objects.get()
    assert suggestion.state == "rejected"
    assert list(suggestion.sightings.values_list("article_id", flat=True)) == [article.pk]


# --- the review queue -------------------------------------------------------------------------


@pytest.fixture
def desk(client, known):
    editor = make_admin_editor()
    client.force_login(editor)
    return client


def test_the_queue_lists_suggested_entities_with_contexts(desk, known):
    enrich(make_article(title="Magnets", content_text=NORVIK))
    page = desk.get(QUEUE).content.decode()
    assert "Suggested new entities" in page
    assert "Norvik Magnetics Ltd" in page and "would build a magnet plant" in page


def test_an_editor_accepts_with_a_kind_and_aliases_from_the_queue(desk, known):
    article = make_article(title="Magnets", content_text=NORVIK)
    enrich(article)
    pk = EntitySuggestion.objects.get().pk
    response = desk.post(
        QUEUE,
        {
            "suggestion": f"accept:{pk}",
            f"name_{pk}": "Norvik Magnetics Ltd",
            f"kind_{pk}": "organization",
            f"aliases_{pk}": "Norvik Magnetics\nNorvik",
        },
    )
    assert response.status_code == 302
    entity = Entity.objects.get(name="Norvik Magnetics Ltd")
    assert entity.kind == "organization"
    assert set(entity.aliases.values_list("text", flat=True)) == {"Norvik Magnetics", "Norvik"}
    assert Mention.objects.filter(entity=entity, article=article).exists()


def test_bulk_reject_from_the_queue(desk, known):
    enrich(
        make_article(
            title="Two", content_text="Norvik Magnetics Ltd and Brakstad Metall AG merged."
        )
    )
    ids = [str(pk) for pk in EntitySuggestion.objects.values_list("pk", flat=True)]
    assert len(ids) == 2
    desk.post(QUEUE, {"suggestion": "reject", "selected_suggestion": ids})
    assert set(EntitySuggestion.objects.values_list("state", flat=True)) == {"rejected"}
    assert not Entity.objects.filter(name__startswith="Norvik").exists()


def test_staff_outside_editors_cannot_decide_suggestions(client, known):
    enrich(make_article(title="Magnets", content_text=NORVIK))
    pk = EntitySuggestion.objects.get().pk
    client.force_login(make_user("staff", is_staff=True))
    assert client.post(QUEUE, {"suggestion": f"reject:{pk}"}).status_code == 403
    assert EntitySuggestion.objects.get().state == "pending"


# --- reference data: former names, misspellings and editors' notes -----------------------------


@pytest.fixture
def reference(reference_data):
    pass


def test_former_names_are_aliases_that_match(reference):
    apple = Entity.objects.get(slug="apple")
    former = apple.aliases.get(text="Apple Computer")
    assert former.kind == "former"
    article = make_article(title="Old name", content_text="Apple Computer bought magnets in 1999.")
    enrich(article)
    assert Mention.objects.filter(entity=apple, article=article).exists()
    assert build_lexicon().matcher.knows("Glencore Xstrata")


def test_editors_notes_and_misspellings_stay_out_of_public_pages_and_the_api(client, reference):
    goldman = Entity.objects.get(slug="goldman-sachs")
    alias = goldman.aliases.get(text="Golden Sachs")
    assert (alias.kind, bool(alias.note)) == ("misspelling", True)
    pages = [
        "/entities/",
        f"/entities/{goldman.slug}/",
        "/initiatives/",
        "/initiatives/china-two-rare-earth-bases/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "misspelling" not in page.lower(), url
        assert "Golden Sachs" not in page and "Two Ear Earth" not in page, url

    from tests.factories import make_api_key

    _, raw = make_api_key(rate_per_minute=10_000)
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    for url in (
        f"/api/v1/entities/{goldman.slug}/",
        "/api/v1/entities/?q=goldman",
        "/api/v1/initiatives/",
    ):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "misspelling" not in body.lower(), url
        assert "Golden Sachs" not in body and "Two Ear Earth" not in body, url
    # Still matched, so a post with the misspelling is still linked to the bank.
    article = make_article(title="Typo", content_text="Golden Sachs led the loan.")
    enrich(article)
    assert Mention.objects.filter(entity=goldman, article=article).exists()


def test_the_queue_shows_the_newest_three_contexts_of_a_name(desk, known):
    articles = [
        make_article(title=f"Post {n}", content_text=f"Norvik Magnetics Ltd opened plant {n}.")
        for n in range(5)
    ]
    enrich(*articles)
    page = desk.get(QUEUE).content.decode()
    assert [f"opened plant {n}" in page for n in range(5)] == [False, False, True, True, True]
