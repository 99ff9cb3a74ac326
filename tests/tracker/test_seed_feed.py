"""Enrichment over the shared seed feed (25 posts), with the reference data loaded.

The expectations come from reading the posts; a post is named here by the start of its URL slug.
"""

from decimal import Decimal

import pytest

from articles.models import Article
from tests.articles.feeds import SHARED_FEED, require_seed
from tests.conftest import rows_in_test, shared_rows_fixture
from tests.factories import articles_from_feed, make_user
from tracker.models import ArticleInitiative, Claim, ClaimAppearance, Initiative, Link, Mention
from tracker.reference import read_reference
from tracker.selectors import initiative_conflicts, initiative_page, initiatives_with_conflicts
from tracker.services.enrichment import articles_enrich
from tracker.services.links import article_initiative_decide
from tracker.services.reference import reference_load

pytestmark = pytest.mark.django_db

SEED_FEED = SHARED_FEED

POSTS = {
    "recycling": "you-cant-recycle",
    "energy_fuels": "energy-fuels-asm-deal",
    "uae": "oil-money-meets-magnet",
    "motors": "china-turns-rare-earths-into",
    "price_floors": "allies-price-floors",
    "hallgarten": "the-end-of-empire",
    "nanostructures": "nanostructures-not-stockpiles",
    "allies": "us-marshals-allies",
    "vault": "project-vault-the-10",
    "kazakhstan": "from-kazakhstan-to-ohio",
    "wind_solar": "chinas-wind-solar-capacity",
    "magnetometer": "first-fully-domestic",
    "copper_belt": "power-without-a-flag",
    "britain": "from-geology-to-leverage",
    "argentina": "argentina-rare-earths-and",
    "ustda": "ustda-steps-forward",
    "usa_rare_earth": "usa-rare-earth-at-the",
    "summit": "the-critical-minerals-summit",
    "shenghe": "shenghe-resources-signals",
    "india": "from-intent-to-infrastructure",
    "eu": "rules-before-rocks",
    "paradox": "the-paradox-of-visibility",
    "cross_sector": "rare-earths-move-beyond",
    "wind_coal": "china-claims-major-advances",
    "downstream": "downstream-dominance",
}
STATE_MEDIA = {
    "motors", "wind_solar", "magnetometer", "shenghe", "cross_sector", "wind_coal", "downstream",
}  # fmt: skip


def load_seed() -> None:
    require_seed(SEED_FEED)
    reference_load(data=read_reference())
    articles = articles_from_feed(SEED_FEED)
    articles_enrich(article_ids=[a.pk for a in articles])


shared_rows_seed = shared_rows_fixture(load_seed)


@pytest.fixture
def seed(shared_rows_seed, db):
    rows_in_test(shared_rows_seed, load_seed)
    articles = list(Article.objects.all())
    by_key = {}
    for key, slug in POSTS.items():
        (article,) = [a for a in articles if f"/news/{slug}" in a.url]
        by_key[key] = article
    return by_key


def linked(seed, slug: str, basis: str = "named") -> set[str]:
    initiative = Initiative.objects.get(slug=slug)
    ids = set(
        ArticleInitiative.objects.filter(initiative=initiative, basis=basis).values_list(
            "article_id", flat=True
        )
    )
    return {key for key, article in seed.items() if article.pk in ids}


def test_posts_naming_an_initiative_are_linked_to_it_and_no_other_post_is(seed):
    assert linked(seed, "project-vault") == {
        "hallgarten", "vault", "ustda", "usa_rare_earth", "summit", "india",
    }  # fmt: skip
    assert linked(seed, "forge") == {"uae"}
    assert linked(seed, "pax-silica") == {"uae", "summit", "india"}
    assert linked(seed, "chips-program") == {"ustda", "usa_rare_earth"}
    assert linked(seed, "argentina-rigi") == {"argentina"}


def test_posts_describing_project_vault_without_naming_it_get_weak_suggestions(seed):
    assert linked(seed, "project-vault", basis="described") == {"allies", "eu"}
    weak = ArticleInitiative.objects.filter(basis="described")
    assert all(link.confidence < 0.5 and link.state == "suggested" for link in weak)


def test_acronyms_match_no_ordinary_word_in_the_feed(seed):
    for slug, acronym in (
        ("forge", "FORGE"),
        ("chips-program", "CHIPS"),
        ("argentina-rigi", "RIGI"),
    ):
        for link in ArticleInitiative.objects.filter(initiative__slug=slug, basis="named"):
            assert acronym in link.matched_text or link.matched_text.startswith(("CHIPS", "Forum"))
    # "origin" and "origins" appear in the feed; RIGI is named in one post only.
    assert ArticleInitiative.objects.filter(initiative__slug="argentina-rigi").count() == 1


def highlight_figures(article) -> set[tuple]:
    """(value, value_max, unit with its denominator, the noun counted) of each figure."""
    appearances = ClaimAppearance.objects.filter(article=article, location="highlight")
    return {
        (
            a.claim.value,
            a.claim.value_max,
            a.claim.unit_label,
            a.claim.measure if a.claim.unit == "count" else "",
        )
        for a in appearances.select_related("claim")
        if a.claim.value is not None
    }


D = Decimal


