"""Claims are facts: one per measure, quoted in each article's own words, verdicts that follow
the fact through re-extraction, and conflicts only between real rivals."""

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.factories import make_api_key, make_article, make_user
from tracker.models import Claim, ClaimAppearance, Entity, Initiative, InitiativeFact
from tracker.selectors import initiative_conflicts, initiative_page, initiatives_with_conflicts
from tracker.services.claims import claim_review
from tracker.services.enrichment import articles_enrich

pytestmark = pytest.mark.django_db

D = Decimal
LENDERS = "Lenders approved a $4 billion loan for the Harbour Minerals Reserve."
SECURED = "The Harbour Minerals Reserve secured a $4 billion loan on Monday."


@pytest.fixture
def names():
    china = Entity.objects.create(name="China", slug="china", kind=Entity.Kind.COUNTRY)
    fund = Initiative.objects.create(
        name="Harbour Minerals Reserve", slug="harbour-reserve", kind=Initiative.Kind.STOCKPILE
    )
    return {"china": china, "fund": fund}


def enrich(*articles, force=False):
    return articles_enrich(article_ids=[a.pk for a in articles], force=force)


@pytest.fixture
def two_wordings(names):
    """Two articles stating one fact, the reserve's $4 billion loan, each in its own words."""
    first = make_article(title="Reserve financing approved", content_text=LENDERS)
    second = make_article(title="What the reserve gets", content_text=SECURED)
    enrich(first, second)
    return first, second


def test_the_same_figure_for_different_measures_stays_two_claims(names):
    refining = make_article(content_text="China refines 90% of the world's rare earth oxides.")
    magnets = make_article(content_text="China makes 90% of the world's rare-earth magnets.")
    enrich(refining, magnets)
    claims = Claim.objects.filter(subject_entity=names["china"], value=90)
    assert claims.count() == 2
    for article in (refining, magnets):
        (appearance,) = ClaimAppearance.objects.filter(article=article)
        assert appearance.claim.appearances.count() == 1


def test_the_same_fact_in_other_words_is_one_claim_quoted_in_each_articles_words(
    names, two_wordings
):
    first, second = two_wordings
    (claim,) = Claim.objects.filter(subject_initiative=names["fund"], value=D(4e9))
    assert claim.measure == "loan"
    sentences = dict(claim.appearances.values_list("article_id", "sentence"))
    assert sentences == {first.pk: LENDERS, second.pk: SECURED}


def test_each_article_page_quotes_its_own_sentence(client, two_wordings):
    first, second = two_wordings
    assert Claim.objects.filter(value=D(4e9)).count() == 1
    for own, other in ((first, second), (second, first)):
        page = client.get(own.get_absolute_url()).content.decode()
        assert own.content_text in page
        assert other.content_text not in page, "an article page quoted another article"


def test_lists_quote_each_article_beside_its_own_sentence(client, two_wordings):
    first, second = two_wordings
    page = client.get("/initiatives/harbour-reserve/").content.decode()
    for article, other in ((first, second), (second, first)):
        quote = page.index(article.content_text)
        title = page.index(article.title, quote)
        # Each quote is followed by its own article's title before the next quote starts.
        assert not quote < page.find(other.content_text) < title