HIGHLIGHT_FIGURES = dict(
    [
        ("energy_fuels", {(D(6000), None, "t/yr", "")}),
        ("uae", {(D(70), None, "percent", ""), (D(90), None, "percent", ""),
                 (D(5), D(7), "count", "year")}),
        ("motors", {(D(1700), None, "count", "motor"), (D(39), None, "count", "model"),
                    (D(7), None, "count", "family")}),
        # The post's highlight drops the word "billion": "$10 in long-term loans".
        ("vault", {(D(10), None, "USD", "")}),
        ("kazakhstan", {(D(275), None, "t/yr", ""), (D(3400), None, "t/yr", "")}),
        ("wind_solar", {(D("1.8"), None, "TW", ""), (D("47.3"), None, "percent", ""),
                        (D(300), None, "GW", ""), (D("30.8"), None, "percent", ""),
                        (D(14), None, "percent", "")}),
        ("copper_belt", {(D(40), None, "percent", ""), (D(9e9), None, "USD", ""),
                         (D(2), None, "count", "mine"), (D(247800), None, "t", ""),
                         (D(33500), None, "t", ""), (D(70), None, "percent", ""),
                         (D("1.8e9"), None, "USD", "")}),
        ("britain", {(D(12e6), None, "GBP", ""), (D(400), None, "t/yr", "")}),
        ("argentina", {(D(14e9), None, "USD", ""), (D("14.5e9"), None, "USD", ""),
                       (D("8.6e9"), None, "USD", "")}),
        ("ustda", {(D(3), None, "count", "initiative"), (D(5), None, "count", "convening"),
                   (D(25000), None, "t/yr", "")}),
        ("usa_rare_earth", {(D("1.6e9"), None, "USD", ""), (D("1.5e9"), None, "USD", ""),
                            (D("3.1e9"), None, "USD", ""), (D(638), None, "ppm", ""),
                            (D(160), D(200), "ppm", ""), (D(12), D(15), "USD", ""),
                            (D(25), None, "USD/t", ""), (D(8), D(16), "percent", ""),
                            (D(250e6), None, "USD", "")}),
        ("summit", {(D(10e9), None, "USD", "")}),
        ("india", {(D(12e9), None, "USD", ""), (D("3.8e9"), None, "USD", "")}),
        ("cross_sector", {(D(158), None, "count", "application"),
                          (D(69), None, "count", "standard"), (D(10), None, "count", "compound"),
                          (D(30), None, "count", "material")}),
    ]
)  # fmt: skip


def test_highlight_figures_become_claims_with_normalized_values(seed):
    found = {post: highlight_figures(seed[post]) for post in HIGHLIGHT_FIGURES}
    assert found == HIGHLIGHT_FIGURES


def test_claims_from_state_media_posts_are_flagged_and_no_others(seed):
    for key, article in seed.items():
        flags = set(
            ClaimAppearance.objects.filter(article=article).values_list(
                "claim__needs_independent_verification", flat=True
            )
        )
        if key in STATE_MEDIA:
            assert flags <= {True}, key  # every claim flagged (the Shenghe post makes none)
        else:
            # A claim is flagged only when a state-media post makes it too.
            for appearance in ClaimAppearance.objects.filter(
                article=article, claim__needs_independent_verification=True
            ):
                assert appearance.claim.appearances.filter(article__is_state_media=True).exists()
    flagged = Claim.objects.filter(needs_independent_verification=True)
    assert flagged.filter(appearances__article=seed["motors"], value=1700).exists()
    assert flagged.filter(appearances__article=seed["wind_solar"], unit="TW").exists()


def test_project_vault_amounts_are_parts_of_its_total_not_a_conflict(seed):
    vault = Initiative.objects.get(slug="project-vault")
    # Coverage gives $10 billion (the EXIM loan) and $12 billion (the loan plus private capital)
    # for the same initiative: its reference facts account for both.
    amounts = set(Claim.objects.about_initiative(vault).values_list("value", flat=True))
    assert {D(10e9), D(12e9)} <= amounts
    assert initiative_conflicts(vault) == []
    assert vault not in initiatives_with_conflicts()

    # Read as the same measure (as reports that do not say what the amount is for would be),
    # the amounts are still no rivals: the loan and the total it is part of are reference facts.
    Claim.objects.about_initiative(vault).update(measure="")
    assert initiative_conflicts(vault) == []
    # Without those facts, they disagree.
    vault.facts.all().delete()
    conflicts = initiative_conflicts(vault)
    assert any({D(10e9), D(12e9)} <= {v.value for v in c.values} for c in conflicts)


def test_a_figure_the_source_mistyped_is_flagged_and_no_key_figure(seed):
    # One post's highlight drops the word "billion": "$10 in long-term loans".
    (typo,) = Claim.objects.filter(appearances__article=seed["vault"], value=10, unit="USD")
    assert typo.implausible
    page = initiative_page(slug="project-vault", page_number=1)
    assert typo not in page.key_claims


def test_extraction_twice_changes_nothing(seed):
    models = [Mention, ArticleInitiative, Claim, ClaimAppearance, Claim.entities.through]
    before = {m.__name__: sorted(map(repr, m.objects.values_list())) for m in models}
    result = articles_enrich(article_ids=[a.pk for a in seed.values()], force=True)
    assert result.articles == 25
    assert (result.links_created, result.links_removed, result.claims_created) == (0, 0, 0)
    assert {m.__name__: sorted(map(repr, m.objects.values_list())) for m in models} == before


def test_an_editors_rejection_survives_reextraction(seed):
    editor = make_user()
    link = ArticleInitiative.objects.get(article=seed["ustda"], initiative__slug="project-vault")
    article_initiative_decide(link=link, state=Link.State.REJECTED, user=editor)
    articles_enrich(article_ids=[a.pk for a in seed.values()], force=True)
    link.refresh_from_db()
    assert link.state == "rejected" and link.decided_by == editor
    assert (
        ArticleInitiative.objects.filter(
            article=seed["ustda"], initiative__slug="project-vault"
        ).count()
        == 1
    )