def test_the_api_and_export_quote_appearances_not_the_first_text(two_wordings):
    first, second = two_wordings
    claim = Claim.objects.get(value=D(4e9))
    _, raw = make_api_key(rate_per_minute=10_000, scopes=["read", "export"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    data = api.get(f"/api/v1/claims/{claim.pk}/").json()
    assert {(a["article"], a["sentence"]) for a in data["appearances"]} == {
        (first.pk, LENDERS),
        (second.pk, SECURED),
    }
    assert data["measure"] == "loan" and data["unit"] == "USD"
    response = api.get("/api/v1/export/claims.jsonl")
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    (row,) = [r for r in rows if r["id"] == claim.pk]
    quoted = {first.pk: LENDERS, second.pk: SECURED}
    assert row["statement"] == quoted[row["statement_article"]]


def test_the_noun_claims_is_no_attribution():
    article = make_article(
        content_text="Engineers reviewed the F-35 radar claims in detail. The ministry says the "
        "smelter is ready."
    )
    enrich(article)
    (claim,) = Claim.objects.all()
    assert claim.statement == "The ministry says the smelter is ready."


def test_the_writers_own_enumerations_are_no_claims_but_counted_facts_are(names):
    article = make_article(
        content_text="Three gaps stand out.\nHere are five takeaways from the summit.\n"
        "Two Risks to Watch\n“Four questions remain,” she wrote.\n"
        "Three mines closed in 2025. The report lists three gaps in permitting. "
        "China named two priorities for its magnet makers."
    )
    enrich(article)
    counted = set(Claim.objects.values_list("measure", "value"))
    assert counted == {("mine", D(3)), ("gap", D(3)), ("priority", D(2))}
    statements = set(Claim.objects.values_list("statement", flat=True))
    assert "The report lists three gaps in permitting." in statements  # not the writer's list


# --- verdicts through re-extraction ----------------------------------------------------------


def _old_shape(*articles) -> Claim:
    """One claim covering every appearance of the articles' claims, as the coarser identity of
    an earlier extractor (subject + figure) stored them, with an editor's verdict."""
    enrich(*articles)
    claims = list(Claim.objects.order_by("id"))
    keep = claims[0]
    ClaimAppearance.objects.filter(claim__in=claims[1:]).update(claim=keep)
    Claim.objects.filter(pk__in=[c.pk for c in claims[1:]]).delete()
    Claim.objects.filter(pk=keep.pk).update(fingerprint="old-extractor-shape")
    claim_review(
        claim=Claim.objects.get(pk=keep.pk),
        status=Claim.Status.VERIFIED,
        user=make_user(),
        evidence_url="https://stats.example.org/rare-earths-2025",
        note="Checked against the statistics office's yearbook.",
    )
    return Claim.objects.get(pk=keep.pk)


def test_reenrichment_passes_a_merged_verdict_to_each_fact_and_asks_for_a_second_look(names):
    refining = make_article(content_text="China refines 90% of the world's rare earth oxides.")
    magnets = make_article(content_text="China makes 90% of the world's rare-earth magnets.")
    old = _old_shape(refining, magnets)

    enrich(refining, magnets, force=True)

    heirs = list(Claim.objects.filter(value=90))
    assert len(heirs) == 2 and old.pk not in {c.pk for c in heirs}
    for claim in heirs:
        assert claim.status == Claim.Status.VERIFIED
        assert claim.evidence_url == old.evidence_url
        assert claim.review_note == old.review_note
        assert (claim.reviewed_by_id, claim.reviewed_at) == (old.reviewed_by_id, old.reviewed_at)
        assert claim.carried_from == old.pk and claim.needs_rereview


def test_a_verdict_split_across_batches_is_still_marked_for_a_second_look(names):
    refining = make_article(content_text="China refines 90% of the world's rare earth oxides.")
    magnets = make_article(content_text="China makes 90% of the world's rare-earth magnets.")
    old = _old_shape(refining, magnets)

    enrich(refining, force=True)
    assert Claim.objects.filter(pk=old.pk).exists()  # still stated in the other article
    enrich(magnets, force=True)

    heirs = Claim.objects.filter(carried_from=old.pk)
    assert heirs.count() == 2 and all(c.needs_rereview for c in heirs)
    assert not Claim.objects.filter(pk=old.pk).exists()


def test_a_verdict_on_one_fact_moves_whole_and_an_editors_look_clears_the_mark(names):
    article = make_article(content_text="China refines 90% of the world's rare earth oxides.")
    old = _old_shape(article)

    enrich(article, force=True)

    (heir,) = Claim.objects.filter(value=90)
    assert heir.status == Claim.Status.VERIFIED and heir.carried_from == old.pk
    assert not heir.needs_rereview
    heir.needs_rereview = True
    heir.save()
    claim_review(claim=heir, status=Claim.Status.DISPUTED, user=make_user("second"))
    heir.refresh_from_db()
    assert not heir.needs_rereview


def test_a_claim_with_its_own_verdict_keeps_it(names):
    article = make_article(content_text="China refines 90% of the world's rare earth oxides.")
    old = _old_shape(article)
    enrich(article, force=True)
    heir = Claim.objects.get(value=90)
    claim_review(claim=heir, status=Claim.Status.DISPUTED, user=make_user("second"))
    # The old claim is gone, so nothing can overwrite the heir's own verdict any more.
    assert not Claim.objects.filter(pk=old.pk).exists()
    enrich(article, force=True)
    heir.refresh_from_db()
    assert heir.status == Claim.Status.DISPUTED


# --- conflicts --------------------------------------------------------------------------------


def _state(fund, *sentences) -> list:
    articles = [make_article(content_text=s) for s in sentences]
    enrich(*articles)
    return articles


def test_values_the_initiatives_own_facts_account_for_are_not_rivals(names):
    fund = names["fund"]
    _state(
        fund,
        "The Harbour Minerals Reserve is backed by $9 billion in total.",
        "The Harbour Minerals Reserve is backed by $7 billion in total.",
    )
    assert [c.values[0].value for c in initiative_conflicts(fund)] == [D(9e9)]
    InitiativeFact.objects.create(initiative=fund, label="Loan", value=D(7e9), unit="USD")
    InitiativeFact.objects.create(initiative=fund, label="Private", value=D(2e9), unit="USD")
    # $9 billion is the loan plus the private capital; $7 billion is the loan.
    assert initiative_conflicts(fund) == []


def test_a_value_no_fact_accounts_for_still_conflicts(names):
    fund = names["fund"]
    InitiativeFact.objects.create(initiative=fund, label="Loan", value=D(7e9), unit="USD")
    InitiativeFact.objects.create(initiative=fund, label="Private", value=D(2e9), unit="USD")
    _state(
        fund,
        "The Harbour Minerals Reserve is backed by $9 billion in total.",
        "The Harbour Minerals Reserve is backed by $15 billion in total.",
    )
    (conflict,) = initiative_conflicts(fund)
    assert {value.value for value in conflict.values} == {D(9e9), D(15e9)}


def test_a_verified_value_resolves_the_conflict_and_the_panel_says_which(client, names):
    fund = names["fund"]
    _state(
        fund,
        "The Harbour Minerals Reserve is backed by $9 billion in total.",
        "The Harbour Minerals Reserve is backed by $15 billion in total.",
    )
    assert list(initiatives_with_conflicts()) == [fund]
    nine = Claim.objects.get(value=D(9e9))
    claim_review(
        claim=nine,
        status=Claim.Status.VERIFIED,
        user=make_user(),
        evidence_url="https://reserve.example.gov/annual-report",
    )
    (conflict,) = initiative_conflicts(fund)
    assert conflict.resolved and conflict.verified.value == D(9e9)
    assert list(initiatives_with_conflicts()) == []
    page = client.get("/initiatives/harbour-reserve/").content.decode()
    assert "an editor verified one" in page and "Superseded" in page
    assert "none counts as verified" not in page


def test_an_implausible_figure_is_kept_flagged_but_never_a_key_figure_or_rival(names):
    fund = names["fund"]
    _state(
        fund,
        "Lenders approved a $4 billion loan for the Harbour Minerals Reserve.",
        "Lenders approved a $4 loan for the Harbour Minerals Reserve.",
    )
    typo = Claim.objects.get(value=4)
    assert typo.implausible  # kept, with the reason an editor reads
    assert initiative_conflicts(fund) == []
    data = initiative_page(slug="harbour-reserve", page_number=1)
    assert typo not in data.key_claims and Claim.objects.get(value=D(4e9)) in data.key_claims
